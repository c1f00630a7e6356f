// The test proxy (test/helpers/mqtt-proxy.ts) that tsbench's loss, duplicate and latency figures
// rely on, checked with tspub and tssub through it against a real mosquitto: drop the Nth PUBLISH,
// repeat the Nth, delay every chunk; and its framer over split and joined chunks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { Framer, startMqttProxy } from './helpers/mqtt-proxy.ts';

let m: Mosquitto;
before(async () => { m = await startMosquitto(); });
after(async () => { await m?.stop(); });

/** tssub -C count on topic (through port), subscribed before this resolves */
async function subscriber(port: number, topic: string, count: number) {
  const mark = m.logMark();
  const sub = spawnBin('tssub', ['-p', String(port), '-t', topic, '-C', String(count)]);
  await m.waitForLog(/Sending SUBACK/, 5000, mark);
  return sub;
}

test('drop knob: of 5 QoS 0 messages published through the proxy, the subscriber gets exactly the 4 others', async () => {
  const proxy = await startMqttProxy({ port: m.port }, { dropPublishToBroker: 3 });
  try {
    const sub = await subscriber(m.port, 'drop/t', 5);
    // the 6th line, published after the dropped one on the same connection, proves nothing else was lost or late
    const pub = await runBin('tspub', ['-p', String(proxy.port), '-t', 'drop/t', '-l'], { stdin: '1\n2\n3\n4\n5\nend\n' });
    assert.deepEqual({ code: pub.code, stderr: pub.stderr }, { code: 0, stderr: '' });
    const r = await sub.exited();
    assert.deepEqual({ code: r.code, out: r.out, stderr: r.stderr }, { code: 0, out: '1\n2\n4\n5\nend\n', stderr: '' });
    assert.deepEqual(proxy.stats, { connections: 1, publishesToBroker: 6, publishesToClient: 0, dropped: 1, duplicated: 0 });
  } finally {
    await proxy.stop();
  }
});

test('duplicate knob: the subscriber behind the proxy gets the 2nd of 4 messages twice', async () => {
  const proxy = await startMqttProxy({ port: m.port }, { duplicatePublishToClient: 2 });
  try {
    const sub = await subscriber(proxy.port, 'dup/t', 5);
    const pub = await runBin('tspub', ['-p', String(m.port), '-t', 'dup/t', '-l'], { stdin: 'a\nb\nc\nd\n' });
    assert.equal(pub.code, 0);
    const r = await sub.exited();
    assert.deepEqual({ code: r.code, out: r.out, stderr: r.stderr }, { code: 0, out: 'a\nb\nb\nc\nd\n', stderr: '' });
    assert.deepEqual(proxy.stats, { connections: 1, publishesToBroker: 0, publishesToClient: 4, dropped: 0, duplicated: 1 });
  } finally {
    await proxy.stop();
  }
});

test('delay knobs: every chunk arrives, in order, no sooner than the delay of each direction', async () => {
  // an echo server as the "broker": the round trip crosses both delays
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((res) => echo.listen(0, '127.0.0.1', res));
  const proxy = await startMqttProxy({ port: (echo.address() as net.AddressInfo).port }, { delayToBrokerMs: 120, delayToClientMs: 80 });
  try {
    const sock = net.connect(proxy.port, '127.0.0.1');
    await new Promise<void>((res) => sock.once('connect', res));
    let got = '';
    const done = new Promise<number>((res) => sock.on('data', (d) => { got += d.toString(); if (got.length === 3) res(performance.now()); }));
    const t0 = performance.now();
    sock.write('a');
    setImmediate(() => sock.write('b'));
    setTimeout(() => sock.write('c'), 10);
    const t1 = await done;
    assert.equal(got, 'abc');
    // a lower bound only: a slow machine can make it later, never sooner
    assert.ok(t1 - t0 >= 200, `round trip ${t1 - t0} ms is shorter than the delays (120 + 80 ms)`);
    sock.destroy();
  } finally {
    await proxy.stop();
    echo.close();
  }
});

test('Framer: whole packets out of chunks split inside the fixed header and joined across packets', () => {
  const pub = (payload: string): Buffer => {
    const body = Buffer.concat([Buffer.from([0, 1, 0x74]), Buffer.from(payload)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  };
  const big = Buffer.concat([Buffer.from([0x30, 0xc8, 0x01]), Buffer.from([0, 1, 0x74]), Buffer.alloc(197, 0x78)]); // remaining length 200: two bytes
  const stream = Buffer.concat([pub('one'), big, Buffer.from([0xc0, 0]), pub('two')]);
  for (const cut of [1, 2, 3, 4, stream.length - 1]) {
    const f = new Framer();
    const frames = [...f.push(stream.subarray(0, cut)), ...f.push(stream.subarray(cut))];
    assert.deepEqual(frames.map((x) => x.length), [8, 203, 2, 8], `cut at ${cut}`);
    assert.deepEqual(Buffer.concat(frames), stream);
  }
});
