// QoS 1/2 across a reconnect: MQTT 5 keeps a session for the client's life (Clean Start on the first
// connect, an expiry, Clean Start 0 under the same id on reconnects, expiry 0 at the end); where the
// broker answers with no session, every unfinished message is published again as new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker, acceptConnect, autoAck, type FakeConn } from './helpers/fake-broker.ts';
import { opts, tcp, FAST_RECONNECT } from './helpers/session-helpers.ts';
import { Client } from '../src/session/client.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { RUN_SESSION_EXPIRY_S } from '../src/session/reconnect-policy.ts';
import type { IConnectPacket, IPublishPacket, Packet } from '../src/protocol/codec.ts';

/** First connection: PUBREC the QoS 2 message, never PUBCOMP, then drop. Later ones: answer everything. */
async function brokerDroppingAfterPubrec(opts: { sessionPresent: boolean; assignedId?: string }) {
  let n = 0;
  return startFakeBroker(async (c: FakeConn) => {
    n++;
    if (n === 1) {
      // a broker assigns an id only to a client that sent none [MQTT-3.2.2.3.7]
      const assign = c.version === 5 && opts.assignedId && c.connect.clientId === '';
      acceptConnect(c, assign ? { properties: { assignedClientIdentifier: opts.assignedId } } : {});
      const p = await c.next('publish') as IPublishPacket;
      c.send({ cmd: 'pubrec', messageId: p.messageId! });
      await c.next('pubrel');
      c.close();
      return;
    }
    acceptConnect(c, { sessionPresent: opts.sessionPresent });
    autoAck(c);
  });
}

const packets = (c: FakeConn, cmd: string): Packet[] => c.received.filter((p) => p.cmd === cmd);

// [id given, first CONNECT's clean flag and id, the reconnect's id]: a fresh id of ours starts with
// Clean Start 0 (mosquitto persists only such sessions across its restarts); -i ID starts clean
const KEEP_CASES: Array<[string | undefined, boolean, RegExp, RegExp]> = [
  [undefined, false, /^auto-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/, /^auto-[0-9A-F-]{36}$/],
  ['mine', true, /^mine$/, /^mine$/],
  ['', true, /^$/, /^auto-1$/],
];

for (const [id, firstClean, firstId, againId] of KEEP_CASES) {
  test(`MQTT 5 without -c (id ${JSON.stringify(id)}): a session is kept across the reconnect and ended at the end, so QoS 2 stays exactly once`, async () => {
    const fb = await brokerDroppingAfterPubrec({ sessionPresent: true, assignedId: 'auto-1' });
    const c = new Client(opts(tcp(fb.port), { protocolVersion: 5, ...(id === undefined ? {} : { clientId: id }) }), FAST_RECONNECT);
    await c.connect();
    const republished: number[] = [];
    c.on('republished', (n) => republished.push(n));
    await c.publish({ topic: 'k/2', payload: Buffer.from('once'), qos: 2, retain: false });
    await c.end();
    const [first, second] = fb.connections;
    const c1 = first!.connect as IConnectPacket;
    const c2 = second!.connect as IConnectPacket;
    assert.deepEqual([c1.clean, c1.properties?.sessionExpiryInterval], [firstClean, RUN_SESSION_EXPIRY_S]);
    assert.match(c1.clientId, firstId);
    assert.deepEqual([c2.clean, c2.properties?.sessionExpiryInterval], [false, RUN_SESSION_EXPIRY_S]);
    assert.match(c2.clientId, againId);
    if (id === undefined) assert.equal(c2.clientId, c1.clientId);
    // into the kept session only the PUBREL goes again: the message itself is not published twice
    assert.equal(packets(second!, 'publish').length, 0);
    assert.deepEqual(packets(second!, 'pubrel').map((p) => (p as { messageId: number }).messageId), [1]);
    assert.deepEqual(republished, []);
    const disconnect = packets(second!, 'disconnect')[0] as { properties?: { sessionExpiryInterval?: number } };
    assert.equal(disconnect.properties?.sessionExpiryInterval, 0);
    assert.equal(fb.connections.length, 2);
    await fb.stop();
  });
}

test('no session on the broker after the reconnect (MQTT 3.1.1, clean): the PUBREC\'d QoS 2 message is published again as new', async () => {
  const fb = await brokerDroppingAfterPubrec({ sessionPresent: false });
  const c = new Client(opts(tcp(fb.port), { protocolVersion: 4 }), FAST_RECONNECT);
  await c.connect();
  const republished: number[] = [];
  c.on('republished', (n) => republished.push(n));
  await c.publish({ topic: 'k/2', payload: Buffer.from('again'), qos: 2, retain: false });
  await c.end();
  const second = fb.connections[1]!;
  assert.equal((second.connect as IConnectPacket).clean, true);
  const again = packets(second, 'publish') as IPublishPacket[];
  assert.deepEqual(again.map((p) => [p.topic, p.payload.toString(), p.qos, p.dup]), [['k/2', 'again', 2, false]]);
  assert.equal(packets(second, 'pubrel').length, 1);
  assert.deepEqual(republished, [1]);
  await fb.stop();
});

test('MQTT 5 with a broker that lost the session: republished as new too', async () => {
  const fb = await brokerDroppingAfterPubrec({ sessionPresent: false, assignedId: 'auto-2' });
  const c = new Client(opts(tcp(fb.port), { protocolVersion: 5 }), FAST_RECONNECT);
  await c.connect();
  const republished: number[] = [];
  c.on('republished', (n) => republished.push(n));
  await c.publish({ topic: 'k/2', payload: Buffer.from('lost'), qos: 2, retain: false });
  await c.end();
  assert.equal((packets(fb.connections[1]!, 'publish') as IPublishPacket[]).length, 1);
  assert.deepEqual(republished, [1]);
  await fb.stop();
});

test('keepSession false (-x 0), -x N and --no-reconnect: no session of ours', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
  const cases: Array<[Partial<Parameters<typeof opts>[1]>, boolean, number | undefined]> = [
    [{ protocolVersion: 5, keepSession: false }, true, undefined],
    [{ protocolVersion: 5, connectProperties: { sessionExpiryInterval: 30 } }, true, 30],
    [{ protocolVersion: 5 }, false, undefined],
  ];
  for (const [more, reconnect, expiry] of cases) {
    const c = new Client(opts(tcp(fb.port), more), reconnect ? FAST_RECONNECT : { ...FAST_RECONNECT, enabled: false });
    await c.connect();
    await c.end();
    const conn = fb.connections.at(-1)!;
    assert.equal((conn.connect as IConnectPacket).properties?.sessionExpiryInterval, expiry);
    await conn.closed;
    const d = packets(conn, 'disconnect')[0] as { properties?: { sessionExpiryInterval?: number } };
    assert.equal(d.properties?.sessionExpiryInterval, undefined);
  }
  await fb.stop();
});

test('tspub says once on stderr that it published again, and exits 0 once the broker acknowledged', async () => {
  let n = 0;
  const fb = await startFakeBroker(async (c) => {
    if (++n === 1) {
      acceptConnect(c);
      await c.next('publish');
      c.close(); // no PUBACK: the message is unfinished when the connection goes
      return;
    }
    acceptConnect(c, { sessionPresent: false });
    autoAck(c);
  });
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'k/1', '-m', 'x', '-q', '1', '--reconnect-delay', '0.05']);
  assert.equal(r.stderr, 'Connection lost (the broker closed the connection); reconnecting.\n'
    + 'Reconnected without a session on the broker: 1 unacknowledged QoS 1/2 message published again (it may arrive twice).\n');
  assert.equal(r.code, 0);
  const again = packets(fb.connections[1]!, 'publish') as IPublishPacket[];
  assert.deepEqual(again.map((p) => [p.topic, p.payload.toString(), p.dup]), [['k/1', 'x', false]]);
  await fb.stop();
});

test('destroy() during --retry-connect\'s backoff settles connect() at once (it waited forever)', async () => {
  const fb = await startFakeBroker((c) => c.close());
  const port = fb.port;
  await fb.stop(); // nothing listens: every attempt is refused
  const c = new Client(opts(tcp(port)), { ...FAST_RECONNECT, initialDelayMs: 5000, maxDelayMs: 5000 });
  const settled = c.connect().then(() => 'connected', (e: Error) => e.message);
  await new Promise((r) => setTimeout(r, 200));
  c.destroy();
  const outcome = await Promise.race([settled, new Promise((r) => setTimeout(() => r('still pending'), 2000))]);
  assert.equal(outcome, 'connection closed');
});

test('tspub -l: a line too large for the last broker\'s maximum, read while reconnecting, is named; the rest go on; exit 1', async () => {
  let n = 0;
  const fb = await startFakeBroker(async (c) => {
    if (++n === 1) {
      acceptConnect(c, { properties: { maximumPacketSize: 300 } });
      await c.next('publish');
      c.close(); // the outage
      return;
    }
    await new Promise((r) => setTimeout(r, 700)); // the next lines are read while this CONNACK is awaited
    acceptConnect(c, { properties: { maximumPacketSize: 300 } });
    autoAck(c);
  });
  const pub = spawnBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), '-V', '5', '-q', '1', '-t', 'big/t', '-l', '--reconnect-delay', '0.05'], { timeoutMs: 15_000 });
  pub.child.stdin!.write('one\n');
  await fb.nextConnection();
  await fb.nextConnection();
  pub.child.stdin!.write(`${'x'.repeat(400)}\nthree\nfour\n`);
  pub.child.stdin!.end();
  const r = await pub.exited();
  // the line is refused as it is read, before the reconnect's CONNACK, by the last broker's maximum
  assert.equal(r.stderr, 'Connection lost (the broker closed the connection); reconnecting.\n'
    + 'Error: stdin line 2: the message is 413 bytes; the broker accepts packets of at most 300 bytes.\n'
    + 'Reconnected without a session on the broker: 1 unacknowledged QoS 1/2 message published again (it may arrive twice).\n');
  assert.equal(r.code, 1);
  const second = fb.connections[1]!;
  assert.deepEqual((packets(second, 'publish') as IPublishPacket[]).map((p) => p.payload.toString()), ['one', 'three', 'four']);
  await fb.stop();
});
