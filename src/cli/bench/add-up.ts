// The shares of one run (one per worker thread) added up into one: counts add, histograms merge,
// the series add by second. A local add-up of partial results; runs of several machines are
// merged from their JSON summaries by tsbench merge (merge.ts).
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { ShareResult } from './runner.ts';
import type { SecondSample } from './schema.ts';
import { addEncoded, newHistogram } from './stats.ts';
import type { Histogram } from 'hdr-histogram-js';

/** a share's result as it crosses a thread: the histograms encoded ('' when empty) */
export type EncodedShare = Omit<ShareResult, 'e2e' | 'ack' | 'connect'> & { e2e: string; ack: string; connect: string };

const enc = (h: Histogram): string => (h.totalCount === 0 ? '' : encodeIntoCompressedBase64(h));

export function encodeShare(r: ShareResult): EncodedShare {
  return { ...r, e2e: enc(r.e2e), ack: enc(r.ack), connect: enc(r.connect) };
}

export interface RunTotals extends Omit<EncodedShare, 'e2e' | 'ack' | 'connect' | 'firstError'> {
  e2e: Histogram;
  ack: Histogram;
  connect: Histogram;
  firstError: ShareResult['firstError'];
}

const COUNTS = ['sentAll', 'sent', 'acked', 'received', 'unique', 'missing', 'duplicates', 'reordered', 'errors', 'attempted', 'established', 'subscribed'] as const;

export function addUp(shares: readonly EncodedShare[]): RunTotals {
  const t: RunTotals = {
    sentAll: 0, sent: 0, acked: 0, received: 0, unique: 0, missing: 0, duplicates: 0, reordered: 0, errors: 0,
    attempted: 0, established: 0, subscribed: 0, errorsByCause: {}, series: [], byTimer: false, connectsDoneUs: 0, lastSendUs: 0,
    e2e: newHistogram(), ack: newHistogram(), connect: newHistogram(), firstError: undefined,
  };
  const seconds = new Map<number, SecondSample>();
  for (const s of shares) {
    for (const k of COUNTS) t[k] += s[k];
    for (const [cause, n] of Object.entries(s.errorsByCause)) t.errorsByCause[cause] = (t.errorsByCause[cause] ?? 0) + n;
    t.byTimer ||= s.byTimer;
    t.connectsDoneUs = Math.max(t.connectsDoneUs, s.connectsDoneUs);
    t.lastSendUs = Math.max(t.lastSendUs, s.lastSendUs);
    t.firstError ??= s.firstError;
    if (s.e2e) addEncoded(t.e2e, s.e2e);
    if (s.ack) addEncoded(t.ack, s.ack);
    if (s.connect) addEncoded(t.connect, s.connect);
    for (const x of s.series) {
      const y = seconds.get(x.t);
      if (!y) { seconds.set(x.t, { ...x }); continue; }
      y.sent += x.sent; y.acked += x.acked; y.received += x.received; y.errors += x.errors; y.connections += x.connections;
      // one second's percentiles of two threads cannot be added: dropped
      delete y.e2e_p50; delete y.e2e_p99;
    }
  }
  t.series = [...seconds.values()].sort((a, b) => a.t - b.t);
  return t;
}
