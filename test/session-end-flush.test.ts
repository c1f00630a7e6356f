// end(): our DISCONNECT is the last packet, and everything queued before it reaches the broker,
// however slowly it reads; a broker that stops reading for good fails the end (the caller exits
// 1), never a silent loss. Before: the socket was destroyed 2 s after end() whatever was still
// queued in Node's buffer (tsbench's QoS 0 runs lost messages that way and counted them sent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker, acceptConnect } from './helpers/fake-broker.ts';
import { connected, opts, tcp } from './helpers/session-helpers.ts';
import { Duplex } from 'node:stream';
import { endAfterFlush, unsentError } from '../src/session/end-after-flush.ts';
import { TransportError } from '../src/session/errors.ts';

const COUNT = 20_000;
const PAYLOAD = Buffer.alloc(2048, 0x61); // 40 MB in all: far more than the kernel's socket buffers hold

test('a broker that stops reading for 3 s after the CONNACK still gets every QoS 0 message queued before end()', { timeout: 60_000 }, async () => {
  let publishes = 0;
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    c.socket.pause();
    setTimeout(() => c.socket.resume(), 3000);
    c.onPacket((p) => {
      if (p.cmd === 'publish') publishes++;
      if (p.cmd === 'disconnect') c.close();
    });
  });
  try {
    const client = await connected(opts(tcp(fb.port), { keepalive: 60 }));
    for (let i = 0; i < COUNT; i++) client.write({ topic: 'flush/t', payload: PAYLOAD, qos: 0, retain: false });
    await client.end();
    assert.equal(publishes, COUNT);
  } finally {
    await fb.stop();
  }
});

test('a broker that never reads again: every message queued is accounted for (written, or failed with the error), end() settles', { timeout: 60_000 }, async () => {
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    c.socket.pause();
  });
  try {
    const client = await connected(opts(tcp(fb.port), { keepalive: 2 }));
    let closeError: Error | undefined;
    client.on('close', (e) => { closeError = e; });
    const results: Array<Error | null | undefined> = [];
    for (let i = 0; i < COUNT; i++) client.write({ topic: 'flush/t', payload: PAYLOAD, qos: 0, retain: false }, (e) => { results[i] = e ?? null; });
    await client.end();
    assert.equal(results.filter((r) => r !== undefined).length, COUNT, 'every callback ran');
    const failed = results.filter((r) => r instanceof Error) as Error[];
    assert.ok(failed.length > 0, 'the broker read nothing: most messages cannot have gone out');
    assert.match(closeError?.message ?? '', /^no PINGRESP from the broker within 2s: connection lost$/);
    assert.ok(failed.every((e) => e.message === closeError!.message));
  } finally {
    await fb.stop();
  }
});

/** a socket whose peer takes `delayMs` to read each chunk (or never, with Infinity); it closes when ended, like a broker after DISCONNECT */
function slowPeer(delayMs: number): Duplex {
  const d = new Duplex({
    highWaterMark: 1024,
    read() {},
    write(_chunk, _enc, done) { if (Number.isFinite(delayMs)) setTimeout(done, delayMs); },
    final(done) { done(); setImmediate(() => d.destroy()); },
  });
  return d;
}

test('endAfterFlush: the grace period starts once everything is written, not at end() (a slow reader loses nothing)', async () => {
  const peer = slowPeer(700);
  for (let i = 0; i < 4; i++) peer.write(Buffer.alloc(2048)); // 4 chunks x 0.7 s: longer than the 1 s grace
  const t0 = Date.now();
  const stalls: Error[] = [];
  const closed = new Promise((r) => peer.once('close', r));
  endAfterFlush(peer, 1000, 5000, (e) => stalls.push(e));
  await closed;
  assert.ok(Date.now() - t0 >= 2700, 'it waited for the peer to read every chunk');
  assert.deepEqual([peer.writableFinished, unsentError(peer), stalls], [true, undefined, []]);
});

test('endAfterFlush: a reader that makes no progress for stallMs is reported, naming the bytes not sent', async () => {
  const peer = slowPeer(Infinity);
  peer.write(Buffer.alloc(3000));
  peer.write(Buffer.alloc(5000));
  const alive = setTimeout(() => undefined, 10_000); // a real socket keeps the loop alive; this stand-in does not
  const stalled = await new Promise<Error>((resolve) => endAfterFlush(peer, 1000, 1500, resolve));
  clearTimeout(alive);
  assert.ok(stalled instanceof TransportError);
  assert.equal(stalled.message, 'the broker stopped reading: 8000 bytes of our packets were not sent');
  assert.equal(unsentError(peer)?.message, 'the connection closed with 8000 bytes of our packets not yet sent');
  peer.destroy();
});
