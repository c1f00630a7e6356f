// What every binary does right after its options are parsed: the output policy goes into the run
// context, and --help / --version are answered without connecting.
import { helpText, type HelpPage } from '../options/help.ts';
import type { CommonStore } from '../options/common-options.ts';
import type { RunContext } from './run.ts';

/** true when --help or --version was answered: main returns exit 0 */
export function answerCommonFlags(store: CommonStore, ctx: RunContext, page: HelpPage): boolean {
  ctx.quiet = store.quiet === true;
  ctx.debug = store.debug === true;
  ctx.noColor = store.noColor === true;
  if (store.help) {
    process.stdout.write(helpText(page));
    return true;
  }
  if (store.version) {
    process.stdout.write(`${page.tool} version ${page.version} (tsmqtt).\n`);
    return true;
  }
  return false;
}
