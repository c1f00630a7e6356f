// tsbench merge: two runs merged equal one run of both (counts, histograms, percentiles read again
// from the sum), what cannot be added is dropped as README says, and bad inputs get one error line
// naming the file. In-process: summaries are built from known latency samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeSummaries } from '../src/cli/bench/merge.ts';
import { runMerge, summaryJson, type MergeIO } from '../src/cli/bench/merge-command.ts';
import { decodeHistogram } from '../src/cli/bench/latency.ts';
import type { BenchSummary, LatencySummary } from '../src/cli/bench/schema.ts';
import { range, summaryOf } from './helpers/bench-summaries.ts';

const ALL = range(1, 2000);
const A = ALL.filter((v) => v % 3 === 0);
const B = ALL.filter((v) => v % 3 !== 0);
// values above 2048 us fall in buckets wider than 1 us: the sum must still equal one run of both
const SLOW_A = range(20_000, 20_999).map((v) => v * 3);
const SLOW_B = range(1, 700).map((v) => v * 97);

/** the fields that describe a distribution, with the histogram's own count of every value */
function distribution(l: LatencySummary | undefined): unknown {
  assert.ok(l);
  const h = decodeHistogram(l.histogram);
  const table = h.outputPercentileDistribution();
  h.destroy();
  const { histogram: _h, ...rest } = l;
  return { ...rest, table };
}

test('two runs merged equal one run of both: exact counts and percentiles', () => {
  const a = summaryOf({ e2e: A, ack: SLOW_A, connect: [100, 200], sent: 700 });
  const b = summaryOf({ e2e: B, ack: SLOW_B, connect: [300], sent: 1400 });
  const both = summaryOf({ e2e: ALL, ack: [...SLOW_A, ...SLOW_B], connect: [100, 200, 300] });
  const m = mergeSummaries([a, b]);
  for (const kind of ['e2e', 'ack', 'connect'] as const) assert.deepEqual(distribution(m.latency[kind]), distribution(both.latency[kind]), kind);
  // 1..2000 us: below 2048 every value has its own bucket, so these are the nearest-rank percentiles
  const { histogram: _h, ...e2e } = m.latency.e2e!;
  assert.deepEqual(e2e, { count: 2000, p50: 1, p90: 1.8, p99: 1.98, p999: 1.998, p9999: 2, max: 2, mean: 1.001 });
  assert.equal(m.latency.connect!.count, 3);
  assert.equal(m.latency.connect!.max, 0.3);
  // an empty histogram ('' as the workers pass it) adds nothing
  const empty = summaryOf({});
  empty.latency.e2e = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, p9999: 0, max: 0, mean: 0, histogram: '' };
  assert.deepEqual(distribution(mergeSummaries([a, b, empty]).latency.e2e), distribution(both.latency.e2e));
  assert.deepEqual(
    { runs: m.runs, sent: m.sent, acked: m.acked, received: m.received, lost: m.lost, duplicates: m.duplicates, reordered: m.reordered, errors: m.errors },
    { runs: 2, sent: 2100, acked: 1700, received: 2000, lost: 100, duplicates: 2, reordered: 4, errors: 2 });
  assert.deepEqual(m.connections, { attempted: 5, established: 3, failed: 2 });
  assert.deepEqual(m.errors_by_cause, { timeout: 2 });
});

test('merge: durations the longest, rate recomputed, times the earliest start and latest end', () => {
  const a = summaryOf({ scenario: 'pub', sent: 1000, duration: 10, started: '2026-12-01T10:00:01.000Z', ended: '2026-12-01T10:00:11.000Z' });
  const b = summaryOf({ scenario: 'pub', sent: 1500, duration: 12.5, started: '2026-12-01T10:00:00.500Z', ended: '2026-12-01T10:00:10.000Z' });
  a.requested_rate = 100;
  b.requested_rate = 150;
  const m = mergeSummaries([a, b]);
  assert.equal(m.duration_s, 12.5);
  assert.equal(m.rate, 200); // 2500 sent in 12.5 s
  assert.equal(m.requested_rate, 250);
  assert.equal(m.rate_shortfall, 50);
  assert.equal(m.started, '2026-12-01T10:00:00.500Z');
  assert.equal(m.ended, '2026-12-01T10:00:11.000Z');
  const conn = mergeSummaries([summaryOf({ scenario: 'conn', connect: [1, 2, 3], duration: 2 }), summaryOf({ scenario: 'conn', connect: [4], duration: 1 })]);
  assert.equal(conn.rate, 2); // 4 connections established in 2 s
});

test('merge: series added by second, per-second percentiles dropped (they do not add)', () => {
  const row = (t: number, n: number) => ({ t, sent: n, acked: n, received: n, errors: 0, connections: 2, e2e_p50: 1, e2e_p99: 2 });
  const a = summaryOf({ series: [row(1, 10), row(2, 20), row(3, 30)] });
  const b = summaryOf({ series: [row(2, 5), row(3, 5), row(4, 5)] });
  assert.deepEqual(mergeSummaries([a, b]).series, [
    { t: 1, sent: 10, acked: 10, received: 10, errors: 0, connections: 2 },
    { t: 2, sent: 25, acked: 25, received: 25, errors: 0, connections: 4 },
    { t: 3, sent: 35, acked: 35, received: 35, errors: 0, connections: 4 },
    { t: 4, sent: 5, acked: 5, received: 5, errors: 0, connections: 2 },
  ]);
  // one run alone keeps them: they are exact
  assert.deepEqual(mergeSummaries([a]).series, a.series);
});

test('merge: options equal in every run kept, the others listed per run; shards listed; $SYS only from a lone run', () => {
  const a = summaryOf({ shard: '2/2', options: { clients: 4, qos: 1, shard: '2/2' } });
  const b = summaryOf({ shard: '1/2', options: { clients: 4, qos: 1, shard: '1/2', rate: 5 } });
  b.broker = { before: { 'messages/received': 10 }, after: { 'messages/received': 30 }, delta: { 'messages/received': 20 } };
  const m = mergeSummaries([a, b]);
  assert.deepEqual(m.options, { clients: 4, qos: 1, per_run: [{ shard: '2/2' }, { shard: '1/2', rate: 5 }] });
  assert.deepEqual(m.shards, ['1/2', '2/2']);
  assert.deepEqual(m.broker, b.broker);
  const both = structuredClone(b);
  both.shards = ['2/2'];
  assert.equal(mergeSummaries([b, both]).broker, undefined);
  assert.equal(mergeSummaries([summaryOf({}), summaryOf({})]).shards, undefined);
});

test('merge is associative: (a + b) + c equals a + b + c', () => {
  const a = summaryOf({ e2e: A, shard: '1/3', options: { clients: 1, shard: '1/3' }, series: [{ t: 1, sent: 1, acked: 1, received: 1, errors: 0, connections: 1 }] });
  const b = summaryOf({ e2e: B, shard: '2/3', options: { clients: 1, shard: '2/3' } });
  const c = summaryOf({ e2e: SLOW_B, shard: '3/3', options: { clients: 2, shard: '3/3' }, duration: 11 });
  const flat = mergeSummaries([a, b, c]);
  const nested = mergeSummaries([mergeSummaries([a, b]), c]);
  assert.deepEqual({ ...nested, latency: distribution(nested.latency.e2e) }, { ...flat, latency: distribution(flat.latency.e2e) });
  assert.deepEqual(flat.options, { per_run: [{ clients: 1, shard: '1/3' }, { clients: 1, shard: '2/3' }, { clients: 2, shard: '3/3' }] });
});

test('merge refuses another schema, another scenario, a shard twice, shards of another split, a bad histogram', () => {
  const ok = summaryOf({ e2e: A });
  const cases: Array<[string, BenchSummary[], string]> = [
    ['schema', [ok, { ...ok, schema: 'tsbench/2' } as unknown as BenchSummary], 'b.json: schema "tsbench/2" is not "tsbench/1", the one this tsbench reads.'],
    ['no schema', [ok, { ...ok, schema: undefined } as unknown as BenchSummary], 'b.json: not a tsbench summary (no "schema": "tsbench/1").'],
    ['scenario', [ok, summaryOf({ scenario: 'conn' })], "b.json is a 'conn' run, a.json a 'pubsub' run: only runs of one scenario merge."],
    ['shard twice', [summaryOf({ shard: '1/2' }), summaryOf({ shard: '1/2' })], 'shard 1/2 is in a.json and in b.json: it would be counted twice.'],
    ['another split', [summaryOf({ shard: '1/2' }), summaryOf({ shard: '2/3' })], 'b.json is shard 2/3, another input a shard of 2: shards of different splits do not merge.'],
    ['bad shard', [ok, summaryOf({ shard: '3/2' })], `b.json: "shards": invalid shard '3/2' (use K/N with 1 <= K <= N).`],
    ['a count', [ok, { ...ok, sent: -1 }], 'b.json: "sent" is not a non-negative number.'],
    ['histogram', [ok, { ...ok, latency: { e2e: { ...ok.latency.e2e!, histogram: 'bm90IGEgaGlzdG9ncmFt' } } }], 'b.json: "latency.e2e": its histogram cannot be decoded'],
  ];
  for (const [what, list, message] of cases) {
    assert.throws(() => mergeSummaries(list, ['a.json', 'b.json']), (err: Error) => {
      assert.equal(err.name, 'UsageError', what);
      if (what === 'histogram') assert.ok(err.message.startsWith(message), `${what}: ${err.message}`);
      else assert.equal(err.message, message, what);
      return true;
    });
  }
  assert.throws(() => mergeSummaries([]), { message: 'nothing to merge: give at least one summary.' });
});

/** runMerge with files in a fresh directory, stdin text, and what it printed */
async function merge(files: string[], opts: { stdin?: string; csv?: string; html?: string } = {}) {
  let out = '';
  const errors: string[] = [];
  const io: MergeIO = {
    readStdin: async () => opts.stdin ?? '',
    write: (t) => { out += t; },
    error: (m) => { errors.push(m); },
    csv: opts.csv,
    html: opts.html,
  };
  const code = await runMerge(files, io);
  return { code, out, errors };
}

test('tsbench merge FILE...: files and standard input, the merged JSON summary printed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbench-merge-'));
  const a = summaryOf({ e2e: A, series: [{ t: 1, sent: 3, acked: 3, received: 3, errors: 0, connections: 1 }] });
  const b = summaryOf({ e2e: B });
  writeFileSync(join(dir, 'a.json'), summaryJson(a));
  const r = await merge([join(dir, 'a.json'), '-'], { stdin: JSON.stringify(b), csv: join(dir, 's.csv'), html: join(dir, 'r.html') });
  assert.deepEqual(r.errors, []);
  assert.equal(r.code, 0);
  assert.equal(r.out, summaryJson(mergeSummaries([a, b])));
  assert.equal(JSON.parse(r.out).latency.e2e.count, 2000);
  assert.equal(readFileSync(join(dir, 's.csv'), 'utf8'), 't,sent,acked,received,errors,connections,e2e_p50,e2e_p99\r\n1,3,3,3,0,1,,\r\n');
  assert.match(readFileSync(join(dir, 'r.html'), 'utf8'), /^<!DOCTYPE html>\n/);
});

test('tsbench merge: one error line naming the file, exit 1, nothing printed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbench-merge-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, summaryJson(summaryOf({ e2e: A })));
  writeFileSync(join(dir, 'text.json'), 'hello\n');
  writeFileSync(join(dir, 'empty.json'), '\n');
  writeFileSync(join(dir, 'array.json'), '[1, 2]');
  writeFileSync(join(dir, 'v2.json'), JSON.stringify({ ...summaryOf({}), schema: 'tsbench/2' }));
  writeFileSync(join(dir, 'msg.json'), JSON.stringify({ schema: 'tsmqtt/1', topic: 'a' }));
  const cases: Array<[string[], string, string?]> = [
    [[], "merge needs at least one FILE (the output of tsbench --json; '-' is standard input)."],
    [[good, join(dir, 'missing.json')], `cannot read '${join(dir, 'missing.json')}': no such file.`],
    [[good, dir], `cannot read '${dir}': is a directory.`],
    [[good, join(dir, 'text.json')], `${join(dir, 'text.json')} is not JSON (Unexpected token 'h', "hello\\n" is not valid JSON): give the output of tsbench --json.`],
    [[join(dir, 'empty.json')], `${join(dir, 'empty.json')} is empty: no summary to merge.`],
    [[join(dir, 'array.json')], `${join(dir, 'array.json')}: not a tsbench summary (not a JSON object).`],
    [[good, join(dir, 'v2.json')], `${join(dir, 'v2.json')}: schema "tsbench/2" is not "tsbench/1", the one this tsbench reads.`],
    [[join(dir, 'msg.json')], `${join(dir, 'msg.json')}: schema "tsmqtt/1" is not "tsbench/1", the one this tsbench reads.`],
    [['-', '-'], "'-' (standard input) is given more than once: it can be read only once."],
    [['-'], 'standard input is not JSON (Unexpected end of JSON input): give the output of tsbench --json.', '{"sent":'],
    [[good, good], 'b'],
  ];
  for (const [files, message, stdin] of cases) {
    const r = await merge(files, { stdin });
    if (message === 'b') {
      // the same file twice is two runs (no shards to tell): allowed, and counted twice
      assert.equal(r.code, 0);
      assert.equal(JSON.parse(r.out).runs, 2);
      continue;
    }
    assert.deepEqual({ code: r.code, out: r.out, errors: r.errors }, { code: 1, out: '', errors: [message] }, files.join(' '));
  }
});

test('tsbench merge: --csv/--html that cannot be written fail before the summary is printed; the printer hook prints it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbench-merge-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, summaryJson(summaryOf({ e2e: A })));
  const r = await merge([good], { html: join(dir, 'no', 'r.html') });
  assert.deepEqual(r, { code: 1, out: '', errors: [`cannot write '${join(dir, 'no', 'r.html')}': no such directory.`] });
  let out = '';
  const code = await runMerge([good], { readStdin: async () => '', write: (t) => { out += t; }, error: () => assert.fail('no error'), print: (s) => `runs=${s.runs} received=${s.received}\n` });
  assert.deepEqual({ code, out }, { code: 0, out: 'runs=1 received=666\n' });
});
