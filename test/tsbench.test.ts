// tsbench black-box against a real mosquitto: each scenario end to end with exact counts (QoS 1 and
// 2: sent = acked = the configured count, received = count x subscribers, nothing lost or doubled),
// --json's fields and types (schema.ts), --fail-if's exit 28 (one threshold that must be true, one
// that must not), Ctrl+C's summary so far, --workers 2 counting as --workers 1, the $SYS counters,
// and argument errors in the tools' style.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import type { BenchSummary } from '../src/cli/bench/schema.ts';

let m: Mosquitto;
let port: string;

before(async () => { m = await startMosquitto({ extra: 'sys_interval 1\n', logTypes: ['error', 'warning', 'notice', 'information', 'subscribe'] }); port = String(m.port); });
after(async () => { await m?.stop(); });

async function bench(args: string[]): Promise<{ s: BenchSummary; code: number | null; stderr: string }> {
  const r = await runBin('tsbench', [args[0]!, '-p', port, '--json', '--no-sys', ...args.slice(1)], { timeoutMs: 30_000 });
  assert.equal(r.stderr, '', r.stderr);
  return { s: JSON.parse(r.out) as BenchSummary, code: r.code, stderr: r.stderr };
}

const counts = (s: BenchSummary) => ({ sent: s.sent, acked: s.acked, received: s.received, lost: s.lost, duplicates: s.duplicates, reordered: s.reordered, errors: s.errors });

test('pub: 3 publishers x 200 messages at QoS 1: every one sent and acknowledged, ack latency per message', async () => {
  const { s, code } = await bench(['pub', '-c', '3', '--count', '200', '-q', '1', '--workers', '1']);
  assert.equal(code, 0);
  assert.deepEqual(counts(s), { sent: 600, acked: 600, received: 0, lost: 0, duplicates: 0, reordered: 0, errors: 0 });
  assert.equal(s.latency.ack?.count, 600);
  assert.equal(s.latency.connect?.count, 3);
  assert.deepEqual(s.connections, { attempted: 3, established: 3, failed: 0 });
  assert.equal(s.stopped_by, 'count');
});

for (const qos of ['1', '2']) {
  test(`pubsub at QoS ${qos}: 2 publishers x 150 to 2 subscribers: received = 600, none lost, doubled or reordered`, async () => {
    const { s, code } = await bench(['pubsub', '--publishers', '2', '--subscribers', '2', '--count', '150', '-q', qos, '--workers', '1']);
    assert.equal(code, 0);
    assert.deepEqual(counts(s), { sent: 300, acked: 300, received: 600, lost: 0, duplicates: 0, reordered: 0, errors: 0 });
    assert.equal(s.latency.e2e?.count, 600);
    assert.equal(s.latency.ack?.count, 300);
    assert.deepEqual(s.by_qos, { [qos]: { sent: 300, received: 600, lost: 0, duplicates: 0, reordered: 0 } });
  });
}

test('--workers 2 counts as --workers 1 (pubsub, QoS 1, 3 publishers, 3 subscribers)', async () => {
  const args = ['pubsub', '--publishers', '3', '--subscribers', '3', '--count', '100', '-q', '1'];
  const one = await bench([...args, '--workers', '1']);
  const two = await bench([...args, '--workers', '2']);
  assert.deepEqual(counts(two.s), counts(one.s));
  assert.deepEqual(counts(one.s), { sent: 300, acked: 300, received: 900, lost: 0, duplicates: 0, reordered: 0, errors: 0 });
  assert.equal(two.s.latency.e2e?.count, 900);
  assert.equal(two.s.options.workers, 2);
});

test('sub: 2 subscribers take --count messages each from a tsbench pub (e2e from its header)', async () => {
  const mark = m.logMark();
  const sub = spawnBin('tsbench', ['sub', '-p', port, '-c', '2', '-t', 'bsub/#', '--count', '80', '--json', '--no-sys', '--workers', '1'], { timeoutMs: 30_000 });
  await m.waitForLog(/-s0 \d bsub\/#/, 10_000, mark);
  await m.waitForLog(/-s1 \d bsub\/#/, 10_000, mark);
  const pub = await runBin('tsbench', ['pub', '-p', port, '-t', 'bsub/%i', '--count', '80', '-q', '1', '--no-sys'], { timeoutMs: 30_000 });
  assert.equal(pub.code, 0);
  const r = await sub.exited();
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.out) as BenchSummary;
  assert.deepEqual(counts(s), { sent: 0, acked: 0, received: 160, lost: 0, duplicates: 0, reordered: 0, errors: 0 });
  assert.equal(s.latency.e2e?.count, 160);
});

test('conn: 30 connections at 300/s, connect-time percentiles from 30 samples', async () => {
  const { s, code } = await bench(['conn', '-c', '30', '-r', '300']);
  assert.equal(code, 0);
  assert.deepEqual(s.connections, { attempted: 30, established: 30, failed: 0 });
  assert.equal(s.latency.connect?.count, 30);
  assert.equal(s.requested_rate, 300);
});

test('--json: the summary has every field of schema.ts with its type', async () => {
  const { s } = await bench(['pubsub', '--count', '20', '-q', '1', '-r', '200', '--workers', '1']);
  const types: Record<string, string> = {
    schema: 'string', tool: 'object', scenario: 'string', started: 'string', ended: 'string', options: 'object', runs: 'number',
    connections: 'object', sent: 'number', acked: 'number', received: 'number', lost: 'number', duplicates: 'number',
    reordered: 'number', errors: 'number', errors_by_cause: 'object', duration_s: 'number', warmup_s: 'number', rate: 'number',
    requested_rate: 'number', rate_shortfall: 'number', latency: 'object', by_qos: 'object', series: 'object', stopped_by: 'string',
  };
  for (const [k, t] of Object.entries(types)) assert.equal(typeof (s as unknown as Record<string, unknown>)[k], t, k);
  assert.equal(s.schema, 'tsbench/1');
  assert.deepEqual(s.tool.name, 'tsbench');
  assert.equal(s.runs, 1);
  assert.match(s.started, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Array.isArray(s.series));
  for (const k of ['e2e', 'ack', 'connect'] as const) {
    const l = s.latency[k]!;
    assert.deepEqual(Object.keys(l).sort(), ['count', 'histogram', 'max', 'mean', 'p50', 'p90', 'p99', 'p999', 'p9999'], k);
    for (const f of ['count', 'p50', 'p90', 'p99', 'p999', 'p9999', 'max', 'mean'] as const) assert.equal(typeof l[f], 'number');
    assert.match(l.histogram, /^[A-Za-z0-9+/]+=*$/);
    assert.ok(l.p50 <= l.p99 && l.p99 <= l.max, k);
  }
  assert.equal(s.latency.e2e!.count, 20);
});

test('--fail-if: a threshold that is true exits 28 and says which; one that is not exits 0', async () => {
  const failing = await runBin('tsbench', ['pub', '-p', port, '--count', '10', '-q', '1', '--no-sys', '--fail-if', 'p50>0us', '--fail-if', 'loss>0'], { timeoutMs: 30_000 });
  assert.equal(failing.code, 28);
  assert.match(failing.stderr, /^threshold 'p50>0us' is true: ack p50 = [\d.]+ ms\n$/);
  const passing = await runBin('tsbench', ['pub', '-p', port, '--count', '10', '-q', '1', '--no-sys', '--fail-if', 'ack.max>1h'.replace('1h', '3600s'), '--fail-if', 'errors>0'], { timeoutMs: 30_000 });
  assert.equal(passing.stderr, '');
  assert.equal(passing.code, 0);
  const nothing = await runBin('tsbench', ['pub', '-p', port, '--count', '10', '--no-sys', '--fail-if', 'e2e.p99>20ms'], { timeoutMs: 30_000 });
  assert.equal(nothing.stderr, "threshold 'e2e.p99>20ms': no e2e latency was measured\n");
  assert.equal(nothing.code, 28);
});

test('Ctrl+C: the summary so far on stdout, stopped by interrupted, exit 0', async () => {
  const mark = m.logMark();
  const b = spawnBin('tsbench', ['pub', '-p', port, '-c', '2', '-r', '50', '--duration', '60', '-q', '1', '--json', '--no-sys', '--workers', '1'], { timeoutMs: 30_000 });
  await m.waitForLog(/New client connected[\s\S]*New client connected/, 10_000, mark);
  await new Promise((r) => setTimeout(r, 300));
  b.kill('SIGINT');
  const r = await b.exited();
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  const s = JSON.parse(r.out) as BenchSummary;
  assert.equal(s.stopped_by, 'interrupted');
  assert.ok(s.sent > 0);
  assert.equal(s.acked, s.sent);
});

test("the broker's $SYS counters before and after, in the summary", async () => {
  const r = await runBin('tsbench', ['pub', '-p', port, '--count', '5', '--json'], { timeoutMs: 30_000 });
  assert.equal(r.code, 0);
  const s = JSON.parse(r.out) as BenchSummary;
  assert.ok(s.broker, 'broker counters');
  assert.equal(typeof s.broker.before['messages/received'], 'number');
  assert.equal(s.broker.delta['messages/received'], s.broker.after['messages/received']! - s.broker.before['messages/received']!);
});

const errors: Array<[string, string[], string]> = [
  ['no scenario', [], 'Error: Give a scenario: tsbench conn|pub|sub|pubsub [options].'],
  ['unknown scenario', ['load'], "Error: Unknown scenario 'load' (use conn, pub, sub, pubsub or merge)."],
  ['option before the scenario', ['-c', '2', 'pub'], "Error: Give a scenario first: tsbench conn|pub|sub|pubsub [options] (got '-c')."],
  ['bad client count', ['pub', '-c', '0'], 'Error: Invalid client count given, it must be between 1 and 1000000 inclusive.'],
  ['bad rate', ['pub', '-r', 'fast'], "Error: -r: 'fast' is not a rate (messages per second, more than 0, e.g. 100 or 0.5)."],
  ['-r with --total-rate', ['pub', '-r', '1', '--total-rate', '5'], 'Error: -r and --total-rate cannot be used together (-r is per client, --total-rate for all).'],
  ['size below the header', ['pub', '-s', '10'], "Error: -s: payload size 10 is smaller than tsbench's header (24 bytes: run id, publisher, sequence number, send time)."],
  ['wildcard topic for pub', ['pub', '-t', 'a/#'], "Error: -t: 'a/#': wildcards (+ #) are not allowed in a topic to publish to."],
  ['-c with pubsub', ['pubsub', '-c', '3'], 'Error: pubsub takes --publishers and --subscribers, not -c.'],
  ['--publishers with pub', ['pub', '--publishers', '3'], 'Error: --publishers and --subscribers are for pubsub; pub takes -c.'],
  ['bad threshold', ['pub', '--fail-if', 'p99'], "Error: --fail-if: invalid threshold 'p99': use [e2e.|ack.|connect.]STAT OP VALUE or COUNTER OP N (e.g. 'p99>20ms', 'e2e.p999>50ms', 'loss>0', 'rate<1000')."],
  ['unit on a count', ['pub', '--fail-if', 'loss>2ms'], "Error: --fail-if: invalid threshold 'loss>2ms': 'loss' is a count, it takes no unit (e.g. 'p99>20ms', 'e2e.p999>50ms', 'loss>0', 'rate<1000')."],
  ['bad QoS', ['pub', '-q', '3'], 'Error: Invalid QoS given: 3'],
  ['-c is not clean session here', ['pub', '-c'], 'Error: -c argument given but no N specified.'],
  ['-i is not offered', ['pub', '-i', 'x'], "Error: Unknown option '-i'."],
  ['empty host in -h list', ['pub', '-h', 'a,,b'], "Error: -h: empty host in 'a,,b' (use -h a,b,c)."],
];

for (const [name, args, first] of errors) {
  test(`argument error: ${name}`, async () => {
    const r = await runBin('tsbench', args);
    assert.equal(r.stderr.split('\n')[0], first);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
  });
}

test('no broker: one error line naming it, exit 1', async () => {
  const r = await runBin('tsbench', ['pub', '-p', '1', '--count', '1', '--no-sys']);
  assert.equal(r.stderr, 'Error: no client could connect: Connection refused by localhost:1: is the broker running and listening there?\n');
  assert.equal(r.code, 1);
});

test('-m TEMPLATE: the payload after the header, %i and %c filled per publisher and message; pubsub still counts every one', async () => {
  const sub = spawnBin('tssub', ['-p', port, '-t', 'bench/tm/#', '-C', '6', '-W', '20', '--json', '-q', '1']);
  await new Promise((r) => setTimeout(r, 300));
  const { s, code } = await bench(['pubsub', '--publishers', '2', '--subscribers', '1', '--count', '3', '-q', '1', '--workers', '1',
    '-t', 'bench/tm/%i', '-m', '{"client":%i,"n":%c}']);
  assert.equal(code, 0);
  assert.deepEqual(counts(s), { sent: 6, acked: 6, received: 6, lost: 0, duplicates: 0, reordered: 0, errors: 0 });
  const seen = await sub.exited();
  assert.equal(seen.code, 0, seen.stderr);
  const bodies = seen.out.trimEnd().split('\n').map((l) => {
    const o = JSON.parse(l) as { topic: string; payload: string; encoding: string };
    return `${o.topic} ${Buffer.from(o.payload, o.encoding === 'base64' ? 'base64' : 'utf8').subarray(24).toString()}`;
  }).sort();
  assert.deepEqual(bodies, [0, 1].flatMap((i) => [0, 1, 2].map((n) => `bench/tm/${i} {"client":${i},"n":${n}}`)).sort());
  const clash = await runBin('tsbench', ['pub', '-p', port, '-m', 'x', '-s', '100']);
  assert.deepEqual([clash.code, clash.stderr.split('\n')[0]], [1, 'Error: -m and -s cannot be used together (with -m the payload is the header and the template).']);
});
