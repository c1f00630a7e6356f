// The bash completion script: one function per table (the tool's, each subcommand's) that completes
// the value of the option before the cursor, -D's command and property name, or an option name.
// Bash shows no descriptions. mapfile keeps file names with spaces whole.
import { functionName, isDefineOption, ownSpecs, valueKind, visible, type CompletionSource } from './completion-model.ts';
import { propertyNames } from './properties.ts';
import type { OptionSpec } from './option-spec.ts';

const reply = (compgen: string): string => `mapfile -t COMPREPLY < <(compgen ${compgen} -- "$cur")`;

function valueAction(s: OptionSpec): string | undefined {
  const v = valueKind(s);
  switch (v.kind) {
    case 'file': return reply('-f');
    case 'dir': return reply('-d');
    case 'host': return reply('-A hostname');
    case 'words': return reply(`-W "${v.words.join(' ')}"`);
    case 'property': return reply(`-W "${v.commands.join(' ')}"`);
    case 'any': return s.kind === 'flag' ? undefined : 'COMPREPLY=()';
  }
}

/** the body completing one table: values, then -D's words, then option names */
function tableBody(specs: readonly OptionSpec[], indent: string): string[] {
  const lines: string[] = [];
  const property = specs.find(isDefineOption);
  if (property) {
    const names = property.names.join('|');
    const kind = valueKind(property);
    const commands = kind.kind === 'property' ? kind.commands : [];
    lines.push(`${indent}# -D command name value (user-property: key value): the command, then its property names`);
    lines.push(`${indent}case "$prev2" in`);
    lines.push(`${indent}  ${names})`);
    lines.push(`${indent}    case "\${prev,,}" in`);
    for (const c of commands) lines.push(`${indent}      ${c}) ${reply(`-W "${propertyNames(c).join(' ')}"`)} ;;`);
    lines.push(`${indent}      *) COMPREPLY=() ;;`);
    lines.push(`${indent}    esac`);
    lines.push(`${indent}    return ;;`);
    lines.push(`${indent}esac`);
    lines.push(`${indent}case "$prev3" in ${names}) COMPREPLY=(); return ;; esac`);
    lines.push(`${indent}case "$prev4" in ${names}) [[ "\${prev2,,}" == user-property ]] && { COMPREPLY=(); return; } ;; esac`);
  }
  const groups = new Map<string, string[]>();
  for (const s of specs) {
    const action = valueAction(s);
    if (action !== undefined) groups.set(action, [...(groups.get(action) ?? []), ...s.names]);
  }
  lines.push(`${indent}case "$prev" in`);
  for (const [action, names] of groups) lines.push(`${indent}  ${names.join('|')}) ${action}; return ;;`);
  lines.push(`${indent}esac`);
  return lines;
}

function optionWords(specs: readonly OptionSpec[]): string {
  return visible(specs).flatMap((s) => s.names).join(' ');
}

export function bashScript(source: CompletionSource): string {
  const fn = functionName(source.name);
  const subs = source.subcommands ?? [];
  const out = [
    `# bash completion for ${source.name} (generated from its option table: ${source.name} --completion bash)`,
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" prev2="" prev3="" prev4=""',
    '  ((COMP_CWORD >= 2)) && prev2="${COMP_WORDS[COMP_CWORD-2]}"',
    '  ((COMP_CWORD >= 3)) && prev3="${COMP_WORDS[COMP_CWORD-3]}"',
    '  ((COMP_CWORD >= 4)) && prev4="${COMP_WORDS[COMP_CWORD-4]}"',
  ];
  if (subs.length > 0) {
    out.push('  # the subcommand is the first word: its own options, then the tool\'s');
    out.push('  case "${COMP_WORDS[1]}" in');
    for (const sub of subs) {
      const specs = [...ownSpecs(source, sub), ...visible(source.specs)];
      out.push(`    ${sub.name})`);
      out.push(...tableBody(specs, '      '));
      out.push(`      ${reply(`-W "${optionWords(specs)}"`)}`);
      out.push('      return ;;');
    }
    out.push('  esac');
    out.push(`  if ((COMP_CWORD == 1)) && [[ "$cur" != -* ]]; then ${reply(`-W "${subs.map((s) => s.name).join(' ')}"`)}; return; fi`);
  }
  out.push(...tableBody(visible(source.specs), '  '));
  out.push(`  ${reply(`-W "${optionWords(source.specs)}"`)}`);
  out.push('}');
  out.push(`complete -o default -o filenames -F ${fn} ${source.name}`);
  return `${out.join('\n')}\n`;
}
