// tsbench's pieces in-process: the sequence tracker (a gap, a repeat, a swap, a late arrival, a
// jump past its window), the payload header round trip, --fail-if's parser and evaluation.
import { payloadTemplate } from '../src/cli/bench/scheduler.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SequenceTracker, WINDOW } from '../src/cli/bench/tracker.ts';
import { HEADER_SIZE, hasHeader, headerPublisher, headerRunId, headerSentAt, headerSeq, writeHeader, writeHeaderFixed, writeHeaderSeq } from '../src/cli/bench/header.ts';
import { failedThresholds, parseFailIf } from '../src/cli/bench/fail-if.ts';
import type { BenchSummary, LatencySummary } from '../src/cli/bench/schema.ts';

const feed = (seqs: number[], t = new SequenceTracker(), run = 7, pub = 0): SequenceTracker => {
  for (const s of seqs) t.receive(run, pub, s);
  return t;
};
const state = (t: SequenceTracker) => ({ unique: t.unique, missing: t.missing, duplicates: t.duplicates, reordered: t.reordered });

test('tracker: an unbroken sequence is all unique', () => {
  assert.deepEqual(state(feed([0, 1, 2, 3, 4])), { unique: 5, missing: 0, duplicates: 0, reordered: 0 });
});

test('tracker: a gap is missing (lost) until it comes', () => {
  assert.deepEqual(state(feed([0, 1, 3, 4])), { unique: 4, missing: 1, duplicates: 0, reordered: 0 });
  assert.deepEqual(state(feed([0, 1, 5])), { unique: 3, missing: 3, duplicates: 0, reordered: 0 });
});

test('tracker: a repeat is a duplicate, also after later numbers', () => {
  assert.deepEqual(state(feed([0, 1, 1, 2, 0])), { unique: 3, missing: 0, duplicates: 2, reordered: 0 });
});

test('tracker: a swap is one reordered message and nothing missing', () => {
  assert.deepEqual(state(feed([0, 2, 1, 3])), { unique: 4, missing: 0, duplicates: 0, reordered: 1 });
  // and the late one repeated afterwards is a duplicate
  assert.deepEqual(state(feed([0, 2, 1, 1])), { unique: 3, missing: 0, duplicates: 1, reordered: 1 });
});

test('tracker: publishers and runs are counted apart', () => {
  const t = new SequenceTracker();
  feed([0, 1, 2], t, 7, 0);
  feed([0, 1, 2], t, 7, 1);
  feed([0, 2], t, 8, 0);
  assert.deepEqual(state(t), { unique: 8, missing: 1, duplicates: 0, reordered: 0 });
  assert.equal(t.highestOf(7, 1), 2);
});

test('tracker: a jump past the window forgets the old bits (no false duplicates), the gap stays missing', () => {
  const t = feed([0, 1, WINDOW + 5, 1 + WINDOW + 5 - WINDOW + WINDOW]);
  assert.equal(t.duplicates, 0);
  assert.equal(t.missing, WINDOW + 5 - 2 + (1 + WINDOW + 5 - WINDOW + WINDOW - (WINDOW + 5) - 1));
});

test('header: written and read back without loss (microsecond times past 2^32)', () => {
  const b = Buffer.alloc(HEADER_SIZE + 8);
  const at = 1_780_000_000_123_456;
  writeHeader(b, 0xdeadbeef, 12, 4_000_000_000, at);
  assert.ok(hasHeader(b));
  assert.deepEqual([headerRunId(b), headerPublisher(b), headerSeq(b), headerSentAt(b)], [0xdeadbeef, 12, 4_000_000_000, at]);
  assert.equal(hasHeader(Buffer.alloc(HEADER_SIZE)), false);
  assert.equal(hasHeader(b.subarray(0, HEADER_SIZE - 1)), false);
});

test('header: the fixed part once, then seq and time per message: the same bytes as the old one-piece layout', () => {
  const at = 1_780_000_000_123_456;
  const b = Buffer.alloc(HEADER_SIZE);
  writeHeaderFixed(b, 7, 3);
  writeHeaderSeq(b, 99, 5); // a previous message of the slot, overwritten below
  writeHeaderSeq(b, 100, at);
  const old = Buffer.alloc(HEADER_SIZE); // the layout as written before: u16 + u48 for the time
  old.writeUInt32BE(0x54534231, 0); old.writeUInt32BE(7, 4); old.writeUInt32BE(3, 8); old.writeUInt32BE(100, 12);
  old.writeUInt16BE(Math.floor(at / 2 ** 48), 16); old.writeUIntBE(at % 2 ** 48, 18, 6);
  assert.equal(b.toString('hex'), old.toString('hex'));
  assert.equal(headerSentAt(b), at);
});

const lat = (p99: number): LatencySummary => ({ count: 10, p50: 1, p90: 2, p99, p999: p99, p9999: p99, max: p99, mean: 1, histogram: '' });
const summary = (over: Partial<BenchSummary>): BenchSummary => ({
  schema: 'tsbench/1', tool: { name: 'tsbench', version: '0' }, scenario: 'pubsub', started: '', ended: '', options: {}, runs: 1,
  connections: { attempted: 1, established: 1, failed: 0 }, sent: 10, acked: 10, received: 10, lost: 0, duplicates: 0, reordered: 0,
  errors: 0, errors_by_cause: {}, duration_s: 1, warmup_s: 0, rate: 10, latency: {}, series: [], stopped_by: 'count', ...over,
});

test('--fail-if: units, bare percentiles take the scenario latency, counters compare as counts', () => {
  assert.deepEqual(parseFailIf('p99>20ms', '--fail-if'), { text: 'p99>20ms', kind: 'latency', metric: undefined, stat: 'p99', op: '>', ms: 20 });
  assert.equal((parseFailIf('e2e.p999 >= 1.5s', 'x') as { ms: number }).ms, 1500);
  assert.equal((parseFailIf('max>250us', 'x') as { ms: number }).ms, 0.25);
  assert.deepEqual(parseFailIf('loss>0', 'x'), { text: 'loss>0', kind: 'counter', counter: 'lost', op: '>', value: 0 });
  const s = summary({ latency: { e2e: lat(25), ack: lat(5) }, lost: 1, rate: 900 });
  assert.deepEqual(failedThresholds([parseFailIf('p99>20ms', 'x')], s), ["threshold 'p99>20ms' is true: e2e p99 = 25 ms"]);
  assert.deepEqual(failedThresholds([parseFailIf('ack.p99>20ms', 'x')], s), []);
  assert.deepEqual(failedThresholds([parseFailIf('p99>20ms', 'x')], { ...s, scenario: 'pub' }), []);
  assert.deepEqual(failedThresholds([parseFailIf('loss>0', 'x'), parseFailIf('rate<1000', 'x'), parseFailIf('errors>0', 'x')], s),
    ["threshold 'loss>0' is true: lost = 1", "threshold 'rate<1000' is true: rate = 900"]);
  assert.deepEqual(failedThresholds([parseFailIf('connect.p99>1ms', 'x')], s), ["threshold 'connect.p99>1ms': no connect latency was measured"]);
});

test('--fail-if: bad expressions are argument errors', () => {
  assert.throws(() => parseFailIf('p98>1ms', '--fail-if'), /unknown measure 'p98'/);
  assert.throws(() => parseFailIf('e2e.loss>1', '--fail-if'), /'loss' is not one of p50, p90/);
  assert.throws(() => parseFailIf('p99 20ms', '--fail-if'), /invalid threshold 'p99 20ms'/);
});

test('-m templates: %i once, %c and {{counter}} per message, a fixed template made once', () => {
  const t = payloadTemplate('{"c":%i,"n":%c,"k":{{counter}},"again":%c}', 3);
  assert.equal(typeof t, 'function');
  const f = t as (i: number) => Buffer;
  assert.equal(f(0).toString(), '{"c":3,"n":0,"k":1,"again":0}');
  assert.equal(f(41).toString(), '{"c":3,"n":41,"k":42,"again":41}');
  assert.deepEqual(payloadTemplate('fixed %i', 7), Buffer.from('fixed 7'));
  assert.equal((payloadTemplate('{{counter}}', 0) as (i: number) => Buffer)(4).toString(), '5');
});
