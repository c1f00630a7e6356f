// tsclear's confirmation question. "A terminal" = stdin and stderr are both terminals: the
// question goes to stderr (stdout may be piped), the answer comes from stdin.
import type { Found } from './snapshot.ts';
import { quoteList } from './report.ts';

const SHOWN = 10;

export function canAsk(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

export function confirmQuestion(found: readonly Found[], filters: string[]): string {
  const lines = [`Found ${found.length} retained messages under ${quoteList(filters)}:`];
  for (const f of found.slice(0, SHOWN)) lines.push(`  ${f.topic}`);
  if (found.length > SHOWN) lines.push(`  … and ${found.length - SHOWN} more (--dry-run lists them all)`);
  lines.push('Clear them? [y/N] ');
  return lines.join('\n');
}

/** true only for "y" or "yes"; Enter, anything else, Ctrl+C or Ctrl+D mean no. */
export async function ask(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    const done = (yes: boolean): void => {
      if (answered) return;
      answered = true;
      rl.close();
      process.stdin.pause();
      resolve(yes);
    };
    rl.on('SIGINT', () => { process.stderr.write('\n'); done(false); });
    rl.on('close', () => done(false));
    rl.question(question, (answer) => done(/^y(es)?$/i.test(answer.trim())));
  });
}
