// The shares of one run (one per worker thread) added up into one: counts add, histograms merge,
// the series add by second (series.ts, as merge.ts). Not mergeSummaries: a share carries what a
// summary does not (sentAll, unique, subscribed), and loss is reckoned from the run's totals.
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { ShareResult } from './runner.ts';
import { addEncoded, newHistogram } from './stats.ts';
import { addSeries } from './series.ts';
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
  }
  t.series = addSeries(shares.map((s) => s.series));
  return t;
}
