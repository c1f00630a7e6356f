// One share of a run: the clients one thread drives (all of them with --workers 1). The parent
// (coordinator.ts) takes every share through the same steps, in-process or in a worker thread:
// prepare (connect; subscribers subscribe) -> start at a common wall-clock time -> published (the
// publishers are done: --count, --duration or Ctrl+C) -> drain (subscribers get what was sent) ->
// finish (disconnect, the share's partial summary).
import type { Histogram } from 'hdr-histogram-js';
import type { Client as ClientClass } from '../../session/client.ts';
import type { BenchPlan } from './check.ts';
import type { SecondSample } from './schema.ts';
import { BenchPublisher, type PublishCounters } from './scheduler.ts';
import { BenchSubscriber, type ReceiveCounters } from './subscriber.ts';
import { clientSession, type Role } from './clients.ts';
import { newHistogram, recordUs } from './stats.ts';
import { ms, PERCENTILES } from './latency.ts';
import { nowMicros } from './header.ts';
import { causeOf } from './causes.ts';
import { exitCodeFor } from '../runtime/exit-codes.ts';

export interface ShareSpec {
  plan: BenchPlan;
  runId: number;
  /** global indices of this share's publishers, subscribers, connections (conn) */
  pubs: number[];
  subs: number[];
  conns: number[];
}

/** the running counters, sent to the parent once a second (the live line) */
export interface Tick { sent: number; acked: number; received: number; errors: number; connections: number }

/** what a share hands back: raw histograms encoded by the caller, counts, and what loss needs */
export interface ShareResult {
  sentAll: number;
  sent: number;
  acked: number;
  received: number;
  unique: number;
  missing: number;
  duplicates: number;
  reordered: number;
  errors: number;
  errorsByCause: Record<string, number>;
  attempted: number;
  established: number;
  series: SecondSample[];
  e2e: Histogram;
  ack: Histogram;
  connect: Histogram;
  subscribed: number;
  byTimer: boolean;
  lastSendUs: number;
  connectsDoneUs: number;
  /** the first connect failure: its message and exit code (all clients failing ends the run with it) */
  firstError?: { message: string; code: number };
}

/** batches of connections opened together when no rate is asked for */
const CONNECT_BATCH = 200;

export class BenchShare {
  private readonly pc: PublishCounters;
  private readonly rc: ReceiveCounters;
  private readonly connectH = newHistogram();
  private readonly clients: ClientClass[] = [];
  private publishers: BenchPublisher[] = [];
  private subscribers: BenchSubscriber[] = [];
  private attempted = 0;
  private established = 0;
  private firstError: ShareResult['firstError'];
  private series: SecondSample[] = [];
  private last: Tick = { sent: 0, acked: 0, received: 0, errors: 0, connections: 0 };
  private pumpTimer: NodeJS.Timeout | undefined;
  private secondTimer: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private interrupted = false;
  /** the stop came from --duration's timer */
  private byTimer = false;
  /** conn: when the last connection of the share was settled (wall clock us) */
  private connectsDoneUs = 0;
  private resolveInterrupted!: (v: 'interrupted') => void;
  private readonly interruptedP = new Promise<'interrupted'>((res) => { this.resolveInterrupted = res; });
  private resolveStopped!: () => void;
  private readonly stoppedP = new Promise<void>((res) => { this.resolveStopped = res; });

  constructor(private readonly spec: ShareSpec, private readonly Client: typeof ClientClass, private readonly onTick?: (t: Tick) => void) {
    this.pc = { sentAll: 0, sent: 0, acked: 0, errors: 0, errorsByCause: {}, ack: newHistogram(), measuredFromUs: Infinity, lastSendUs: 0 };
    this.rc = { received: 0, e2e: newHistogram(), e2eSecond: newHistogram(), measuredFromUs: Infinity };
  }

  private countError(err: unknown): void {
    this.pc.errors++;
    const cause = causeOf(err);
    this.pc.errorsByCause[cause] = (this.pc.errorsByCause[cause] ?? 0) + 1;
  }

  /** one client connected and timed; undefined when it failed (counted) */
  private async open(role: Role, index: number, ordinal: number): Promise<ClientClass | undefined> {
    const plan = this.spec.plan;
    const c = new this.Client(clientSession(plan, role, index, ordinal), plan.reconnect);
    this.attempted++;
    const t0 = nowMicros();
    try {
      await c.connect();
    } catch (err) {
      this.countError(err);
      this.firstError ??= { message: (err as Error).message, code: exitCodeFor(err) };
      return undefined;
    }
    recordUs(this.connectH, nowMicros() - t0);
    this.established++;
    c.on('close', (err) => { this.established--; if (err) this.countError(err); });
    this.clients.push(c);
    return c;
  }

  private async openAll(role: Role, indices: number[], offset: number): Promise<Array<ClientClass | undefined>> {
    const out: Array<ClientClass | undefined> = [];
    for (let i = 0; i < indices.length; i += CONNECT_BATCH) {
      const batch = indices.slice(i, i + CONNECT_BATCH);
      out.push(...await Promise.all(batch.map((ix) => this.open(role, ix, ix + offset))));
    }
    return out;
  }

  /** connect subscribers (and subscribe), then publishers; conn opens its connections in start() */
  async prepare(): Promise<void> {
    const plan = this.spec.plan;
    const subs = await this.openAll('s', this.spec.subs, plan.publishers);
    await Promise.all(subs.map(async (c, k) => {
      if (!c) return;
      const filter = plan.filter.replaceAll('%i', String(this.spec.subs[k]));
      try {
        const codes = await c.subscribe([{ topic: filter, qos: plan.qos }], plan.subscribeProperties);
        if ((codes[0] ?? 0x80) >= 0x80) throw new Error(`the broker refused the subscription to '${filter}' (reason code ${codes[0]})`);
        this.subscribers.push(new BenchSubscriber(c, this.rc, plan.scenario === 'pubsub' ? this.spec.runId : undefined));
      } catch (err) {
        this.countError(err);
        this.firstError ??= { message: (err as Error).message, code: 1 };
      }
    }));
    const pubs = await this.openAll('p', this.spec.pubs, 0);
    pubs.forEach((c, k) => {
      if (!c) return;
      this.publishers.push(new BenchPublisher(c, {
        index: this.spec.pubs[k]!, runId: this.spec.runId, topic: plan.topic, qos: plan.qos, retain: plan.retain, size: plan.size, message: plan.message,
        properties: plan.publishProperties, rate: plan.rate, count: plan.count, window: plan.window,
      }, this.pc));
    });
  }

  get connectedClients(): number { return this.established; }

  /** begin at startUs (wall clock, microseconds): the warm-up, then the measured part */
  start(startUs: number): void {
    const plan = this.spec.plan;
    const measuredFrom = startUs + plan.warmupMs * 1000;
    this.pc.measuredFromUs = measuredFrom;
    this.rc.measuredFromUs = measuredFrom;
    const untilStart = Math.max(0, (startUs - nowMicros()) / 1000);
    setTimeout(() => {
      for (const p of this.publishers) p.start(startUs);
      if (plan.rate !== undefined) this.pumpOnSchedule();
      if (plan.scenario === 'conn') void this.connectAll(startUs);
    }, untilStart);
    setTimeout(() => { this.secondTimer = setInterval(() => this.second(), 1000); }, untilStart + plan.warmupMs);
    // conn holds its connections for --duration once they are all open (connectAll)
    if (plan.durationMs !== undefined && plan.scenario !== 'conn') this.holdFor(untilStart + plan.warmupMs + plan.durationMs);
  }

  private holdFor(ms: number): void {
    this.stopTimer = setTimeout(() => { this.byTimer = true; this.stop(); }, ms);
  }

  /** -r: a timer for the next scheduled send, not a fixed interval: an interval's lag adds up
   *  (each turn is set from when the last one ran) and sends would trail their schedule by up to
   *  an interval, which the latency (measured from the schedule) would show. Behind schedule
   *  (the window is full) completions and 'drain' pump; the timer looks again 1 ms later. */
  private pumpOnSchedule(): void {
    let next = Infinity;
    for (const p of this.publishers) { p.pump(); next = Math.min(next, p.nextAtUs); }
    if (this.stopped || next === Infinity) return;
    this.pumpTimer = setTimeout(() => this.pumpOnSchedule(), Math.max(1, Math.ceil((next - nowMicros()) / 1000)));
  }

  /** conn: open the connections at the share's rate (or in batches), then hold them */
  private async connectAll(startUs: number): Promise<void> {
    const plan = this.spec.plan;
    const conns = this.spec.conns;
    const rate = plan.connRate === undefined ? undefined : plan.connRate * conns.length / Math.max(1, plan.connections);
    if (rate === undefined) await this.openAll('c', conns, 0);
    else {
      const pending: Array<Promise<unknown>> = [];
      for (let k = 0; k < conns.length && !this.stopped; k++) {
        const wait = (startUs + k * 1e6 / rate - nowMicros()) / 1000;
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        pending.push(this.open('c', conns[k]!, conns[k]!));
      }
      await Promise.all(pending);
    }
    this.connectsDoneUs = nowMicros();
    if (plan.durationMs === undefined) this.stop(); // nothing to hold them for
    else if (!this.stopped) this.holdFor(plan.durationMs);
  }

  private tick(): Tick {
    return { sent: this.pc.sent, acked: this.pc.acked, received: this.rc.received, errors: this.pc.errors, connections: this.established };
  }

  private second(): void {
    const now = this.tick();
    const s: SecondSample = {
      t: this.series.length + 1, sent: now.sent - this.last.sent, acked: now.acked - this.last.acked,
      received: now.received - this.last.received, errors: now.errors - this.last.errors, connections: now.connections,
    };
    const h = this.rc.e2eSecond;
    if (h.totalCount > 0) {
      s.e2e_p50 = ms(h.getValueAtPercentile(PERCENTILES.p50));
      s.e2e_p99 = ms(h.getValueAtPercentile(PERCENTILES.p99));
      h.reset();
    }
    this.series.push(s);
    this.last = now;
    this.onTick?.(now);
  }

  /** stop publishing (duration over, Ctrl+C); idempotent */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.pumpTimer);
    clearTimeout(this.stopTimer);
    for (const p of this.publishers) void p.stop();
    this.resolveStopped();
  }

  /** resolves with what was sent, once every publisher has sent its count (or was stopped) and each message completed;
   *  sub and conn: once stopped, or (sub with --count) once every subscriber has its count */
  async published(): Promise<number> {
    const plan = this.spec.plan;
    if (plan.scenario === 'sub' && Number.isFinite(plan.count)) {
      await Promise.race([Promise.all(this.subscribers.map((s) => s.until(plan.count))), this.stoppedP]);
    } else if (plan.scenario === 'sub' || plan.scenario === 'conn') {
      await this.stoppedP;
    }
    await Promise.all(this.publishers.map((p) => p.whenFinished));
    clearTimeout(this.pumpTimer);
    return this.pc.sentAll;
  }

  /** wait until each subscriber has `expected` distinct messages, or none came for quietMs (Ctrl+C: at once) */
  async drain(expected: number, quietMs: number): Promise<void> {
    const waits = this.subscribers.map(async (s) => {
      const got = s.until(expected);
      while (!this.interrupted) {
        const quiet = new Promise<'quiet'>((res) => setTimeout(res, quietMs, 'quiet').unref());
        if (await Promise.race([got.then(() => 'got' as const), quiet, this.interruptedP]) === 'got') return;
        if (performance.now() - s.lastAt >= quietMs) return;
      }
    });
    await Promise.race([Promise.all(waits), this.interruptedP]);
  }

  /** subscribers whose subscription the broker granted */
  get subscribed(): number { return this.subscribers.length; }

  /** Ctrl+C / SIGTERM: stop publishing, and stop waiting for stragglers */
  interrupt(): void {
    this.interrupted = true;
    this.resolveInterrupted('interrupted');
    this.stop();
  }

  /** disconnect everything; the share's result */
  async finish(): Promise<ShareResult> {
    this.stop();
    clearInterval(this.secondTimer);
    const closing = Promise.all(this.clients.map((c) => c.end().catch(() => undefined)));
    await Promise.race([closing, new Promise((r) => setTimeout(r, 2000).unref())]);
    for (const c of this.clients) c.destroy();
    let unique = 0; let missing = 0; let duplicates = 0; let reordered = 0;
    for (const s of this.subscribers) {
      unique += s.tracker.unique || s.all; missing += s.tracker.missing; duplicates += s.tracker.duplicates; reordered += s.tracker.reordered;
    }
    return {
      sentAll: this.pc.sentAll, sent: this.pc.sent, acked: this.pc.acked, received: this.rc.received, unique, missing, duplicates, reordered,
      errors: this.pc.errors, errorsByCause: this.pc.errorsByCause, attempted: this.attempted, established: this.clients.length,
      subscribed: this.subscribers.length, byTimer: this.byTimer, lastSendUs: this.pc.lastSendUs, connectsDoneUs: this.connectsDoneUs,
      series: this.series, e2e: this.rc.e2e, ack: this.pc.ack, connect: this.connectH,
      ...(this.firstError ? { firstError: this.firstError } : {}),
    };
  }
}
