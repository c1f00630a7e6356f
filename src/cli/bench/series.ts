// The per-second series of several parts added up by second t: the shares of one run (add-up.ts)
// and runs merged by tsbench merge (merge.ts) the same way.
import type { SecondSample } from './schema.ts';

/** Counts add by second. A second's p50/p99 of several parts cannot be added: kept only when there is one part. */
export function addSeries(parts: ReadonlyArray<readonly SecondSample[]>): SecondSample[] {
  if (parts.length === 1) return parts[0]!.map((x) => ({ ...x }));
  const byT = new Map<number, SecondSample>();
  for (const series of parts) {
    for (const x of series) {
      const acc = byT.get(x.t);
      if (!acc) { byT.set(x.t, { t: x.t, sent: x.sent, acked: x.acked, received: x.received, errors: x.errors, connections: x.connections }); continue; }
      acc.sent += x.sent;
      acc.acked += x.acked;
      acc.received += x.received;
      acc.errors += x.errors;
      acc.connections += x.connections;
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}
