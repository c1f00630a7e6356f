// The zsh completion script: _arguments specs with the option descriptions (cut at a word), value
// actions, -D's command then its property names (a helper reading the word before the cursor), and
// the subcommands as the first argument (_arguments -C with a state per subcommand).
import { functionName, ownSpecs, shortDescription, valueKind, visible, type CompletionSource } from './completion-model.ts';
import { propertyNames } from './properties.ts';
import type { OptionSpec } from './option-spec.ts';

function escape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/'/g, "'\\''").replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/:/g, '\\:');
}

function valueSpec(s: OptionSpec, fn: string): string {
  if (s.kind === 'flag') return '';
  const v = valueKind(s);
  const what = escape(s.arg ?? 'value');
  switch (v.kind) {
    case 'file': return `:${what}:_files`;
    case 'dir': return `:${what}:_files -/`;
    case 'host': return `:${what}:_hosts`;
    case 'words': return `:${what}:(${v.words.join(' ')})`;
    case 'property': return `:command:(${v.commands.join(' ')}):property name:${fn}_property_names:value: `;
    case 'any': return `:${what}: `;
  }
}

function specLines(specs: readonly OptionSpec[], fn: string): string[] {
  return visible(specs).map((s) => {
    const body = `[${escape(shortDescription(s.help))}]${valueSpec(s, fn)}'`;
    return s.names.length > 1
      ? `${s.repeat ? "'*'" : ''}{${s.names.join(',')}}'${body}`
      : `'${s.repeat ? '*' : ''}${s.names[0]}${body}`;
  });
}

/** -D's second word: the property names of the command before it (case-insensitive, as the parser) */
function propertyHelper(fn: string, specs: readonly OptionSpec[]): string[] {
  const kind = specs.map(valueKind).find((k) => k.kind === 'property');
  if (!kind || kind.kind !== 'property') return [];
  return [
    `${fn}_property_names() {`,
    '  case ${(L)words[CURRENT-1]} in',
    ...kind.commands.map((c) => `    ${c}) compadd -- ${propertyNames(c).join(' ')} ;;`),
    '  esac',
    '}',
    '',
  ];
}

const args = (lines: string[], indent: string): string => lines.map((l) => `${indent}${l}`).join(' \\\n');

export function zshScript(source: CompletionSource): string {
  const fn = functionName(source.name);
  const subs = source.subcommands ?? [];
  const head = [`#compdef ${source.name}`, `# zsh completion for ${source.name} (generated from its option table: ${source.name} --completion zsh)`];
  const all = [...source.specs, ...subs.flatMap((s) => s.specs)];
  const helper = propertyHelper(fn, all);
  if (subs.length === 0) {
    return `${[...head, ...helper, '_arguments -s \\', args(specLines(source.specs, fn), '  ')].join('\n')}\n`;
  }
  const choices = subs.map((s) => `${s.name}\\:"${escape(shortDescription(s.summary)).replace(/"/g, '\\"')}"`).join(' ');
  const out = [...head, ...helper,
    'local curcontext="$curcontext" state line',
    '_arguments -C -s \\',
    `${args(specLines(source.specs, fn), '  ')} \\`,
    `  '1:subcommand:((${choices}))' \\`,
    "  '*::option:->subcommand'",
    '[[ $state == subcommand ]] || return',
    'case $words[1] in',
  ];
  for (const sub of subs) {
    out.push(`  ${sub.name})`);
    out.push('    _arguments -s \\');
    out.push(`${args(specLines([...ownSpecs(source, sub), ...visible(source.specs)], fn), '      ')} ;;`);
  }
  out.push('esac');
  return `${out.join('\n')}\n`;
}
