// --fail-if EXPR: thresholds for CI. EXPR is `[e2e.|ack.|connect.]STAT OP VALUE[UNIT]` with STAT one of
// p50 p90 p99 p999 p9999 max mean (UNIT ms, us or s; default ms), or `COUNTER OP N` with COUNTER one
// of loss (lost), duplicates, reordered, errors, rate (msg/s). OP: > >= < <= = !=.
// A bare percentile means the scenario's own latency: e2e for sub/pubsub, ack for pub, connect for conn.
import { UsageError } from '../runtime/errors.ts';
import type { BenchSummary, LatencySummary } from './schema.ts';

const STATS = ['p50', 'p90', 'p99', 'p999', 'p9999', 'max', 'mean'] as const;
const METRICS = ['e2e', 'ack', 'connect'] as const;
const COUNTERS = { loss: 'lost', lost: 'lost', duplicates: 'duplicates', reordered: 'reordered', errors: 'errors', rate: 'rate' } as const;
type Op = '>' | '>=' | '<' | '<=' | '=' | '!=';
type Stat = (typeof STATS)[number];
type Metric = (typeof METRICS)[number];

export type Threshold =
  | { text: string; kind: 'latency'; metric: Metric | undefined; stat: Stat; op: Op; ms: number }
  | { text: string; kind: 'counter'; counter: (typeof COUNTERS)[keyof typeof COUNTERS]; op: Op; value: number };

const UNIT_MS: Record<string, number> = { '': 1, ms: 1, us: 0.001, 'µs': 0.001, s: 1000 };
const EXPR = /^\s*(?:(e2e|ack|connect)\.)?([a-z0-9]+)\s*(>=|<=|!=|>|<|==?)\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|us|µs|s)?\s*$/;

export function parseFailIf(raw: string, name: string): Threshold {
  const m = EXPR.exec(raw);
  const bad = (why: string): UsageError => new UsageError(`${name}: invalid threshold '${raw}': ${why} (e.g. 'p99>20ms', 'e2e.p999>50ms', 'loss>0', 'rate<1000').`);
  if (!m) throw bad('use [e2e.|ack.|connect.]STAT OP VALUE or COUNTER OP N');
  const [, metric, what, rawOp, num, unit] = m as unknown as [string, Metric | undefined, string, string, string, string | undefined];
  const op = (rawOp === '==' ? '=' : rawOp) as Op;
  const value = Number(num);
  if ((STATS as readonly string[]).includes(what)) {
    return { text: raw.trim(), kind: 'latency', metric, stat: what as Stat, op, ms: value * UNIT_MS[unit ?? '']! };
  }
  if (metric !== undefined) throw bad(`'${what}' is not one of ${STATS.join(', ')}`);
  const counter = COUNTERS[what as keyof typeof COUNTERS];
  if (counter === undefined) throw bad(`unknown measure '${what}'`);
  if (unit !== undefined) throw bad(`'${what}' is a count, it takes no unit`);
  return { text: raw.trim(), kind: 'counter', counter, op, value };
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '=': return a === b;
    case '!=': return a !== b;
  }
}

const OWN_LATENCY: Record<BenchSummary['scenario'], Metric[]> = {
  conn: ['connect'], pub: ['ack', 'e2e'], sub: ['e2e'], pubsub: ['e2e', 'ack'],
};

/** The thresholds that are true, each as the line that says so (nothing measured fails too: CI must not pass on no data). */
export function failedThresholds(list: readonly Threshold[], s: BenchSummary): string[] {
  const out: string[] = [];
  for (const t of list) {
    if (t.kind === 'counter') {
      const v = s[t.counter];
      if (compare(v, t.op, t.value)) out.push(`threshold '${t.text}' is true: ${t.counter} = ${v}`);
      continue;
    }
    const metrics = t.metric ? [t.metric] : OWN_LATENCY[s.scenario];
    const found = metrics.map((m) => [m, s.latency[m]] as const).find((x): x is readonly [Metric, LatencySummary] => x[1] !== undefined && x[1].count > 0);
    if (!found) {
      out.push(`threshold '${t.text}': no ${metrics[0]} latency was measured`);
      continue;
    }
    const v = found[1][t.stat];
    if (compare(v, t.op, t.ms)) out.push(`threshold '${t.text}' is true: ${found[0]} ${t.stat} = ${v} ms`);
  }
  return out;
}
