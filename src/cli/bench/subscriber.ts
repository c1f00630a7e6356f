// One bench subscriber: counts what arrives, tracks tsbench publishers' sequence numbers (loss,
// duplicates, reordering) and records end-to-end latency from the scheduled send time in the
// header. One bound handler per subscriber, nothing allocated per message.
import type { Histogram } from 'hdr-histogram-js';
import type { Client } from '../../session/client.ts';
import type { InboundMessage } from '../../session/types.ts';
import { hasHeader, headerPublisher, headerRunId, headerSentAt, headerSeq, nowMicros } from './header.ts';
import { SequenceTracker } from './tracker.ts';
import { recordUs } from './stats.ts';

/** what the subscribers of one share count together */
export interface ReceiveCounters {
  /** measured receipts (duplicates included) */
  received: number;
  e2e: Histogram;
  /** this second's e2e latencies (the series' p50/p99), reset every second */
  e2eSecond: Histogram;
  measuredFromUs: number;
}

export class BenchSubscriber {
  readonly tracker = new SequenceTracker();
  /** receipts, warm-up included */
  all = 0;
  /** the last receipt (performance.now()), for the quiet period at the end */
  lastAt = 0;
  private wake: (() => void) | undefined;
  private target = Infinity;
  private readonly onMessage = (m: InboundMessage): void => this.receive(m);

  /** onlyRun (pubsub): this run's id; another run's messages (a shard next door on the same
   *  topics) are not this run's to count */
  constructor(readonly client: Client, private readonly counters: ReceiveCounters, private readonly onlyRun?: number) {
    client.on('message', this.onMessage);
  }

  private receive(m: InboundMessage): void {
    const now = nowMicros();
    const c = this.counters;
    const p = m.payload;
    if (this.onlyRun !== undefined && hasHeader(p) && headerRunId(p) !== this.onlyRun) return;
    this.all++;
    this.lastAt = performance.now();
    if (hasHeader(p)) {
      const dup = this.tracker.receive(headerRunId(p), headerPublisher(p), headerSeq(p));
      const at = headerSentAt(p);
      if (at >= c.measuredFromUs) {
        c.received++;
        if (!dup) { recordUs(c.e2e, now - at); recordUs(c.e2eSecond, now - at); }
      }
    } else if (now >= c.measuredFromUs) c.received++;
    if (this.wake !== undefined && (this.tracker.unique >= this.target || this.all >= this.target)) this.wake();
  }

  /** resolves once `n` distinct tsbench messages (or `n` messages without a header) have come */
  until(n: number): Promise<void> {
    if (this.reached(n)) return Promise.resolve();
    this.target = n;
    return new Promise((res) => { this.wake = () => { if (this.reached(n)) { this.wake = undefined; res(); } }; });
  }

  private reached(n: number): boolean {
    return this.tracker.unique >= n || (this.tracker.unique === 0 && this.all >= n);
  }
}
