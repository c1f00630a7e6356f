// The run's totals -> the BenchSummary (schema.ts: what --json prints and merge reads), and the
// text table printed on stdout without --json.
import { BENCH_SCHEMA, type BenchSummary, type LatencySummary } from './schema.ts';
import type { BenchPlan } from './check.ts';
import type { RunTotals } from './add-up.ts';
import { latencySummary } from './stats.ts';
import { VERSION } from '../runtime/version.ts';
import { shardLabel } from './shard.ts';

export interface RunTimes {
  /** wall clock microseconds: the measured part began / ended */
  measuredFromUs: number;
  endUs: number;
  interrupted: boolean;
  broker?: BenchSummary['broker'];
}

/** a requested rate counts as reached within this fraction */
const RATE_TOLERANCE = 0.05;

const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;

export function buildSummary(plan: BenchPlan, t: RunTotals, times: RunTimes): BenchSummary {
  // conn: measured while connecting (the rate is the connection rate); the hold of --duration comes after
  const endUs = plan.scenario === 'conn' && t.connectsDoneUs > 0 ? t.connectsDoneUs : times.endUs;
  const duration = Math.max(0, (endUs - times.measuredFromUs) / 1e6);
  const scenario = plan.scenario;
  let lost = 0;
  if (scenario === 'pubsub') {
    const expected = t.sentAll * (plan.shared ? Math.min(1, t.subscribed) : t.subscribed);
    lost = Math.max(0, expected - t.unique);
  } else if (scenario === 'sub') lost = t.missing;
  const counted = scenario === 'pub' ? t.sent : scenario === 'conn' ? t.established : t.received;
  const rate = duration > 0 ? round(counted / duration, 1) : 0;
  const requested = scenario === 'conn' ? plan.connRate : plan.rate === undefined ? undefined : plan.rate * plan.publishers;
  // the reached send rate: up to the last send, plus one interval of the schedule (n sends span n-1 intervals)
  const sendSpan = plan.rate === undefined ? duration : Math.max(0, (t.lastSendUs - times.measuredFromUs) / 1e6) + 1 / plan.rate;
  const sendRate = scenario === 'conn' ? rate : sendSpan > 0 ? t.sent / sendSpan : 0;
  const latency: BenchSummary['latency'] = {};
  const e2e = latencySummary(t.e2e); if (e2e) latency.e2e = e2e;
  const ack = latencySummary(t.ack); if (ack) latency.ack = ack;
  const connect = latencySummary(t.connect); if (connect) latency.connect = connect;
  const stoppedBy = times.interrupted ? 'interrupted' : t.established === 0 ? 'error' : t.byTimer ? 'duration' : 'count';
  const s: BenchSummary = {
    schema: BENCH_SCHEMA,
    tool: { name: 'tsbench', version: VERSION },
    scenario,
    started: new Date(times.measuredFromUs / 1000).toISOString(),
    ended: new Date(endUs / 1000).toISOString(),
    options: plan.shape,
    ...(plan.shard ? { shards: [shardLabel(plan.shard)] } : {}),
    runs: 1,
    connections: { attempted: t.attempted, established: t.established, failed: t.attempted - t.established },
    sent: t.sent, acked: t.acked, received: t.received, lost, duplicates: t.duplicates, reordered: t.reordered,
    errors: t.errors, errors_by_cause: t.errorsByCause,
    duration_s: round(duration), warmup_s: plan.warmupMs / 1000, rate, latency,
    series: t.series, stopped_by: stoppedBy,
  };
  if (requested !== undefined) {
    s.requested_rate = requested;
    s.rate_shortfall = sendRate < requested * (1 - RATE_TOLERANCE) ? round(requested - sendRate, 1) : 0;
  }
  if (scenario !== 'conn') {
    s.by_qos = { [String(plan.qos)]: { sent: t.sent, received: t.received, lost, duplicates: t.duplicates, reordered: t.reordered } } as BenchSummary['by_qos'];
  }
  if (times.broker) s.broker = times.broker;
  return s;
}

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3));

function latencyRows(s: BenchSummary): string[] {
  const rows: Array<[string, LatencySummary]> = [];
  for (const k of ['e2e', 'ack', 'connect'] as const) { const l = s.latency[k]; if (l) rows.push([k, l]); }
  if (rows.length === 0) return [];
  const head = ['latency ms', 'count', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'mean'];
  const cells = rows.map(([k, l]) => [k, String(l.count), ...[l.p50, l.p90, l.p99, l.p999, l.p9999, l.max, l.mean].map(num)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `  ${c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ')}`;
  return [line(head), ...cells.map(line)];
}

/** the summary as the table printed on stdout */
export function summaryText(s: BenchSummary): string {
  const o = s.options;
  const lines = [
    `tsbench ${s.scenario}: stopped by ${s.stopped_by}, ${s.duration_s} s measured${s.warmup_s ? ` after ${s.warmup_s} s warm-up` : ''}, QoS ${String(o.qos ?? '(per run)')}, ${String(o.size ?? '(per run)')} bytes`,
    ...(s.runs > 1 || s.shards ? [`  ${s.runs > 1 ? `${s.runs} runs merged` : '1 run'}${s.shards ? `: shard${s.shards.length > 1 ? 's' : ''} ${s.shards.join(', ')}` : ''}`] : []),
    `  connections  ${s.connections.established} of ${s.connections.attempted} (${s.connections.failed} failed)`,
    `  sent ${s.sent}  acked ${s.acked}  received ${s.received}`,
    `  lost ${s.lost}  duplicates ${s.duplicates}  reordered ${s.reordered}  errors ${s.errors}${s.errors ? ` (${Object.entries(s.errors_by_cause).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`,
    `  rate ${s.rate} ${s.scenario === 'conn' ? 'connections' : 'msg'}/s${s.requested_rate === undefined ? '' : s.rate_shortfall ? `: requested ${s.requested_rate}/s, NOT reached (short by ${s.rate_shortfall}/s)` : `: requested ${s.requested_rate}/s, reached`}`,
    ...latencyRows(s),
  ];
  if (s.broker) {
    lines.push("  broker $SYS    before  after  delta");
    for (const k of Object.keys(s.broker.after)) lines.push(`    ${k}  ${s.broker.before[k] ?? '-'}  ${s.broker.after[k]}  ${s.broker.delta[k] ?? '-'}`);
  }
  return `${lines.join('\n')}\n`;
}
