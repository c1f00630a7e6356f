// The live line: once a second on stderr, only when stderr is a terminal (a decoration: the same
// run piped prints nothing there). Rewritten in place with \r.
import type { Tick } from './runner.ts';

export function liveLine(t: Tick, elapsedS: number, last: Tick | undefined): string {
  const d = (k: keyof Tick): number => t[k] - (last?.[k] ?? 0);
  const at = elapsedS < 0 ? `warm-up ${(-elapsedS).toFixed(0)}s` : `${elapsedS.toFixed(0)}s`;
  return `\r${at}  sent ${t.sent} (${d('sent')}/s)  acked ${t.acked}  received ${t.received} (${d('received')}/s)  connections ${t.connections}  errors ${t.errors}\x1b[K`;
}
