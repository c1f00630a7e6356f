// The model the completion scripts are drawn from (completion.ts): what each option's value
// completes to, the descriptions zsh and fish show, and the tables of a tool and its subcommands.
import type { OptionSpec } from './option-spec.ts';

export type ValueKind = { kind: 'file' } | { kind: 'dir' } | { kind: 'host' } | { kind: 'words'; words: readonly string[] }
  | { kind: 'property'; commands: readonly string[] } | { kind: 'any' };

/** One table to complete: the tool's own, or one subcommand's (tsbench conn|pub|...). */
export interface CompletionTable {
  specs: readonly OptionSpec[];
}

export interface CompletionSubcommand extends CompletionTable {
  name: string;
  summary: string;
}

/** What a script is made from: the tool's name, its table, and its subcommands (options after the name). */
export interface CompletionSource extends CompletionTable {
  name: string;
  subcommands?: readonly CompletionSubcommand[];
}

const VERSIONS = ['5', '311', '31', 'mqttv5', 'mqttv311', 'mqttv31'];

/** values of options whose value name does not list them (they stay plain words in --help) */
const KNOWN_VALUES: Record<string, readonly string[]> = {
  '--retain-handling': ['always', 'new', 'never'],
};

/** -D's spec carries the commands this tool sends (common-options.ts: propertyOption) */
function propertyCommands(s: OptionSpec): readonly string[] {
  const c = (s as { commands?: unknown }).commands;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string') : [];
}

/** -D (`command name value`): the multi-word option that names MQTT commands; another multi-word one
 *  (tspub's --topic-rewrite FROM TO) takes free words */
export function isDefineOption(s: OptionSpec): boolean {
  return s.kind === 'property' && propertyCommands(s).length > 0;
}

export function valueKind(s: OptionSpec): ValueKind {
  const arg = s.arg ?? '';
  if (isDefineOption(s)) return { kind: 'property', commands: propertyCommands(s) };
  if (s.kind === 'property') return { kind: 'any' };
  const known = s.names.map((n) => KNOWN_VALUES[n]).find((v) => v !== undefined);
  if (known) return { kind: 'words', words: known };
  if (arg === 'file' || (arg === 'path' && s.names.includes('--unix'))) return { kind: 'file' };
  if (arg === 'dir') return { kind: 'dir' };
  if (arg === 'host') return { kind: 'host' };
  if (arg === 'qos') return { kind: 'words', words: ['0', '1', '2'] };
  if (arg === 'version' && s.names.includes('-V')) return { kind: 'words', words: VERSIONS };
  if (arg === 'version') return { kind: 'words', words: ['tlsv1.3', 'tlsv1.2', 'tlsv1.1'] };
  if (arg.includes('|')) return { kind: 'words', words: arg.split('|') };
  return { kind: 'any' };
}

/** the help up to its first ';' outside parentheses ("broker port (default 1883; 8883 with TLS)" stays whole) */
export function firstClause(help: string): string {
  let depth = 0;
  for (let i = 0; i < help.length; i++) {
    const c = help[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) return help.slice(0, i).trim();
  }
  return help.trim();
}

/** the description zsh and fish show: the help's first clause, cut at a word boundary with an ellipsis past `max` */
export function shortDescription(help: string, max = 70): string {
  const first = firstClause(help);
  if (first.length <= max) return first;
  const cut = first.lastIndexOf(' ', max - 1);
  return `${first.slice(0, cut > 0 ? cut : max - 1).replace(/[\s,:(]+$/, '')}…`;
}

/** the name as a shell function name: _tspub */
export function functionName(tool: string): string {
  return `_${tool.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** the options a subcommand adds to the tool's own (those completed after its name) */
export function ownSpecs(source: CompletionSource, sub: CompletionSubcommand): OptionSpec[] {
  const top = new Set(source.specs.flatMap((s) => s.names));
  return visible(sub.specs).filter((s) => !s.names.some((n) => top.has(n)));
}

export function visible(specs: readonly OptionSpec[]): OptionSpec[] {
  return specs.filter((s) => !s.hidden);
}
