// Random and mutated bytes through tsdump (seeded, bounded): the decoder and both renderers never
// throw, whatever the bytes and however they are cut into chunks; through the proxy every byte
// still arrives unchanged both ways, and a well-behaved connection beside the fuzzed ones gets
// every message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { requireMosquitto, startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { Rng, ack, connack, frame, maybe, mutate, publish, suback, unsuback } from './helpers/fuzz-gen.ts';
import { echoServer, exchange, startDump } from './helpers/tsdump-proxy.ts';
import { StreamDecoder } from '../src/protocol/dump-decode.ts';
import { Dumper } from '../src/cli/dump/dumper.ts';
import { JsonRenderer } from '../src/cli/dump/render-json.ts';
import { LineRenderer } from '../src/cli/dump/render-line.ts';
import { paint } from '../src/cli/runtime/terminal.ts';
import { encode } from '../src/protocol/codec.ts';

requireMosquitto();

let m: Mosquitto;
before(async () => { m = await startMosquitto(); });
after(async () => { await m?.stop(); });

const SEED = 15_2026;

function connectBytes(rng: Rng): { v: 4 | 5; bytes: Buffer } {
  const v = rng.chance(0.5) ? 5 : 4;
  const bytes = encode({
    cmd: 'connect', protocolId: 'MQTT', protocolVersion: v, clientId: `fz${rng.int(1e6)}`, clean: true, keepalive: 60,
    ...(rng.chance(0.3) ? { username: 'u', password: Buffer.from('p') } : {}),
    ...(rng.chance(0.3) ? { will: { topic: 'w', payload: Buffer.from('bye'), qos: 1, retain: false, ...(v === 5 ? { properties: { willDelayInterval: 5 } } : {}) } } : {}),
  }, v);
  return { v, bytes };
}

/** one fuzzed stream: a CONNECT (maybe mutated), then packets of every kind, valid or not, and noise */
function stream(rng: Rng): Buffer[] {
  const { v, bytes } = connectBytes(rng);
  const out = [maybe(rng, bytes, 0.7)];
  for (let i = rng.int(12); i > 0; i--) {
    const pick = rng.int(8);
    const b = pick === 0 ? publish(rng, v) : pick === 1 ? ack(rng, v, 4 + rng.int(4), 1 + rng.int(9)) : pick === 2 ? suback(rng, v, 1, 2)
      : pick === 3 ? unsuback(rng, v, 1, 1) : pick === 4 ? connack(rng, v) : pick === 5 ? frame(0x82, Buffer.from([0, 1, 0, 1, 0x61, 1]))
        : pick === 6 ? rng.bytes(1 + rng.int(30)) : mutate(rng, publish(rng, v));
    out.push(maybe(rng, b, 0.6));
  }
  return out;
}

test('the decoder and both renderers never throw on random and mutated bytes, in any chunking (20,000 streams)', () => {
  const rng = new Rng(SEED);
  let packets = 0;
  let errors = 0;
  const out = (): void => undefined;
  const renderers = [new JsonRenderer({ showPasswords: false, maxPayload: undefined }), new LineRenderer({ showPasswords: true, maxPayload: 16 }, 'json', paint(true))];
  for (let i = 0; i < 20_000; i++) {
    const bytes = Buffer.concat(stream(rng));
    const d = new Dumper({ renderer: renderers[i % 2]!, filter: { noPing: false, noAcks: false }, out, mode: 'proxy', strict: false, defaultVersion: 4 });
    d.open(1, 'c', 'b', 0);
    for (let at = 0; at < bytes.length;) {
      const n = 1 + rng.int(24);
      d.data(1, rng.chance(0.8) ? 'client' : 'broker', bytes.subarray(at, at + n), at);
      at += n;
    }
    d.close(1, 'end', 1);
    const dec = new StreamDecoder({ packet: () => { packets++; }, error: () => { errors++; } });
    dec.push(bytes);
  }
  // both outcomes were exercised
  assert.ok(packets > 20_000 && errors > 2000, `${packets} packets, ${errors} errors`);
});

test('through the proxy to an echo server: every fuzzed byte arrives unchanged, both ways (60 connections)', async () => {
  const echo = await echoServer();
  const d = await startDump(['--to', `127.0.0.1:${echo.port}`, '--json']);
  try {
    const rng = new Rng(SEED + 1);
    const streams = Array.from({ length: 60 }, () => stream(rng));
    const results = await Promise.all(streams.map((s) => exchange(d.port, s)));
    results.forEach((r, i) => assert.deepEqual(r.back, Buffer.concat(streams[i]!), `stream ${i}`));
  } finally {
    const out = await d.stop();
    await echo.close();
    assert.equal(out.code, 0);
    assert.match(out.stderr, /^tsdump: listening on [^\n]+\n$/);
    assert.equal(out.lines.filter((o) => o.event === 'close').length, 60);
  }
});

test('fuzzed connections beside a good one to mosquitto: the good one gets every message', async () => {
  const d = await startDump(['--to', `127.0.0.1:${m.port}`, '--json', '--no-ping']);
  const n = 300;
  const sub = spawnBin('tssub', ['-p', String(d.port), '-t', 'good/t', '-q', '1', '-C', String(n), '-i', 'good-sub']);
  // subscribed once its SUBACK went through the proxy: tsdump's own output says so
  await d.proc.waitForStdout(/"type":"suback"/, 10_000);
  const rng = new Rng(SEED + 2);
  const fuzz = Promise.all(Array.from({ length: 40 }, () => exchange(d.port, stream(rng))));
  const lines = Array.from({ length: n }, (_, i) => `message ${i}`).join('\n');
  const pub = runBin('tspub', ['-p', String(d.port), '-t', 'good/t', '-q', '1', '-l', '-i', 'good-pub'], { stdin: `${lines}\n` });
  const [p] = await Promise.all([pub, fuzz]);
  assert.equal(p.code, 0, p.stderr);
  const got = await sub.exited();
  assert.equal(got.code, 0, got.stderr);
  assert.equal(got.out, `${lines}\n`);
  const out = await d.stop();
  assert.equal(out.code, 0);
  const pubs = out.lines.filter((o) => o.type === 'publish' && o.topic === 'good/t');
  assert.equal(pubs.length, 2 * n); // in from tspub, out to tssub
});
