// tspub --replay: a tssub --json recording published again, payloads byte-identical (binary ones
// included), v5 properties kept, topics rewritten, its timing divided by --speed (checked as lower
// bounds only: a slow machine makes gaps longer, never shorter), --loop, tsdump --json
// recordings, and the argument errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireMosquitto, startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { startDump } from './helpers/tsdump-proxy.ts';

requireMosquitto();

let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'tspub-replay-'));
before(async () => { m = await startMosquitto(); });
after(async () => {
  await m?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const json = (out: string): Array<Record<string, unknown>> => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const BINARY = Buffer.from([0, 0xff, 0x80, 10, 13, 0xc3, 0x28, 0x7f]);

async function subscribe(filter: string, count: number, id: string): Promise<ReturnType<typeof spawnBin>> {
  const s = spawnBin('tssub', ['-p', String(m.port), '-V', '5', '-t', filter, '-q', '2', '-C', String(count), '--json', '-i', id]);
  await m.waitForLog(new RegExp(`Sending SUBACK to ${id}`), 5000);
  return s;
}

test('a tssub --json recording replayed: payloads byte-identical, properties, QoS and retain kept, topics rewritten', async () => {
  const rec = await subscribe('rec/#', 4, 'rec1');
  const bin = join(dir, 'bin.dat');
  writeFileSync(bin, BINARY);
  const port = String(m.port);
  for (const args of [['-t', 'rec/a', '-m', 'text one', '-q', '1'], ['-t', 'rec/b', '-f', bin, '-q', '2'],
    ['-t', 'rec/c', '-m', '{"n":1}', '-V', '5', '-D', 'publish', 'content-type', 'application/json', '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'user-property', 'k', 'w'],
    ['-t', 'rec/d', '-n']]) {
    assert.equal((await runBin('tspub', ['-p', port, ...args])).code, 0);
  }
  const recorded = await rec.exited();
  assert.equal(recorded.code, 0, recorded.stderr);
  const file = join(dir, 'rec.jsonl');
  writeFileSync(file, recorded.out);

  const back = await subscribe('back/#', 4, 'back1');
  const r = await runBin('tspub', ['-p', port, '-V', '5', '--replay', file, '--speed', 'max', '--topic-rewrite', 'rec/', 'back/']);
  assert.equal(r.code, 0, r.stderr);
  const got = await back.exited();
  assert.equal(got.code, 0, got.stderr);
  const strip = (o: Record<string, unknown>) => { const { tst: _t, mid: _m, ...rest } = o; return rest; };
  // by topic: with --speed max a QoS 0 message may overtake a QoS 2 one still in its handshake
  const byTopic = (a: Record<string, unknown>, b: Record<string, unknown>): number => String(a.topic).localeCompare(String(b.topic));
  const want = json(recorded.out).map((o) => ({ ...strip(o), topic: String(o.topic).replace('rec/', 'back/') })).sort(byTopic);
  assert.deepEqual(json(got.out).map(strip).sort(byTopic), want);
  // the binary payload went through as base64 and came back as the same bytes
  const b = json(got.out).find((o) => o.topic === 'back/b')!;
  assert.deepEqual([b.encoding, Buffer.from(String(b.payload), 'base64')], ['base64', BINARY]);
});

test('the timing: each message no earlier than its time in the recording divided by --speed', async () => {
  const file = join(dir, 'timed.jsonl');
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  writeFileSync(file, [0, 400, 1000].map((ms, i) => JSON.stringify({ v: 1, tst: new Date(t0 + ms).toISOString(), topic: 'timed/t', qos: 0, retain: false, payload: `m${i}` })).join('\n') + '\n');
  for (const speed of ['1', '2']) {
    const s = await subscribe('timed/t', 3, `timed${speed}`);
    const before = Date.now();
    const r = await runBin('tspub', ['-p', String(m.port), '--replay', file, '--speed', speed]);
    assert.equal(r.code, 0, r.stderr);
    const got = json((await s.exited()).out);
    assert.deepEqual(got.map((o) => o.payload), ['m0', 'm1', 'm2']);
    // each message is sent no earlier than its time after the replay's start, which is after `before`
    // (the delivery of one may be late, so gaps between two are not bounded); 1 ms of tst rounding
    const at = got.map((o) => Date.parse(String(o.tst)) - before);
    assert.ok(at[1]! >= 400 / Number(speed) - 1, `speed ${speed}: m1 at ${at[1]} ms`);
    assert.ok(at[2]! >= 1000 / Number(speed) - 1, `speed ${speed}: m2 at ${at[2]} ms`);
  }
});

test('--loop starts again at the end', async () => {
  const file = join(dir, 'loop.jsonl');
  writeFileSync(file, ['a', 'b'].map((p) => JSON.stringify({ tst: '2026-01-01T00:00:00.000Z', topic: 'loop/t', payload: p })).join('\n'));
  const s = await subscribe('loop/t', 6, 'loop1');
  const pub = spawnBin('tspub', ['-p', String(m.port), '--replay', file, '--loop', '--speed', '2', '-q', '1']);
  const got = await s.exited();
  pub.kill('SIGTERM');
  await pub.exited();
  assert.deepEqual(json(got.out).map((o) => o.payload), ['a', 'b', 'a', 'b', 'a', 'b']);
});

test('a tsdump --json recording: the client-sent PUBLISH packets are replayed, nothing else', async () => {
  const d = await startDump(['--to', `127.0.0.1:${m.port}`, '--json']);
  const s0 = spawnBin('tssub', ['-p', String(d.port), '-t', 'dumped/#', '-C', '2', '-i', 'dsub']);
  await m.waitForLog(/Sending SUBACK to dsub/, 5000);
  for (const p of ['x', 'y']) assert.equal((await runBin('tspub', ['-p', String(d.port), '-t', 'dumped/t', '-m', p, '-q', '1'])).code, 0);
  await s0.exited();
  const dump = await d.stop();
  const file = join(dir, 'dump.jsonl');
  writeFileSync(file, dump.out);
  const s = await subscribe('dumped/#', 2, 'dsub2');
  const r = await runBin('tspub', ['-p', String(m.port), '--replay', file, '--speed', 'max']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(json((await s.exited()).out).map((o) => [o.topic, o.payload, o.qos]), [['dumped/t', 'x', 1], ['dumped/t', 'y', 1]]);
});

test('--replay argument errors', async () => {
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"tst":"2026-01-01T00:00:00Z","topic":"a","payload":"x"}\n{oops\n');
  const notst = join(dir, 'notst.jsonl');
  writeFileSync(notst, '{"topic":"a","payload":"x"}\n');
  const b64 = join(dir, 'b64.jsonl');
  writeFileSync(b64, '{"tst":"2026-01-01T00:00:00Z","topic":"a","payload":"!!","encoding":"base64"}\n');
  const cases: Array<[string[], string]> = [
    [['--replay', bad], `Error: --replay: ${bad} line 2: not JSON.`],
    [['--replay', notst], `Error: --replay: ${notst} line 1: no "tst" time (ISO 8601, as tssub --json writes it).`],
    [['--replay', b64], `Error: --replay: ${b64} line 1: "payload" is not valid base64.`],
    [['--replay', join(dir, 'none.jsonl')], `Error: --replay: cannot read '${join(dir, 'none.jsonl')}': no such file.`],
    [['--replay', bad, '-m', 'x'], 'Error: Only one type of message can be sent at once.'],
    [['-t', 'a', '-m', 'x', '--speed', '2'], 'Error: --speed needs --replay file.'],
    [['-t', 'a', '-m', 'x', '--loop'], 'Error: --loop needs --replay file.'],
    [['--replay', bad, '--speed', '0'], "Error: --speed: '0' is not a speed (a factor above 0, e.g. 2 or 0.5, or max)."],
    [['--replay', bad, '--topic-rewrite', 'a'], 'Error: --topic-rewrite needs two values: the topic prefix to replace and its replacement.'],
  ];
  for (const [args, first] of cases) {
    const r = await runBin('tspub', ['-p', String(m.port), ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stderr.split('\n')[0], first, args.join(' '));
  }
});
