// Is this JSON a tsbench summary that merge can add up? Checked field by field so that the error
// names the input and the field, not a TypeError from deep inside the arithmetic.
import { UsageError } from '../runtime/errors.ts';
import { BENCH_SCHEMA, type BenchSummary } from './schema.ts';

const SCENARIOS = ['conn', 'pub', 'sub', 'pubsub'];
const COUNTS = ['runs', 'sent', 'acked', 'received', 'lost', 'duplicates', 'reordered', 'errors', 'duration_s', 'warmup_s'] as const;
const SERIES_COUNTS = ['t', 'sent', 'acked', 'received', 'errors', 'connections'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Throws UsageError("<name>: ...") unless value has every field merge reads, of the right type. */
export function checkSummary(value: unknown, name: string): asserts value is BenchSummary {
  const bad = (what: string): never => { throw new UsageError(`${name}: ${what}`); };
  if (!isObject(value)) return bad('not a tsbench summary (not a JSON object).');
  const schema = value.schema;
  if (schema === undefined) return bad(`not a tsbench summary (no "schema": "${BENCH_SCHEMA}").`);
  if (schema !== BENCH_SCHEMA) return bad(`schema ${JSON.stringify(schema)} is not ${JSON.stringify(BENCH_SCHEMA)}, the one this tsbench reads.`);
  if (typeof value.scenario !== 'string' || !SCENARIOS.includes(value.scenario)) {
    return bad(`"scenario" is ${JSON.stringify(value.scenario)}, not one of ${SCENARIOS.join(', ')}.`);
  }
  if (!isObject(value.tool) || typeof value.tool.version !== 'string') bad('"tool" needs a "version" string.');
  for (const f of ['started', 'ended', 'stopped_by']) {
    if (typeof value[f] !== 'string') bad(`"${f}" is not a string.`);
  }
  for (const f of ['started', 'ended']) {
    if (Number.isNaN(Date.parse(value[f] as string))) bad(`"${f}" is not an ISO 8601 time: ${JSON.stringify(value[f])}.`);
  }
  for (const f of COUNTS) if (!isCount(value[f])) bad(`"${f}" is not a non-negative number.`);
  if (!isObject(value.options)) bad('"options" is not an object.');
  const conns = value.connections;
  if (!isObject(conns) || !isCount(conns.attempted) || !isCount(conns.established) || !isCount(conns.failed)) {
    bad('"connections" needs "attempted", "established" and "failed" counts.');
  }
  countsRecord(value.errors_by_cause, '"errors_by_cause"', bad);
  if (value.shards !== undefined && (!Array.isArray(value.shards) || value.shards.some((s) => typeof s !== 'string'))) {
    bad('"shards" is not a list of "K/N" strings.');
  }
  const latency = value.latency;
  if (!isObject(latency)) return bad('"latency" is not an object.');
  for (const kind of ['e2e', 'ack', 'connect']) {
    const l = latency[kind];
    if (l === undefined) continue;
    if (!isObject(l) || typeof l.histogram !== 'string' || !isCount(l.count)) bad(`"latency.${kind}" needs "count" and an encoded "histogram".`);
  }
  if (!Array.isArray(value.series)) return bad('"series" is not a list.');
  value.series.forEach((x: unknown, i) => {
    if (!isObject(x) || SERIES_COUNTS.some((f) => !isCount(x[f]))) bad(`"series[${i}]" needs ${SERIES_COUNTS.join(', ')} counts.`);
  });
  if (value.by_qos !== undefined) {
    if (!isObject(value.by_qos)) bad('"by_qos" is not an object.');
    for (const [q, c] of Object.entries(value.by_qos as object)) {
      if (!isObject(c) || ['sent', 'received', 'lost', 'duplicates', 'reordered'].some((f) => !isCount(c[f]))) bad(`"by_qos.${q}" needs sent, received, lost, duplicates, reordered counts.`);
    }
  }
  if (value.requested_rate !== undefined && !isCount(value.requested_rate)) bad('"requested_rate" is not a non-negative number.');
}

function countsRecord(v: unknown, what: string, bad: (w: string) => never): void {
  if (!isObject(v) || Object.values(v).some((n) => !isCount(n))) bad(`${what} is not an object of counts.`);
}
