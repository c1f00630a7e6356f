// --help text generated from the option table (the same definitions the parser reads), so the two
// cannot drift apart. Plain text, no yargs on any path.
import type { Group, OptionSpec } from './option-spec.ts';
import { EXIT_CODE_HELP } from '../runtime/exit-codes.ts';

const GROUP_TITLES: Record<Group, string> = {
  message: 'Message',
  connection: 'Connection',
  protocol: 'Protocol and session',
  auth: 'Authentication',
  will: 'Last Will',
  tls: 'TLS',
  reconnect: 'Reconnecting',
  output: 'Output',
  misc: 'Other',
};

const ORDER: Group[] = ['message', 'connection', 'protocol', 'auth', 'will', 'tls', 'reconnect', 'output', 'misc'];

function label(s: OptionSpec): string {
  const names = s.names.join(', ');
  return s.kind === 'flag' ? names : `${names} ${s.arg ?? 'value'}`;
}

export function optionHelp(specs: OptionSpec[], width = 100): string {
  const visible = specs.filter((s) => !s.hidden);
  const col = Math.min(34, Math.max(...visible.map((s) => label(s).length)) + 4);
  const out: string[] = [];
  for (const g of ORDER) {
    const group = visible.filter((s) => s.group === g);
    if (group.length === 0) continue;
    out.push(`${GROUP_TITLES[g]}:`);
    for (const s of group) {
      const l = `  ${label(s)}`;
      const lines = wrapText(s.help, width - col);
      out.push(l.length + 2 > col ? `${l}\n${' '.repeat(col)}${lines[0]}` : `${l.padEnd(col)}${lines[0]}`);
      for (const more of lines.slice(1)) out.push(' '.repeat(col) + more);
    }
    out.push('');
  }
  return out.join('\n');
}

function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur !== '' && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else {
      cur = cur === '' ? w : `${cur} ${w}`;
    }
  }
  lines.push(cur);
  return lines;
}

export interface HelpPage {
  tool: string;
  summary: string;
  version: string;
  synopsis: string[];
  specs: OptionSpec[];
  /** extra sections (files, environment, examples) */
  footer: string;
}

export function usageText(p: HelpPage): string {
  const pad = ' '.repeat(`Usage: ${p.tool} `.length);
  return `${p.synopsis.map((l, i) => (i === 0 ? `Usage: ${p.tool} ${l}` : `${pad}${l}`)).join('\n')}\n\nUse '${p.tool} --help' to see all options.\n`;
}

/** bin/load.cjs keeps it; every tool shares it */
const CACHE_HELP = `Cache: $XDG_CACHE_HOME/tsmqtt (else ~/.cache/tsmqtt) keeps V8's compiled code of the tools for a
  faster start; safe to delete; TSMQTT_NO_COMPILE_CACHE=1 turns it off.`;

export function helpText(p: HelpPage): string {
  const pad = ' '.repeat(`Usage: ${p.tool} `.length);
  return [
    `${p.tool} ${p.summary}`,
    `${p.tool} version ${p.version} (tsmqtt).`,
    '',
    p.synopsis.map((l, i) => (i === 0 ? `Usage: ${p.tool} ${l}` : `${pad}${l}`)).join('\n'),
    '',
    optionHelp(p.specs),
    p.footer,
    CACHE_HELP,
    '',
    EXIT_CODE_HELP,
    '',
  ].join('\n');
}
