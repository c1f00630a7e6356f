// tspub and MQTT's size limits: the whole PUBLISH counts (remaining length at most 268,435,455
// bytes; the broker's v5 maximum packet size). -f/-s over MQTT's limit: mosquitto's "Message payload
// is too large." before connecting. A -l line that does not fit: an error naming the line, the
// other lines still delivered, exit 1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { startFakeBroker, acceptConnect, autoAck, type FakeBroker } from './helpers/fake-broker.ts';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';

let fb: FakeBroker;
let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'tspub-size-'));

before(async () => {
  requireMosquittoClients();
  fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
  m = await startMosquitto({ extra: 'max_packet_size 200' });
});
after(async () => { await fb.stop(); await m.stop(); });

test('-f and -s one byte over the limit (topic and packet id count): "Message payload is too large.", no connection', async () => {
  // 2 (topic length) + 5 ('big/f') + 2 (packet id) + 268,435,447 = 268,435,456: one over
  const file = join(dir, 'f');
  writeFileSync(file, '');
  truncateSync(file, 268_435_447);
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'big/f', '-q', '1', '-f', file]);
  assert.equal(r.stderr, 'Error: Message payload is too large.\n');
  assert.equal(r.code, 1);
  const s = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'big/f', '-q', '1', '-s'],
    { stdin: Buffer.alloc(268_435_447), timeoutMs: 60_000 });
  assert.equal(s.stderr, 'Error: Message payload is too large.\n');
  assert.equal(s.code, 1);
  assert.equal(fb.connections.length, 0, 'no connection may be attempted');
});

async function linesThrough(args: string[], stdin: Buffer, topic: string, expect: number): Promise<{ code: number | null; stderr: string; got: string }> {
  const mark = m.logMark();
  const sub = mosqSub(['-h', m.host, '-p', String(m.port), '-t', topic, '-q', '1', '-C', String(expect), '-W', '60']);
  await m.waitForLog(/Sending SUBACK/, 5000, mark);
  const pub = spawnBin('tspub', ['-h', m.host, '-p', String(m.port), '-t', topic, '-l', ...args], { stdin, timeoutMs: 60_000 });
  const r = await pub.exited();
  const got = await sub.exited();
  return { code: r.code, stderr: r.stderr, got: got.out };
}

test('-l: a line over the broker\'s maximum packet size is named, the others are delivered, exit 1', async () => {
  const r = await linesThrough(['-V', '5', '-q', '1'], Buffer.from(`a\n${'x'.repeat(300)}\nc\n`), 'size/max', 2);
  // 1 + 2 + 2 + 8 ('size/max') + 2 + 1 + 300 = 316
  assert.equal(r.stderr, 'Error: stdin line 2: the message is 316 bytes; the broker accepts packets of at most 200 bytes.\n');
  assert.equal(r.code, 1);
  assert.equal(r.got, 'a\nc\n');
});

test('-l: a line over MQTT\'s limit is named, the others are delivered, exit 1 (no reconnect loop)', async () => {
  const big = Buffer.alloc(268_435_450, 0x78);
  const stdin = Buffer.concat([Buffer.from('a\n'), big, Buffer.from('\nc\n')]);
  const r = await linesThrough(['-q', '0'], stdin, 'size/l', 2);
  // 2 + 6 ('size/l') + 268,435,450 = 268,435,458
  assert.equal(r.stderr, "Error: stdin line 2: the message is 268435458 bytes after its fixed header, over MQTT's limit of 268435455.\n");
  assert.equal(r.code, 1);
  assert.equal(r.got, 'a\nc\n');
});

test('MQTT 3.1.1 cannot learn the broker\'s maximum: a broker that hangs up on each resend is given up on after 5 connections, exit 1', async () => {
  const r = await linesThrough(['-V', '311', '-q', '1', '--reconnect-delay', '0.05', '--reconnect-max-delay', '0.1'],
    Buffer.from(`a\n${'x'.repeat(300)}\nc\n`), 'size/v3', 1);
  const lines = r.stderr.split('\n');
  assert.equal(lines.filter((l) => l.startsWith('Connection lost')).length, 4, r.stderr);
  assert.equal(lines.at(-2), "Error: the broker closed the connection 5 times in a row without acknowledging the message resent first (topic 'size/v3'): does it refuse it (too large for it, not allowed)?");
  assert.equal(r.code, 1);
  assert.equal(r.got, 'a\n');
});
