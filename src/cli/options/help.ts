// --help text generated from the option table (the same definitions the parser reads), so the two
// cannot drift apart, and from the tool's name: the options file, the environment variables and the
// code cache are the same paragraphs in every tool (test/help-footer.test.ts checks that every
// variable named in src/ and bin/ is listed). Plain text, no yargs on any path.
import type { Group, OptionSpec } from './option-spec.ts';
import { KEY_PASSPHRASE_ENV, PASSWORD_ENV } from './password.ts';
import { PROFILE_ENV } from './profiles.ts';
import { EXIT_CODE_HELP } from '../runtime/exit-codes.ts';

export const GROUP_TITLES: Record<Group, string> = {
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

export const GROUP_ORDER: Group[] = ['message', 'connection', 'protocol', 'auth', 'will', 'tls', 'reconnect', 'output', 'misc'];

export function label(s: OptionSpec): string {
  const names = s.names.join(', ');
  return s.kind === 'flag' ? names : `${names} ${s.arg ?? 'value'}`;
}

function optionHelp(specs: readonly OptionSpec[], width = 100): string {
  const visible = specs.filter((s) => !s.hidden);
  const col = Math.min(34, Math.max(...visible.map((s) => label(s).length)) + 4);
  const out: string[] = [];
  for (const g of GROUP_ORDER) {
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

export function wrapText(text: string, width: number): string[] {
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
  /** the mosquitto client it stands in for ('mosquitto_pub'): its options file is read when ours is absent */
  mosquittoTool?: string;
  summary: string;
  version: string;
  synopsis: string[];
  specs: readonly OptionSpec[];
  /** the tool's own sections: before "Files and environment:" (what it does, formats), and at the end
   *  (examples, then its exit status from runtime/exit-codes.ts: exitStatusHelp()) */
  before?: string;
  after?: string;
}

/** the variables the tools read (and a pair read together), one string per printed line */
export const ENVIRONMENT: Array<{ names: string; text: string[] }> = [
  { names: PASSWORD_ENV, text: ['password, used with -u when neither -P nor --password-file is given'] },
  { names: KEY_PASSPHRASE_ENV, text: ['passphrase of an encrypted --key, when no --key-passphrase-file is given', '(neither, on a terminal: "Enter PEM pass phrase:")'] },
  { names: 'NO_COLOR, FORCE_COLOR', text: ['colour policy (also --no-color)'] }, // runtime/terminal.ts
  { names: PROFILE_ENV, text: ['the profile to use when no --profile is given: a [name] section of', '$XDG_CONFIG_HOME/tsmqtt/profiles (else ~/.config/tsmqtt/profiles)'] }, // options/profiles.ts
];

/** "Files and environment:" lines stay within this width (the option table's is 100) */
const FILES_WIDTH = 94;

/** options/config-file.ts's search order for this tool: [the file, what it holds] (the man page's FILES too) */
export function optionsFile(tool: string, mosquittoTool?: string): [string, string] {
  const absent = mosquittoTool ? `; when absent, ${mosquittoTool}'s own file` : '';
  return [`$XDG_CONFIG_HOME/${tool} (else ~/.config/${tool}${absent})`, "default options, one per line, as on the command line; '#' starts a comment"];
}

/** the options file, then the variables */
export function filesAndEnvironment(tool: string, mosquittoTool?: string): string {
  const file = optionsFile(tool, mosquittoTool).join(': ');
  const lines = ['Files and environment:'];
  wrapText(file, FILES_WIDTH - 2).forEach((l, i) => lines.push(`${i === 0 ? '  ' : '       '}${l}`));
  for (const e of ENVIRONMENT) e.text.forEach((t, i) => lines.push(i === 0 ? `  ${e.names}    ${t}` : `       ${t}`));
  return `${lines.join('\n')}\n`;
}

/** bin/load.cjs keeps it and reads these two (it may require node builtins only, so it names them itself) */
export const CACHE_HELP = `Cache: $XDG_CACHE_HOME/tsmqtt (else ~/.cache/tsmqtt) keeps V8's compiled code of the tools for a
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
    `${p.before ?? ''}${filesAndEnvironment(p.tool, p.mosquittoTool)}`,
    CACHE_HELP,
    '',
    // a tool's `after` (examples, then its own exitStatusHelp()) ends the page; else tspub's exit status
    /^Exit status:$/m.test(p.after ?? '') ? p.after!.replace(/\n$/, '') : `${p.after ?? ''}${EXIT_CODE_HELP}`,
    '',
  ].join('\n');
}
