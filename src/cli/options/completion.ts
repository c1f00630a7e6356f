// Shell completion scripts (bash, zsh, fish) generated from the option tables: the same definitions
// as the parser and --help. `tsX --completion SHELL` prints exactly the file `npm run completions`
// writes into completions/ (test/completions.test.ts compares them). What a value completes to is
// inferred from the option's value name (file, dir, host, qos, version, `a|b|c` lists); -D completes
// its commands and then the property names that command takes (properties.ts).
//   Install:  tspub --completion bash > ~/.local/share/bash-completion/completions/tspub
//             tspub --completion zsh  > "${fpath[1]}/_tspub"
//             tspub --completion fish > ~/.config/fish/completions/tspub.fish
import { UsageError } from '../runtime/errors.ts';
import type { CompletionSource } from './completion-model.ts';
import { bashScript } from './completion-bash.ts';
import { fishScript } from './completion-fish.ts';
import { zshScript } from './completion-zsh.ts';

export { firstClause, shortDescription, valueKind, type CompletionSource, type CompletionSubcommand } from './completion-model.ts';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

export function completionScript(source: CompletionSource, shell: string): string {
  if (shell === 'bash') return bashScript(source);
  if (shell === 'zsh') return zshScript(source);
  if (shell === 'fish') return fishScript(source);
  throw new UsageError(`--completion: unknown shell '${shell}' (use bash, zsh or fish).`);
}
