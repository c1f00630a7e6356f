// The parent's side of a run: the clients split into shares (one per worker thread, round-robin so
// that roles and hosts spread evenly), each taken through prepare -> start -> published -> drain ->
// finish; the $SYS counters before and after; Ctrl+C interrupts every share, which still reports.
import type { Client as ClientClass } from '../../session/client.ts';
import type { BenchPlan } from './check.ts';
import type { BenchSummary } from './schema.ts';
import { BenchShare, type ShareSpec, type Tick } from './runner.ts';
import { addUp, encodeShare, type EncodedShare } from './add-up.ts';
import { buildSummary } from './summary.ts';
import { nowMicros } from './header.ts';
import { readSysCounters, sysDelta } from './broker-sys.ts';
import { MqttError } from '../../session/errors.ts';
import type { ToWorker } from './worker.ts';
import { WORKER_FLAG } from './options.ts';
import { shardOffset } from './shard.ts';

interface ShareHandle {
  prepare(): Promise<number>;
  start(startUs: number): void;
  published(): Promise<number>;
  drain(expected: number, quietMs: number): Promise<void>;
  finish(): Promise<EncodedShare>;
  interrupt(): void;
}

class LocalShare implements ShareHandle {
  private readonly share: BenchShare;
  constructor(spec: ShareSpec, Client: typeof ClientClass, onTick: (t: Tick) => void) { this.share = new BenchShare(spec, Client, onTick); }
  async prepare(): Promise<number> { await this.share.prepare(); return this.share.connectedClients; }
  start(startUs: number): void { this.share.start(startUs); }
  published(): Promise<number> { return this.share.published(); }
  drain(expected: number, quietMs: number): Promise<void> { return this.share.drain(expected, quietMs); }
  async finish(): Promise<EncodedShare> { return encodeShare(await this.share.finish()); }
  interrupt(): void { this.share.interrupt(); }
}

/** a share in a worker thread running this same binary (argv: the worker flag) */
class WorkerShare implements ShareHandle {
  private readonly waiting = new Map<string, (v: unknown) => void>();
  private readonly worker: import('node:worker_threads').Worker;
  constructor(spec: ShareSpec, Worker: typeof import('node:worker_threads').Worker, script: string, onTick: (t: Tick) => void) {
    this.worker = new Worker(script, { workerData: spec, argv: [WORKER_FLAG], stdout: false, stderr: false });
    this.worker.on('message', (m: { op: string; value: unknown }) => {
      if (m.op === 'tick') { onTick(m.value as Tick); return; }
      const w = this.waiting.get(m.op);
      this.waiting.delete(m.op);
      w?.(m.value);
    });
    this.worker.on('error', (err) => { for (const w of this.waiting.values()) w(Promise.reject(err)); this.waiting.clear(); });
  }
  private ask<T>(m: ToWorker): Promise<T> {
    return new Promise<T>((res) => { this.waiting.set(m.op, res as (v: unknown) => void); this.worker.postMessage(m); });
  }
  prepare(): Promise<number> { return this.ask({ op: 'prepare' }); }
  start(startUs: number): void { this.worker.postMessage({ op: 'start', startUs } satisfies ToWorker); }
  published(): Promise<number> { return this.ask({ op: 'published' }); }
  drain(expected: number, quietMs: number): Promise<void> { return this.ask({ op: 'drain', expected, quietMs }); }
  finish(): Promise<EncodedShare> { return this.ask({ op: 'finish' }); }
  interrupt(): void { this.worker.postMessage({ op: 'interrupt' } satisfies ToWorker); }
}


/** how long subscribers may stay quiet before the stragglers are given up (lost) */
const QUIET_MS = 1000;
/** workers start together a little later, so that all begin on the same schedule */
const START_DELAY_US = 100_000;

/** share k's clients of n: their indices across all shards (--shard K/N: shard K's range begins at first) */
function split(n: number, shares: number, k: number, first: number): number[] {
  const out: number[] = [];
  for (let i = k; i < n; i += shares) out.push(first + i);
  return out;
}

export interface RunIo {
  Client: typeof ClientClass;
  /** the binary, for worker threads */
  script: string;
  /** the running totals once a second (the live line) */
  onTick?(t: Tick, elapsedS: number): void;
  /** Ctrl+C and SIGTERM: call the given function */
  onInterrupt(stop: () => void): void;
}

/** the run's summary (thrown: no client of a publishing scenario could connect) */
export async function runBench(plan: BenchPlan, io: RunIo): Promise<BenchSummary> {
  const runId = Math.floor(Math.random() * 0xffffffff) >>> 0;
  const n = plan.workers;
  const sh = plan.shard;
  const specs: ShareSpec[] = Array.from({ length: n }, (_, k) => ({
    plan, runId,
    pubs: split(plan.publishers, n, k, shardOffset(sh, plan.publishers)),
    subs: split(plan.subscribers, n, k, shardOffset(sh, plan.subscribers)),
    conns: split(plan.connections, n, k, shardOffset(sh, plan.connections)),
  }));
  const ticks: Tick[] = specs.map(() => ({ sent: 0, acked: 0, received: 0, errors: 0, connections: 0 }));
  let startUs = 0;
  const onTick = (k: number) => (t: Tick): void => {
    ticks[k] = t;
    if (!io.onTick || k !== 0) return;
    const sum = ticks.reduce((a, b) => ({ sent: a.sent + b.sent, acked: a.acked + b.acked, received: a.received + b.received, errors: a.errors + b.errors, connections: a.connections + b.connections }));
    io.onTick(sum, (nowMicros() - startUs) / 1e6 - plan.warmupMs / 1000);
  };
  let shares: ShareHandle[];
  if (n === 1) shares = [new LocalShare(specs[0]!, io.Client, onTick(0))];
  else {
    const { Worker } = await import('node:worker_threads');
    shares = specs.map((s, k) => new WorkerShare(s, Worker, io.script, onTick(k)));
  }
  let interrupted = false;
  io.onInterrupt(() => { interrupted = true; for (const s of shares) s.interrupt(); });
  const sysSession = { ...plan.session, clientId: `${plan.idPrefix}sys${sh ? sh.k : ''}`, transport: plan.session.transport };
  const before = plan.sys ? await readSysCounters(io.Client, sysSession, plan.reconnect) : undefined;
  const established = (await Promise.all(shares.map((s) => s.prepare()))).reduce((a, b) => a + b, 0);
  if (established === 0 && plan.scenario !== 'conn') {
    const results = await Promise.all(shares.map((s) => s.finish()));
    const first = results.find((r) => r.firstError)?.firstError;
    const err = new MqttError(first ? `no client could connect: ${first.message}` : 'no client could connect');
    throw Object.assign(err, { exitCode: first?.code ?? 1 });
  }
  startUs = nowMicros() + (n > 1 ? START_DELAY_US : 0);
  for (const s of shares) s.start(startUs);
  const sent = (await Promise.all(shares.map((s) => s.published()))).reduce((a, b) => a + b, 0);
  const endUs = nowMicros();
  if (plan.scenario === 'pubsub' && !interrupted) await Promise.all(shares.map((s) => s.drain(plan.shared ? Infinity : sent, QUIET_MS)));
  const results = await Promise.all(shares.map((s) => s.finish()));
  const totals = addUp(results);
  const after = before ? await readSysCounters(io.Client, sysSession, plan.reconnect) : undefined;
  const broker = before && after ? { before, after, delta: sysDelta(before, after) } : undefined;
  return buildSummary(plan, totals, { measuredFromUs: startUs + plan.warmupMs * 1000, endUs, interrupted, ...(broker ? { broker } : {}) });
}
