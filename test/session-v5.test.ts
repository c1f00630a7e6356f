// What the CONNACK of an MQTT 5 broker tells the client, honoured: receive maximum, maximum packet
// size, server keep alive, assigned client id; topic aliases from the broker; DISCONNECT reason codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker, acceptConnect, autoAck } from './helpers/fake-broker.ts';
import { startMosquitto } from './helpers/mosquitto.ts';
import { collector, connected, opts, rejection, tcp, NO_RECONNECT } from './helpers/session-helpers.ts';
import { Client } from '../src/session/client.ts';
import type { Packet } from '../src/protocol/codec.ts';

test('receive maximum caps the in-flight window below -M', async () => {
  let maxOutstanding = 0;
  const fb = await startFakeBroker((c) => {
    acceptConnect(c, { properties: { receiveMaximum: 3 } });
    const held: number[] = [];
    c.onPacket((p) => {
      if (p.cmd !== 'publish') return;
      held.push(p.messageId!);
      maxOutstanding = Math.max(maxOutstanding, held.length);
      // answer in batches, so a client ignoring the limit would get ahead
      setTimeout(() => { const id = held.shift(); c.send({ cmd: 'puback', messageId: id, reasonCode: 0 } as Packet); }, 5);
    });
  });
  const c = await connected(opts(tcp(fb.port), { protocolVersion: 5, maxInflight: 20 }));
  await Promise.all(Array.from({ length: 30 }, (_, i) => c.publish({ topic: 't', payload: Buffer.from(String(i)), qos: 1, retain: false })));
  assert.equal(maxOutstanding, 3);
  await c.end();
  await fb.stop();
});

test('maximum packet size: a larger message fails before it is sent, the next one goes', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c, { properties: { maximumPacketSize: 1024 } }); autoAck(c); });
  const c = await connected(opts(tcp(fb.port), { protocolVersion: 5 }));
  const err = await rejection(c.publish({ topic: 'big', payload: Buffer.alloc(2000), qos: 1, retain: false }));
  assert.equal(err.message, "message for 'big' is 2011 bytes; the broker accepts packets of at most 1024 bytes");
  assert.equal(c.maxPacketSize, 1024);
  await c.publish({ topic: 'small', payload: Buffer.alloc(100), qos: 1, retain: false });
  await c.end();
  const topics = fb.connections[0]!.received.filter((p) => p.cmd === 'publish').map((p) => (p as { topic: string }).topic);
  assert.deepEqual(topics, ['small']);
  await fb.stop();
});

test('server keep alive replaces ours, and the assigned client id is reported', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c, { properties: { serverKeepAlive: 1, assignedClientIdentifier: 'given-by-broker' } }); autoAck(c); });
  const c = new Client(opts(tcp(fb.port), { protocolVersion: 5, keepalive: 600 }), NO_RECONNECT);
  const info = await c.connect();
  assert.equal(info.clientId, 'given-by-broker');
  await new Promise((r) => setTimeout(r, 1700));
  assert.ok(fb.connections[0]!.received.some((p) => p.cmd === 'pingreq'), 'PINGREQ within 1.7 s although we asked for 600 s');
  await c.end();
  await fb.stop();
});

test('topic aliases sent by the broker are resolved', async () => {
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c);
    c.send({ cmd: 'publish', topic: 'long/topic', payload: Buffer.from('1'), qos: 0, retain: false, dup: false, properties: { topicAlias: 1 } } as Packet);
    c.send({ cmd: 'publish', topic: '', payload: Buffer.from('2'), qos: 0, retain: false, dup: false, properties: { topicAlias: 1 } } as Packet);
  });
  const c = new Client(opts(tcp(fb.port), { protocolVersion: 5, connectProperties: { topicAliasMaximum: 10 } }), NO_RECONNECT);
  const got = collector(c);
  await c.connect();
  const msgs = await got.until(2);
  assert.deepEqual(msgs.map((m) => `${m.topic}:${m.payload}:${m.properties?.topicAlias}`), ['long/topic:1:1', 'long/topic:2:1']);
  const connect = fb.connections[0]!.connect;
  assert.equal(connect.properties?.topicAliasMaximum, 10);
  await c.end();
  await fb.stop();
});

test('a v5 DISCONNECT from the broker names its reason', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); setTimeout(() => c.send({ cmd: 'disconnect', reasonCode: 0x8b, properties: { reasonString: 'maintenance' } } as Packet), 50); });
  const c = await connected(opts(tcp(fb.port), { protocolVersion: 5 }));
  const err = await new Promise<Error | undefined>((r) => c.once('close', r));
  assert.equal(err?.message, 'the broker closed the connection: server shutting down (maintenance)');
  await fb.stop();
});

test('DISCONNECT with reason 0x04 asks mosquitto to publish the will; 0x00 does not', async () => {
  const broker = await startMosquitto();
  try {
    const watcher = await connected(opts(tcp(broker.port)));
    const got = collector(watcher);
    await watcher.subscribe([{ topic: 'v5will/#', qos: 1 }]);
    for (const [code, topic] of [[0, 'v5will/normal'], [4, 'v5will/with-will']] as const) {
      const c = await connected(opts(tcp(broker.port), { protocolVersion: 5, will: { topic, payload: Buffer.from('w'), qos: 1, retain: false } }));
      await c.end({ reasonCode: code });
    }
    const [m] = await got.until(1);
    assert.equal(m!.topic, 'v5will/with-will');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(got.messages.length, 1);
    await watcher.end();
  } finally {
    await broker.stop();
  }
});

test('a reconnect policy gives up after maxRetries and fails what is still queued', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c, { puback: false }); });
  const c = new Client(opts(tcp(fb.port)), { enabled: true, retryFirstConnect: false, maxRetries: 2, initialDelayMs: 20, maxDelayMs: 40 });
  await c.connect();
  const attempts: number[] = [];
  c.on('reconnecting', (n) => attempts.push(n));
  const pending = rejection(c.publish({ topic: 'q', payload: Buffer.from('x'), qos: 1, retain: false }));
  await new Promise((r) => setTimeout(r, 50));
  const closed = new Promise<Error | undefined>((r) => c.once('close', r));
  await fb.stop();
  const err = await closed;
  assert.deepEqual(attempts, [1, 2]);
  assert.match(err!.message, /^Connection refused by 127\.0\.0\.1:\d+/);
  assert.equal((await pending).message, err!.message);
});

test('bind address (-A) and TCP_NODELAY are applied to the socket', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
  const c = await connected(opts({ kind: 'tcp', host: '127.0.0.1', port: fb.port, bindAddress: '127.0.0.2', noDelay: true }));
  assert.equal(fb.connections[0]!.socket.remoteAddress, '127.0.0.2');
  await c.end();
  const bad = await rejection(connected(opts({ kind: 'tcp', host: '127.0.0.1', port: fb.port, bindAddress: '192.0.2.1' })));
  assert.match(bad.message, /^cannot bind the local address \(-A\): /);
  await fb.stop();
});
