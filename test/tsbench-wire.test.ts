// tsbench's report pieces wired into real runs against a real mosquitto: loss and duplicates
// through test/helpers/mqtt-proxy.ts (one PUBLISH dropped on its way to the broker, one repeated
// to the subscriber: the summary says exactly that), --csv/--html written by a run (the same
// summary as its --json), a file that cannot be written (before connecting), --shard 1/2 and 2/2
// run side by side (disjoint client ids and %i, the broker's log says so) merged with tsbench
// merge, and merge of two real --json runs (text and --json output).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { startMqttProxy } from './helpers/mqtt-proxy.ts';
import type { BenchSummary } from '../src/cli/bench/schema.ts';
import { seriesCsv } from '../src/cli/bench/csv.ts';
import { htmlReport } from '../src/cli/bench/html.ts';
import { mergeSummaries } from '../src/cli/bench/merge.ts';
import { summaryText } from '../src/cli/bench/summary.ts';

let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'tsbench-wire-'));

before(async () => { m = await startMosquitto(); });
after(async () => { await m?.stop(); });

/** tsbench SCENARIO through port, --json, no $SYS client (it would go through the proxy too) */
async function bench(port: number, args: string[]): Promise<BenchSummary> {
  const r = await runBin('tsbench', [args[0]!, '-p', String(port), '--json', '--no-sys', '--workers', '1', ...args.slice(1)], { timeoutMs: 30_000 });
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: '' });
  return JSON.parse(r.out) as BenchSummary;
}

const counts = (s: BenchSummary) => ({ sent: s.sent, received: s.received, lost: s.lost, duplicates: s.duplicates, reordered: s.reordered, errors: s.errors });

test('pubsub at QoS 0 through a proxy that drops the 7th PUBLISH to the broker: lost 1, nothing else', async () => {
  const proxy = await startMqttProxy({ port: m.port }, { dropPublishToBroker: 7 });
  try {
    const s = await bench(proxy.port, ['pubsub', '-q', '0', '--count', '20', '-t', 'wire/drop/%i']);
    assert.equal(proxy.stats.dropped, 1);
    assert.deepEqual(counts(s), { sent: 20, received: 19, lost: 1, duplicates: 0, reordered: 0, errors: 0 });
    assert.deepEqual(s.by_qos, { 0: { sent: 20, received: 19, lost: 1, duplicates: 0, reordered: 0 } });
    assert.equal(s.latency.e2e?.count, 19);
  } finally {
    await proxy.stop();
  }
});

test('pubsub through a proxy that repeats the 5th PUBLISH to the subscriber: duplicates 1, none lost', async () => {
  const proxy = await startMqttProxy({ port: m.port }, { duplicatePublishToClient: 5 });
  try {
    const s = await bench(proxy.port, ['pubsub', '-q', '0', '--count', '20', '-t', 'wire/dup/%i']);
    assert.equal(proxy.stats.duplicated, 1);
    // received counts every receipt; e2e latency only the first of each message
    assert.deepEqual(counts(s), { sent: 20, received: 21, lost: 0, duplicates: 1, reordered: 0, errors: 0 });
    assert.equal(s.latency.e2e?.count, 20);
  } finally {
    await proxy.stop();
  }
});

test('--csv and --html written by a run: the CSV is its --json series, one row a second; the HTML has the figures', async () => {
  const csv = join(dir, 'run.csv');
  const html = join(dir, 'run.html');
  const s = await bench(m.port, ['pubsub', '-q', '1', '-r', '50', '--duration', '3', '-t', 'wire/csv/%i', '--csv', csv, '--html', html]);
  const text = readFileSync(csv, 'utf8');
  assert.equal(text, seriesCsv(s));
  const rows = text.trimEnd().split('\r\n').slice(1);
  assert.deepEqual(rows.map((r) => Number(r.split(',')[0])), s.series.map((_, i) => i + 1));
  assert.ok(rows.length >= 2, `a 3 s run has its seconds in the CSV: ${rows.length}`);
  assert.equal(s.series.reduce((n, x) => n + x.sent, 0) <= s.sent, true);
  const page = readFileSync(html, 'utf8');
  assert.equal(page, htmlReport(s));
  for (const id of ['throughput', 'latency-e2e', 'latency-ack', 'latency-connect']) assert.match(page, new RegExp(`<figure id="${id}">\\n<svg`), id);
});

test('--csv into a missing directory: one error line, exit 1, before connecting', async () => {
  const mark = m.logMark();
  const bad = join(dir, 'none', 'x.csv');
  const r = await runBin('tsbench', ['pub', '-p', String(m.port), '--count', '1', '--csv', bad]);
  assert.deepEqual({ code: r.code, out: r.out, stderr: r.stderr }, { code: 1, out: '', stderr: `Error: cannot write '${bad}': no such directory.\n` });
  assert.doesNotMatch(m.log().slice(mark), /New client connected/);
});

test('--shard 1/2 and 2/2 side by side: disjoint client ids and topics; tsbench merge adds them up', async () => {
  const mark = m.logMark();
  const args = (k: number) => ['pubsub', '-p', String(m.port), '--publishers', '2', '--subscribers', '1', '--count', '30', '-q', '1',
    '-t', 'wire/shard/%i', '-I', 'wire-', '--shard', `${k}/2`, '--json', '--no-sys', '--workers', '1'];
  const runs = [spawnBin('tsbench', args(1), { timeoutMs: 30_000 }), spawnBin('tsbench', args(2), { timeoutMs: 30_000 })];
  const [a, b] = await Promise.all(runs.map((r) => r.exited()));
  assert.deepEqual([a!.code, a!.stderr, b!.code, b!.stderr], [0, '', 0, '']);
  const one = JSON.parse(a!.out) as BenchSummary;
  const two = JSON.parse(b!.out) as BenchSummary;
  // each subscriber hears both shards (wire/shard/+) and counts only its own run's messages
  assert.deepEqual(counts(one), { sent: 60, received: 60, lost: 0, duplicates: 0, reordered: 0, errors: 0 });
  assert.deepEqual(counts(two), counts(one));
  assert.deepEqual([one.shards, two.shards], [['1/2'], ['2/2']]);
  const ids = [...m.log().slice(mark).matchAll(/New client connected from \S+ as (wire-\S+) /g)].map((x) => x[1]).sort();
  assert.deepEqual(ids, ['wire-p0', 'wire-p1', 'wire-p2', 'wire-p3', 'wire-s0', 'wire-s1']);
  // each publisher's %i is its index across the shards
  const topics = new Set([...m.log().slice(mark).matchAll(/Received PUBLISH from (wire-p\d) \(d0, q1, r0, m\d+, '([^']+)'/g)].map((x) => `${x[1]} ${x[2]}`));
  assert.deepEqual([...topics].sort(), ['wire-p0 wire/shard/0', 'wire-p1 wire/shard/1', 'wire-p2 wire/shard/2', 'wire-p3 wire/shard/3']);
  writeFileSync(join(dir, 's1.json'), a!.out);
  writeFileSync(join(dir, 's2.json'), b!.out);
  const r = await runBin('tsbench', ['merge', join(dir, 's2.json'), join(dir, 's1.json'), '--json']);
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: '' });
  const merged = JSON.parse(r.out) as BenchSummary;
  assert.deepEqual(counts(merged), { sent: 120, received: 120, lost: 0, duplicates: 0, reordered: 0, errors: 0 });
  assert.deepEqual({ shards: merged.shards, runs: merged.runs, e2e: merged.latency.e2e?.count }, { shards: ['1/2', '2/2'], runs: 2, e2e: 120 });
});

test('tsbench merge of two real --json runs: the merged summary, as text and as --json', async () => {
  const a = await bench(m.port, ['pub', '-c', '1', '--count', '100', '-q', '1', '-t', 'wire/merge/a']);
  const b = await bench(m.port, ['pub', '-c', '2', '--count', '50', '-q', '1', '-t', 'wire/merge/b']);
  const fa = join(dir, 'a.json');
  const fb = join(dir, 'b.json');
  writeFileSync(fa, `${JSON.stringify(a)}\n`);
  writeFileSync(fb, `${JSON.stringify(b)}\n`);
  const expected = mergeSummaries([a, b], [fa, fb]);
  assert.deepEqual({ sent: expected.sent, acked: expected.acked, ack: expected.latency.ack?.count, runs: expected.runs }, { sent: 200, acked: 200, ack: 200, runs: 2 });
  const text = await runBin('tsbench', ['merge', fa, fb]);
  assert.deepEqual({ code: text.code, out: text.out, stderr: text.stderr }, { code: 0, out: summaryText(expected), stderr: '' });
  assert.match(text.out, /^tsbench pub: .*\n {2}2 runs merged\n/);
  const json = await runBin('tsbench', ['merge', '--json', fa, fb]);
  assert.deepEqual({ code: json.code, out: json.out, stderr: json.stderr }, { code: 0, out: `${JSON.stringify(expected)}\n`, stderr: '' });
  const bad = await runBin('tsbench', ['merge', fa, '--bogus']);
  assert.deepEqual({ code: bad.code, out: bad.out, stderr: bad.stderr }, { code: 1, out: '', stderr: "Error: Unknown option '--bogus'.\n\nUse 'tsbench --help' to see usage.\n" });
});
