// `tsbench merge`'s arithmetic: several runs (shards on several machines, or workers of one) into
// one summary. Counts add; histograms add and the percentiles are read again from the sum (never
// averaged); the per-second series adds by second. What cannot be added is said so (README:
// "tsbench merge"): per-second percentiles are dropped, $SYS counters are kept only from a single
// run that has them, options that differ are listed per run.
import { UsageError } from '../runtime/errors.ts';
import { BENCH_SCHEMA, type BenchSummary } from './schema.ts';
import { addHistograms, decodeHistogram, latencySummary } from './latency.ts';
import { checkSummary } from './summary-check.ts';
import { parseShard } from './shard.ts';
import { addSeries } from './series.ts';

type Counts = { sent: number; received: number; lost: number; duplicates: number; reordered: number };
type QosKey = '0' | '1' | '2';
const LATENCY_KINDS = ['e2e', 'ack', 'connect'] as const;

/** Adds up runs of one scenario; `names` (file names) say which input an error is about. */
export function mergeSummaries(list: BenchSummary[], names?: readonly string[]): BenchSummary {
  const name = (i: number): string => names?.[i] ?? `summary ${i + 1}`;
  if (list.length === 0) throw new UsageError('nothing to merge: give at least one summary.');
  list.forEach((s, i) => checkSummary(s, name(i)));
  const first = list[0]!;
  list.forEach((s, i) => {
    if (s.scenario !== first.scenario) {
      throw new UsageError(`${name(i)} is a '${s.scenario}' run, ${name(0)} a '${first.scenario}' run: only runs of one scenario merge.`);
    }
  });
  const sum = (pick: (s: BenchSummary) => number): number => list.reduce((n, s) => n + pick(s), 0);
  const duration = Math.max(...list.map((s) => s.duration_s));
  const merged: BenchSummary = {
    schema: BENCH_SCHEMA,
    tool: { name: 'tsbench', version: unique(list.map((s) => s.tool.version)).join(', ') },
    scenario: first.scenario,
    started: earliest(list.map((s) => s.started)),
    ended: latest(list.map((s) => s.ended)),
    options: mergeOptions(list),
    shards: mergeShards(list, name),
    runs: sum((s) => s.runs),
    connections: {
      attempted: sum((s) => s.connections.attempted),
      established: sum((s) => s.connections.established),
      failed: sum((s) => s.connections.failed),
    },
    sent: sum((s) => s.sent),
    acked: sum((s) => s.acked),
    received: sum((s) => s.received),
    lost: sum((s) => s.lost),
    duplicates: sum((s) => s.duplicates),
    reordered: sum((s) => s.reordered),
    errors: sum((s) => s.errors),
    errors_by_cause: addRecords(list.map((s) => s.errors_by_cause)),
    duration_s: duration,
    warmup_s: Math.max(...list.map((s) => s.warmup_s)),
    rate: 0,
    latency: mergeLatency(list, name),
    series: addSeries(list.map((s) => s.series)),
    stopped_by: unique(list.map((s) => s.stopped_by)).join(','),
  };
  if (merged.shards === undefined) delete merged.shards;
  merged.rate = rateOf(merged);
  if (list.every((s) => typeof s.requested_rate === 'number')) {
    merged.requested_rate = round2(sum((s) => s.requested_rate!));
    merged.rate_shortfall = merged.requested_rate > merged.rate ? round2(merged.requested_rate - merged.rate) : 0;
  }
  const byQos = mergeByQos(list);
  if (byQos) merged.by_qos = byQos;
  // $SYS counters: shards on one broker each saw all of them, shards on several saw their own:
  // adding could count twice, so only a lone run's counters are kept
  const withBroker = list.filter((s) => s.broker !== undefined);
  if (withBroker.length === 1) merged.broker = withBroker[0]!.broker;
  return orderLikeSchema(merged);
}

/** what `rate` counts, per scenario (schema.ts): sent (pub), received (sub, pubsub), connections (conn) */
export function rateOf(s: BenchSummary): number {
  if (!(s.duration_s > 0)) return 0;
  const n = s.scenario === 'pub' ? s.sent : s.scenario === 'conn' ? s.connections.established : s.received;
  return round2(n / s.duration_s);
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function earliest(times: readonly string[]): string {
  return times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
}

function latest(times: readonly string[]): string {
  return times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

function addRecords(records: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function mergeLatency(list: readonly BenchSummary[], name: (i: number) => string): BenchSummary['latency'] {
  const out: BenchSummary['latency'] = {};
  for (const kind of LATENCY_KINDS) {
    if (!list.some((s) => s.latency[kind])) continue;
    const parts = list.flatMap((s, i) => {
      const l = s.latency[kind];
      if (!l) return [];
      try {
        return [decodeHistogram(l.histogram)];
      } catch (err) {
        throw new UsageError(`${name(i)}: "latency.${kind}": ${(err as Error).message}.`);
      }
    });
    const h = addHistograms(parts);
    const l = latencySummary(h);
    h.destroy();
    // each run's max is exact; the sum's is its bucket's upper edge
    l.max = Math.max(...list.map((s) => s.latency[kind]?.max ?? 0));
    out[kind] = l;
  }
  return out;
}

function mergeByQos(list: readonly BenchSummary[]): BenchSummary['by_qos'] | undefined {
  if (!list.some((s) => s.by_qos)) return undefined;
  const out: Partial<Record<QosKey, Counts>> = {};
  for (const s of list) {
    for (const [q, c] of Object.entries(s.by_qos ?? {}) as Array<[QosKey, Counts]>) {
      const acc = (out[q] ??= { sent: 0, received: 0, lost: 0, duplicates: 0, reordered: 0 });
      acc.sent += c.sent;
      acc.received += c.received;
      acc.lost += c.lost;
      acc.duplicates += c.duplicates;
      acc.reordered += c.reordered;
    }
  }
  return out as BenchSummary['by_qos'];
}

/** Every shard once, all of one N (K/N of another split, or the same shard twice, would count runs twice or miss some). */
function mergeShards(list: readonly BenchSummary[], name: (i: number) => string): string[] | undefined {
  const seen = new Map<string, number>();
  let n: number | undefined;
  list.forEach((s, i) => {
    for (const raw of s.shards ?? []) {
      const shard = parseShard(raw, `${name(i)}: "shards"`);
      if (n !== undefined && shard.n !== n) throw new UsageError(`${name(i)} is shard ${raw}, another input a shard of ${n}: shards of different splits do not merge.`);
      n = shard.n;
      const key = `${shard.k}/${shard.n}`;
      const before = seen.get(key);
      if (before !== undefined) throw new UsageError(`shard ${key} is in ${name(before)} and in ${name(i)}: it would be counted twice.`);
      seen.set(key, i);
    }
  });
  if (seen.size === 0) return undefined;
  return [...seen.keys()].sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]));
}

/** A summary's options as one record per run (a merged summary lists what differed in options.per_run). */
function runOptions(s: BenchSummary): Array<Record<string, unknown>> {
  const { per_run: perRun, ...base } = s.options;
  if (Array.isArray(perRun) && perRun.length === s.runs) {
    return perRun.map((o) => ({ ...base, ...(o as Record<string, unknown>) }));
  }
  return Array.from({ length: s.runs }, () => ({ ...base }));
}

/** Options equal in every run are kept as they are; the others go to per_run, one record per run. */
function mergeOptions(list: readonly BenchSummary[]): Record<string, unknown> {
  const runs = list.flatMap(runOptions);
  const keys = unique(runs.flatMap((o) => Object.keys(o)));
  const same: Record<string, unknown> = {};
  const differing: string[] = [];
  for (const k of keys) {
    const values = runs.map((o) => canonical(o[k]));
    if (values.every((v) => v === values[0]) && runs.every((o) => k in o)) same[k] = runs[0]![k];
    else differing.push(k);
  }
  if (differing.length === 0) return same;
  same.per_run = runs.map((o) => Object.fromEntries(differing.filter((k) => k in o).map((k) => [k, o[k]])));
  return same;
}

/** JSON with sorted keys: equal values give equal text */
function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : x));
}

/** the schema's field order, so merged JSON reads like a run's */
function orderLikeSchema(s: BenchSummary): BenchSummary {
  const order: Array<keyof BenchSummary> = ['schema', 'tool', 'scenario', 'started', 'ended', 'options', 'shards', 'runs',
    'connections', 'sent', 'acked', 'received', 'lost', 'duplicates', 'reordered', 'errors', 'errors_by_cause',
    'duration_s', 'warmup_s', 'rate', 'requested_rate', 'rate_shortfall', 'latency', 'by_qos', 'broker', 'series', 'stopped_by'];
  const out: Record<string, unknown> = {};
  for (const k of order) if (s[k] !== undefined) out[k] = s[k];
  return out as unknown as BenchSummary;
}
