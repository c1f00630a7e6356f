// tsbench summaries built in-process from known latency samples (microseconds), for the merge,
// CSV and HTML tests: what a run would print, without running one.
import { BENCH_SCHEMA, type BenchSummary, type LatencySummary, type SecondSample } from '../../src/cli/bench/schema.ts';
import { latencySummary, newHistogram } from '../../src/cli/bench/latency.ts';

export function latencyOf(samplesUs: readonly number[]): LatencySummary {
  const h = newHistogram();
  for (const v of samplesUs) h.recordValue(v);
  const l = latencySummary(h);
  h.destroy();
  return l;
}

export interface SummaryParts {
  scenario?: BenchSummary['scenario'];
  e2e?: readonly number[];
  ack?: readonly number[];
  connect?: readonly number[];
  sent?: number;
  series?: SecondSample[];
  options?: Record<string, unknown>;
  shard?: string;
  duration?: number;
  started?: string;
  ended?: string;
}

/** A pub/pubsub-like summary: received = e2e samples, acked = ack samples, connections = connect samples. */
export function summaryOf(p: SummaryParts): BenchSummary {
  const received = p.e2e?.length ?? 0;
  const sent = p.sent ?? received;
  const conns = p.connect?.length ?? 1;
  const s: BenchSummary = {
    schema: BENCH_SCHEMA,
    tool: { name: 'tsbench', version: '0.1.0' },
    scenario: p.scenario ?? 'pubsub',
    started: p.started ?? '2026-12-01T10:00:00.000Z',
    ended: p.ended ?? '2026-12-01T10:00:10.000Z',
    options: p.options ?? { clients: 2, qos: 1, size: 64, topic: 'tsbench/%i' },
    runs: 1,
    connections: { attempted: conns + 1, established: conns, failed: 1 },
    sent,
    acked: p.ack?.length ?? 0,
    received,
    lost: sent - received,
    duplicates: 1,
    reordered: 2,
    errors: 1,
    errors_by_cause: { timeout: 1 },
    duration_s: p.duration ?? 10,
    warmup_s: 1,
    rate: received / (p.duration ?? 10),
    latency: {},
    series: p.series ?? [],
    stopped_by: 'count',
  };
  if (p.shard) s.shards = [p.shard];
  if (p.e2e) s.latency.e2e = latencyOf(p.e2e);
  if (p.ack) s.latency.ack = latencyOf(p.ack);
  if (p.connect) s.latency.connect = latencyOf(p.connect);
  return s;
}

/** 1..n */
export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
