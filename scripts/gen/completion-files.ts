// The files of completions/: path -> content, one script per tool and shell, exactly what
// `tool --completion SHELL` prints (both come from completionScript over the tool's table).
import type { Tool } from '../../src/cli/runtime/setup.ts';
import { completionSource } from '../../src/cli/runtime/setup.ts';
import { completionScript, COMPLETION_SHELLS } from '../../src/cli/options/completion.ts';

/** where each shell looks for a command's completion: bash-completion's name, zsh's _name, fish's name.fish */
export function completionPath(shell: (typeof COMPLETION_SHELLS)[number], tool: string): string {
  return shell === 'bash' ? `completions/bash/${tool}` : shell === 'zsh' ? `completions/zsh/_${tool}` : `completions/fish/${tool}.fish`;
}

export function completionFiles(tools: readonly Tool[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const shell of COMPLETION_SHELLS) {
    for (const tool of tools) files.set(completionPath(shell, tool.name), completionScript(completionSource(tool), shell));
  }
  return files;
}
