// What real brokers will not do, played by the scripted fake broker: refusals, failure reason
// codes, silence, malformed bytes; and the network failures before any broker answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startFakeBroker, acceptConnect, autoAck } from './helpers/fake-broker.ts';
import { connected, opts, rejection, tcp, FAST_RECONNECT } from './helpers/session-helpers.ts';
import { Client } from '../src/session/client.ts';
import { ConnectionRefusedError, ProtocolError, ReasonCodeError, TimeoutError, TransportError } from '../src/session/errors.ts';

test('refused CONNACK codes become ConnectionRefusedError with the reason text, v3 and v5', async () => {
  const cases: Array<[3 | 4 | 5, number, string]> = [
    [4, 1, 'Connection refused: unacceptable protocol version'],
    [4, 2, 'Connection refused: identifier rejected'],
    [3, 3, 'Connection refused: server unavailable'],
    [4, 4, 'Connection refused: bad user name or password'],
    [4, 5, 'Connection refused: not authorised'],
    [5, 0x85, 'Connection refused: client identifier not valid'],
    [5, 0x8a, 'Connection refused: banned (go away)'],
    [5, 0x9c, 'Connection refused: use another server'],
  ];
  for (const [version, code, text] of cases) {
    const fb = await startFakeBroker((c) => acceptConnect(c, { reasonCode: code, properties: code === 0x8a ? { reasonString: 'go away' } : undefined }));
    const err = await rejection(connected(opts(tcp(fb.port), { protocolVersion: version })));
    assert.ok(err instanceof ConnectionRefusedError);
    assert.equal(err.reasonCode, code);
    assert.equal(err.message, text);
    await fb.stop();
  }
});

test('no PINGRESP: the connection is declared dead after the keepalive', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c, { pingresp: false }); });
  const c = await connected(opts(tcp(fb.port), { keepalive: 1 }));
  const closed = new Promise<Error | undefined>((r) => c.once('close', r));
  const err = await closed;
  assert.ok(err instanceof TimeoutError);
  assert.equal(err.message, 'no PINGRESP from the broker within 1s: connection lost');
  assert.equal(fb.connections[0]!.received.filter((p) => p.cmd === 'pingreq').length, 1);
  await fb.stop();
});

test('a client that keeps receiving still sends PINGREQ within its keepalive [MQTT-3.1.2-23]', async () => {
  // a QoS 0 subscriber only receives: the broker must still hear from it, or it drops it after 1.5 x keepalive
  let timer: NodeJS.Timeout | undefined;
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c);
    timer = setInterval(() => c.send({ cmd: 'publish', topic: 'ka/t', payload: Buffer.from('x'), qos: 0, retain: false, dup: false }), 100);
  });
  const c = await connected(opts(tcp(fb.port), { keepalive: 1 }));
  c.on('message', () => undefined);
  await new Promise((r) => setTimeout(r, 2600));
  clearInterval(timer);
  const pings = fb.connections[0]!.received.filter((p) => p.cmd === 'pingreq').length;
  assert.ok(pings >= 1, `${pings} PINGREQs in 2.6 s with keepalive 1 while a message arrived every 100 ms`);
  assert.equal(c.connected, true);
  await c.end();
  await fb.stop();
});

test('a client that keeps sending but hears nothing still pings, and finds a silent broker dead (libmosquitto: a keepalive without a packet in)', async () => {
  // a QoS 0 publisher gets nothing back: only a PINGREQ can tell a broker that stopped answering
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c, { pingresp: false }); });
  const c = await connected(opts(tcp(fb.port), { keepalive: 1 }));
  const closed = new Promise<Error | undefined>((r) => c.once('close', r));
  const timer = setInterval(() => c.write({ topic: 'ka/q0', payload: Buffer.from('x'), qos: 0, retain: false }), 50);
  const err = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r('still open after 6 s'), 6000))]);
  clearInterval(timer);
  if (!(err instanceof TimeoutError)) { c.destroy(); await fb.stop(); }
  assert.ok(err instanceof TimeoutError, String(err));
  assert.equal(err.message, 'no PINGRESP from the broker within 1s: connection lost');
  assert.equal(fb.connections[0]!.received.filter((p) => p.cmd === 'pingreq').length, 1);
  c.destroy();
  await fb.stop();
});

test('PINGREQ keeps an idle connection alive when PINGRESP comes back', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
  const c = await connected(opts(tcp(fb.port), { keepalive: 1 }));
  await new Promise((r) => setTimeout(r, 3200));
  assert.equal(c.connected, true);
  const pings = fb.connections[0]!.received.filter((p) => p.cmd === 'pingreq').length;
  assert.ok(pings >= 2 && pings <= 3, `${pings} PINGREQs in 3.2 s with keepalive 1`);
  await c.end();
  await fb.stop();
});

test('failure reason codes on PUBACK, PUBREC and SUBACK reach the caller', async () => {
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c, { suback: (p) => p.subscriptions.map((s) => (s.topic === 'deny/#' ? 0x80 : s.qos)), puback: false, qos2: false });
    c.onPacket((p) => {
      if (p.cmd === 'publish' && p.qos === 1) c.send({ cmd: 'puback', messageId: p.messageId, reasonCode: 0x97, properties: { reasonString: 'slow down' } });
      if (p.cmd === 'publish' && p.qos === 2) c.send({ cmd: 'pubrec', messageId: p.messageId, reasonCode: 0x99 });
    });
  });
  const c = await connected(opts(tcp(fb.port), { protocolVersion: 5 }));
  const e1 = await rejection(c.publish({ topic: 'a', payload: Buffer.from('x'), qos: 1, retain: false }));
  assert.ok(e1 instanceof ReasonCodeError);
  assert.equal(e1.message, "PUBACK for 'a' failed: quota exceeded (0x97): slow down");
  const e2 = await rejection(c.publish({ topic: 'b', payload: Buffer.from('x'), qos: 2, retain: false }));
  assert.equal(e2.message, "PUBREC for 'b' failed: payload format invalid (0x99)");
  assert.equal(fb.connections[0]!.received.some((p) => p.cmd === 'pubrel'), false, 'no PUBREL after a failed PUBREC');
  assert.deepEqual(await c.subscribe([{ topic: 'ok/#', qos: 1 }, { topic: 'deny/#', qos: 1 }]), [1, 0x80]);
  await c.end();
  await fb.stop();
});

test('malformed bytes from the broker are a ProtocolError', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); c.sendRaw(Buffer.from([0xf0, 0x00])); });
  const c = new Client(opts(tcp(fb.port)), { ...FAST_RECONNECT, enabled: false });
  const closed = new Promise<Error | undefined>((r) => c.once('close', r));
  await c.connect().catch(() => undefined);
  const err = await closed;
  assert.ok(err instanceof ProtocolError, String(err));
  assert.match(err.message, /^protocol error from the broker: /);
  await fb.stop();
});

test('a broker that accepts the socket but never answers CONNECT times out', async () => {
  const fb = await startFakeBroker(() => { /* stall */ });
  const err = await rejection(connected(opts(tcp(fb.port), { connectTimeoutMs: 300 })));
  assert.ok(err instanceof TimeoutError);
  assert.equal(err.message, 'no CONNACK from the broker within 0.3s');
  await fb.stop();
});

test('nothing listening, unknown host: TransportError naming the cause', async () => {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  const refused = await rejection(connected(opts(tcp(port))));
  assert.ok(refused instanceof TransportError);
  assert.equal(refused.message, `Connection refused by 127.0.0.1:${port}: is the broker running and listening there?`);
  const dns = await rejection(connected(opts(tcp(1883, 'no-such-host.invalid'))));
  assert.equal(dns.message, "cannot resolve host 'no-such-host.invalid' (DNS lookup failed)");
});

test('retryFirstConnect waits for a broker that comes up late', async () => {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  const c = new Client(opts(tcp(port)), FAST_RECONNECT);
  let attempts = 0;
  c.on('reconnecting', () => { attempts++; });
  const connecting = c.connect();
  await new Promise((r) => setTimeout(r, 400));
  const fb = await startFakeBrokerOn(port);
  const info = await connecting;
  assert.equal(info.reasonCode, 0);
  assert.ok(attempts >= 1);
  await c.end();
  await fb.stop();
});

async function startFakeBrokerOn(port: number) {
  // the fake broker picks its own port; bridge the fixed one to it
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
  const bridge = net.createServer((s) => { const up = net.connect(fb.port, '127.0.0.1'); s.pipe(up).pipe(s); s.on('error', () => up.destroy()); up.on('error', () => s.destroy()); });
  await new Promise<void>((r) => bridge.listen(port, '127.0.0.1', r));
  return { stop: async () => { bridge.close(); await fb.stop(); } };
}

test('a v3-only broker refusing our MQTT 5 CONNECT reads as "unacceptable protocol version"', async () => {
  const fb = await startFakeBroker((c) => c.sendRaw(Buffer.from([0x20, 0x02, 0x00, 0x01])));
  const err = await rejection(connected(opts(tcp(fb.port), { protocolVersion: 5 })));
  assert.ok(err instanceof ConnectionRefusedError);
  assert.equal(err.message, 'Connection refused: unacceptable protocol version');
  await fb.stop();
});

test('inbound QoS 2: a DUP resend in a present session is not delivered twice; a new session starts afresh', async () => {
  let conns = 0;
  const fb = await startFakeBroker((c) => {
    conns++;
    const publish = (payload: string, dup: boolean) => c.send({ cmd: 'publish', topic: 'q2', payload: Buffer.from(payload), qos: 2, messageId: 1, retain: false, dup });
    if (conns === 1) {
      acceptConnect(c);
      publish('first', false);
      setTimeout(() => c.close(), 50); // PUBREC sent by the client, PUBREL never comes
    } else if (conns === 2) {
      acceptConnect(c, { sessionPresent: true });
      publish('first', true); // resend: must not be delivered again; still no PUBREL
      setTimeout(() => c.close(), 50);
    } else {
      acceptConnect(c, { sessionPresent: false });
      publish('second', false); // same id in a new session: a new message
      autoAck(c);
    }
  });
  const c = new Client(opts(tcp(fb.port), { clean: false, clientId: 'q2' }), FAST_RECONNECT);
  const got: string[] = [];
  c.on('message', (m) => got.push(m.payload.toString()));
  await c.connect();
  await new Promise((r) => setTimeout(r, 800));
  assert.deepEqual(got, ['first', 'second']);
  c.destroy();
  await fb.stop();
});
