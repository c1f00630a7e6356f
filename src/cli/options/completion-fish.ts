// The fish completion script: one `complete` line per option (short, long or old-style names, the
// description cut at a word, its values), -D's property names by the command before the cursor, and
// the subcommands (offered first; their own options once one is on the line).
import { functionName, isDefineOption, ownSpecs, shortDescription, valueKind, visible, type CompletionSource } from './completion-model.ts';
import { propertyNames } from './properties.ts';
import type { OptionSpec } from './option-spec.ts';

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function nameFlags(names: readonly string[]): string {
  return names.map((n) => (n.startsWith('--') ? `-l ${n.slice(2)}` : n.length === 2 ? `-s ${n.slice(1)}` : `-o ${n.slice(1)}`)).join(' ');
}

function valueFlags(s: OptionSpec): string {
  if (s.kind === 'flag') return '';
  const v = valueKind(s);
  switch (v.kind) {
    case 'file': return ' -r -F';
    case 'dir': return " -x -a '(__fish_complete_directories)'";
    case 'host': return " -x -a '(__fish_print_hostnames)'";
    case 'words': return ` -x -a ${quote(v.words.join(' '))}`;
    case 'property': return ` -x -a ${quote(v.commands.join(' '))}`;
    case 'any': return ' -x';
  }
}

function completeLines(tool: string, specs: readonly OptionSpec[], condition: string): string[] {
  const when = condition ? ` -n ${quote(condition)}` : '';
  return visible(specs).map((s) => `complete -c ${tool}${when} ${nameFlags(s.names)}${valueFlags(s)} -d ${quote(shortDescription(s.help))}`);
}

/** -D's second word: a condition true when the two words before the cursor are -D and this command */
function propertyLines(tool: string, fn: string, specs: readonly OptionSpec[]): string[] {
  const property = specs.find(isDefineOption);
  const kind = property && valueKind(property);
  if (!property || !kind || kind.kind !== 'property') return [];
  return [
    `function ${fn}_property_command --argument-names command`,
    '    set -l words (commandline -opc)',
    '    test (count $words) -ge 2; or return 1',
    `    contains -- $words[-2] ${property.names.join(' ')}; and test (string lower -- $words[-1]) = $command`,
    'end',
    ...kind.commands.map((c) => `complete -c ${tool} -n ${quote(`${fn}_property_command ${c}`)} -x -a ${quote(propertyNames(c).join(' '))}`),
  ];
}

export function fishScript(source: CompletionSource): string {
  const tool = source.name;
  const fn = functionName(tool);
  const subs = source.subcommands ?? [];
  const names = subs.map((s) => s.name).join(' ');
  const out = [`# fish completion for ${tool} (generated from its option table: ${tool} --completion fish)`, `complete -c ${tool} -f`];
  out.push(...completeLines(tool, source.specs, ''));
  out.push(...propertyLines(tool, fn, [...source.specs, ...subs.flatMap((s) => s.specs)]));
  for (const sub of subs) {
    out.push(`complete -c ${tool} -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -a ${sub.name} -d ${quote(shortDescription(sub.summary))}`);
    out.push(...completeLines(tool, ownSpecs(source, sub), `__fish_seen_subcommand_from ${sub.name}`));
  }
  return `${out.join('\n')}\n`;
}
