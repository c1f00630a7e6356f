// The files of man/: one page per tool, path -> content.
import type { Tool } from '../../src/cli/runtime/setup.ts';
import { VERSION } from '../../src/cli/runtime/version.ts';
import { manPage } from './man-page.ts';

export function manFiles(tools: readonly Tool[]): Map<string, string> {
  const names = tools.map((t) => t.name);
  return new Map(tools.map((t) => [`man/${t.name}.1`, manPage(t, VERSION, names)]));
}
