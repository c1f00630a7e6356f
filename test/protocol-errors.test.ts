// Malformed packets and protocol errors from the broker, through the real binaries against the
// scripted fake broker: one `Error: protocol error from the broker: ...` line naming the defect and
// the spec rule, exit 1, no reconnect; MQTT 5 sends a DISCONNECT with the reason code before closing
// (0x81 malformed packet, 0x82 protocol error, 0x94 topic alias invalid) [MQTT-4.13.1].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker, acceptConnect, autoAck, type FakeConn } from './helpers/fake-broker.ts';
import { runBin } from './helpers/run-bin.ts';
import { FAST_RECONNECT, opts, tcp } from './helpers/session-helpers.ts';
import { Client } from '../src/session/client.ts';
import { ProtocolError } from '../src/session/errors.ts';
import type { Packet } from '../src/protocol/codec.ts';

type V = 4 | 5;
const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

/** first byte, remaining length, body */
function raw(first: number, body: Buffer): Buffer {
  const len: number[] = [];
  let n = body.length;
  do { len.push((n % 128) | (n >= 128 ? 0x80 : 0)); n = Math.floor(n / 128); } while (n > 0);
  return Buffer.concat([Buffer.from([first, ...len]), body]);
}

/** a PUBLISH: topic bytes, packet id (omitted when undefined), v5 property bytes, payload */
function publish(v: V, first: number, topic: Buffer | string, id: number | undefined, payload: string, props = ''): Buffer {
  const t = typeof topic === 'string' ? Buffer.from(topic) : topic;
  const idBytes = id === undefined ? Buffer.alloc(0) : Buffer.from([id >> 8, id & 0xff]);
  const p = hex(props);
  const propBytes = v === 5 ? Buffer.concat([Buffer.from([p.length]), p]) : Buffer.alloc(0);
  return raw(first, Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, idBytes, propBytes, Buffer.from(payload)]));
}

interface Case {
  what: string;
  versions: V[];
  tool: 'tssub' | 'tspub';
  args?: string[];
  /** what the broker does once the CONNECT has arrived */
  broker(c: FakeConn, v: V): Promise<void>;
  error(v: V): string;
  /** the v5 DISCONNECT's reason code */
  reason: number;
  stdout?: string;
}

const good = (v: V): Buffer => publish(v, 0x30, 'a', undefined, 'ok');

/** a subscriber's broker: a good message, the bad bytes and another good one in one write (the last must not be printed) */
function toSubscriber(bad: (v: V) => Buffer, suback?: (p: Packet & { cmd: 'subscribe' }) => number[]) {
  return async (c: FakeConn, v: V): Promise<void> => {
    acceptConnect(c);
    autoAck(c, { suback: suback ?? true });
    await c.next('subscribe');
    c.sendRaw(Buffer.concat([good(v), bad(v), good(v)]));
  };
}

/** a publisher's broker: answers its QoS 1/2 PUBLISH (packet id id) with bad bytes */
function toPublisher(bad: (v: V, id: number) => Buffer) {
  return async (c: FakeConn, v: V): Promise<void> => {
    acceptConnect(c);
    autoAck(c, { puback: false, qos2: false });
    const p = await c.next('publish');
    c.sendRaw(bad(v, p.messageId!));
  };
}

const id2 = (id: number): string => id.toString(16).padStart(4, '0');
const utf8Rule = (v: V, n: number): string => (v === 5 ? `[MQTT-1.5.4-${n}]` : `[MQTT-1.5.3-${n}]`);

const CASES: Case[] = [
  { what: 'PUBLISH with an empty topic', versions: [4, 5], tool: 'tssub', reason: 0x82,
    broker: toSubscriber((v) => publish(v, 0x30, '', undefined, 'x')),
    error: (v) => `PUBLISH with an empty topic${v === 5 ? ' and no topic alias' : ''} [MQTT-4.7.3-1]` },
  { what: 'a bad PUBLISH in the CONNACK\'s write, before the SUBSCRIBE (the error, not "not connected")', versions: [4, 5], tool: 'tssub', reason: 0x82, stdout: '',
    broker: async (c, v) => { c.sendRaw(Buffer.concat([v === 5 ? hex('2003 0000 00') : hex('2002 0000'), publish(v, 0x30, '', undefined, 'x')])); },
    error: (v) => `PUBLISH with an empty topic${v === 5 ? ' and no topic alias' : ''} [MQTT-4.7.3-1]` },
  { what: 'QoS 1 PUBLISH with packet id 0', versions: [4, 5], tool: 'tssub', reason: 0x82,
    broker: toSubscriber((v) => publish(v, 0x32, 'a', 0, 'x')),
    error: (v) => `QoS 1 PUBLISH with packet id 0 ${v === 5 ? '[MQTT-2.2.1-4]' : '[MQTT-2.3.1-1]'}` },
  { what: 'QoS 2 PUBLISH without a packet id', versions: [4, 5], tool: 'tssub', reason: 0x81,
    broker: toSubscriber(() => raw(0x34, hex('0001 61'))),
    error: () => 'QoS 2 PUBLISH without a packet id [MQTT-3.3.2.2]' },
  { what: 'a topic of ill-formed UTF-8', versions: [4, 5], tool: 'tssub', reason: 0x81,
    broker: toSubscriber((v) => publish(v, 0x30, hex('61c328'), undefined, 'x')),
    error: (v) => `PUBLISH with a topic that is not well-formed UTF-8 (bytes 61c328) ${utf8Rule(v, 1)}` },
  { what: 'U+0000 in a topic', versions: [4, 5], tool: 'tssub', reason: 0x81,
    broker: toSubscriber((v) => publish(v, 0x30, hex('610062'), undefined, 'x')),
    error: (v) => `PUBLISH with U+0000 in its topic "a\\u0000b" ${utf8Rule(v, 2)}` },
  { what: 'a wildcard + in a topic', versions: [4, 5], tool: 'tssub', reason: 0x82,
    broker: toSubscriber((v) => publish(v, 0x30, 'a/+', undefined, 'x')),
    error: () => 'PUBLISH with a wildcard (+ or #) in its topic "a/+" [MQTT-3.3.2-2]' },
  { what: 'a wildcard # in a topic', versions: [4, 5], tool: 'tssub', reason: 0x82,
    broker: toSubscriber((v) => publish(v, 0x30, 'a/#', undefined, 'x')),
    error: () => 'PUBLISH with a wildcard (+ or #) in its topic "a/#" [MQTT-3.3.2-2]' },
  { what: 'topic alias 0', versions: [5], tool: 'tssub', reason: 0x82,
    broker: toSubscriber((v) => publish(v, 0x30, 'a', undefined, 'x', '23 0000')),
    error: () => 'PUBLISH with topic alias 0 [MQTT-3.3.2-8]' },
  { what: 'a topic alias when we sent no topic alias maximum', versions: [5], tool: 'tssub', reason: 0x94,
    broker: toSubscriber((v) => publish(v, 0x30, 'a', undefined, 'x', '23 0001')),
    error: () => 'PUBLISH with topic alias 1, above the topic alias maximum 0 of our CONNECT [MQTT-3.3.2-11]' },
  { what: 'a topic alias above the maximum we sent (after one within it, set and used)', versions: [5], tool: 'tssub', reason: 0x94,
    args: ['-D', 'connect', 'topic-alias-maximum', '2'], stdout: 'ok\none\ntwo\n',
    broker: toSubscriber((v) => Buffer.concat([
      publish(v, 0x30, 'a', undefined, 'one', '23 0002'), publish(v, 0x30, '', undefined, 'two', '23 0002'),
      publish(v, 0x30, 'a', undefined, 'x', '23 0003')])),
    error: () => 'PUBLISH with topic alias 3, above the topic alias maximum 2 of our CONNECT [MQTT-3.3.2-11]' },
  { what: 'a topic alias the broker never set', versions: [5], tool: 'tssub', reason: 0x82, args: ['-D', 'connect', 'topic-alias-maximum', '2'],
    broker: toSubscriber((v) => publish(v, 0x30, '', undefined, 'x', '23 0002')),
    error: () => 'PUBLISH with an empty topic and topic alias 2, which the broker never set [MQTT-3.3.2.3.4]' },
  { what: 'PUBREL with wrong fixed-header flags', versions: [4, 5], tool: 'tssub', reason: 0x81, stdout: 'ok\nq2\n',
    broker: async (c, v) => {
      acceptConnect(c);
      autoAck(c);
      await c.next('subscribe');
      c.sendRaw(Buffer.concat([good(v), publish(v, 0x34, 'a', 7, 'q2')]));
      await c.next('pubrec');
      c.sendRaw(hex('6002 0007'));
    },
    error: () => 'PUBREL with fixed-header flags 0x00 (must be 0x02) [MQTT-3.6.1-1]' },
  { what: 'SUBACK with fewer codes than filters', versions: [4, 5], tool: 'tssub', reason: 0x82, args: ['-t', 'b'], stdout: '',
    broker: async (c) => { acceptConnect(c); autoAck(c, { suback: () => [0] }); await c.closed; },
    error: (v) => (v === 5
      ? 'SUBACK with 1 reason code for a SUBSCRIBE of 2 topic filters [MQTT-3.8.4-6]'
      : 'SUBACK with 1 return code for a SUBSCRIBE of 2 topic filters [MQTT-3.8.4-5]') },
  { what: 'UNSUBACK with fewer codes than filters', versions: [5], tool: 'tssub', reason: 0x82, args: ['-U', 'x', '-U', 'y'], stdout: '',
    broker: async (c) => {
      acceptConnect(c);
      autoAck(c, { unsuback: false });
      const u = await c.next('unsubscribe');
      c.send({ cmd: 'unsuback', messageId: u.messageId, granted: [0] } as Packet);
    },
    error: () => 'UNSUBACK with 1 reason code for an UNSUBSCRIBE of 2 topic filters [MQTT-3.11.3-1]' },
  { what: 'UNSUBACK of 3 bytes', versions: [4], tool: 'tssub', reason: 0x81, args: ['-U', 'x'], stdout: '',
    broker: async (c) => {
      acceptConnect(c);
      autoAck(c, { unsuback: false });
      const u = await c.next('unsubscribe');
      c.sendRaw(hex(`b003 ${id2(u.messageId!)} 00`));
    },
    error: () => 'UNSUBACK with a remaining length of 3 (must be 2) [MQTT-3.11.1]' },
  { what: 'an empty CONNACK', versions: [4, 5], tool: 'tspub', reason: 0x81,
    broker: async (c) => { c.sendRaw(hex('2000')); },
    error: (v) => (v === 5
      ? 'CONNACK with a remaining length of 0 (at least 3: flags, reason code, property length) [MQTT-3.2.2]'
      : 'CONNACK with a remaining length of 0 (must be 2) [MQTT-3.2.1]') },
  // with -i: the first CONNECT has Clean Start 1 (MQTT 5 without -i starts its kept session with Clean Start 0)
  { what: 'session present answering a clean CONNECT', versions: [4, 5], tool: 'tspub', reason: 0x82, args: ['-i', 'clean-one'],
    broker: async (c) => { acceptConnect(c, { sessionPresent: true }); },
    error: (v) => (v === 5
      ? 'CONNACK with session present 1 answering a CONNECT with clean start [MQTT-3.2.2-4]'
      : 'CONNACK with session present 1 answering a CONNECT with clean session [MQTT-3.2.2-1]') },
  { what: 'a packet before CONNACK', versions: [4, 5], tool: 'tspub', reason: 0x82,
    broker: async (c) => { c.sendRaw(hex('d000')); },
    error: () => 'PINGRESP before CONNACK [MQTT-3.2.0-1]' },
  { what: 'a CONNACK with a property it cannot carry', versions: [5], tool: 'tspub', reason: 0x81,
    broker: async (c) => { c.sendRaw(hex('2006 0000 03 230001')); },
    error: () => 'CONNACK with property topic-alias, which a CONNACK cannot carry [MQTT-2.2.2.2]' },
  { what: 'PUBACK of the wrong length', versions: [4, 5], tool: 'tspub', reason: 0x81,
    broker: toPublisher((v, id) => (v === 5 ? hex('4001 00') : hex(`4003 ${id2(id)} 00`))),
    error: (v) => (v === 5
      ? 'PUBACK with a remaining length of 1, too short for its packet id [MQTT-3.4.2]'
      : 'PUBACK with a remaining length of 3 (must be 2) [MQTT-3.4.1]') },
  { what: 'PUBACK with packet id 0', versions: [4, 5], tool: 'tspub', reason: 0x82,
    broker: toPublisher(() => hex('4002 0000')),
    error: (v) => `PUBACK with packet id 0 ${v === 5 ? '[MQTT-2.2.1-5]' : '[MQTT-2.3.1-6]'}` },
  { what: 'PUBACK with a reason code PUBACK does not have', versions: [5], tool: 'tspub', reason: 0x82,
    broker: toPublisher((v, id) => hex(`4003 ${id2(id)} 05`)),
    error: () => 'PUBACK with reason code 0x05, which is not a PUBACK reason code [MQTT-3.4.2-1]' },
  { what: 'PUBREC of the wrong length', versions: [4, 5], tool: 'tspub', reason: 0x81, args: ['-q', '2'],
    broker: toPublisher((v, id) => (v === 5 ? hex('5000') : hex(`5003 ${id2(id)} 00`))),
    error: (v) => (v === 5
      ? 'PUBREC with a remaining length of 0, too short for its packet id [MQTT-3.5.2]'
      : 'PUBREC with a remaining length of 3 (must be 2) [MQTT-3.5.1]') },
  { what: 'PUBCOMP of the wrong length', versions: [4, 5], tool: 'tspub', reason: 0x81, args: ['-q', '2'],
    broker: async (c, v) => {
      acceptConnect(c);
      const p = await c.next('publish');
      c.send({ cmd: 'pubrec', messageId: p.messageId! });
      await c.next('pubrel');
      c.sendRaw(v === 5 ? hex('7001 00') : hex(`7004 ${id2(p.messageId!)} 0000`));
    },
    error: (v) => (v === 5
      ? 'PUBCOMP with a remaining length of 1, too short for its packet id [MQTT-3.7.2]'
      : 'PUBCOMP with a remaining length of 4 (must be 2) [MQTT-3.7.1]') },
];

const BASE_ARGS = { tssub: ['-t', 'a'], tspub: ['-t', 'a', '-m', 'x', '-q', '1'] };

for (const c of CASES) {
  test(`protocol error: ${c.what} (${c.tool})`, async () => {
    for (const v of c.versions) {
      const fb = await startFakeBroker((conn) => c.broker(conn, v));
      try {
        const r = await runBin(c.tool, ['-p', String(fb.port), '-V', v === 5 ? '5' : '311', '-k', '5', ...BASE_ARGS[c.tool], ...(c.args ?? [])], { timeoutMs: 10_000 });
        const where = `v${v}`;
        assert.equal(r.stderr, `Error: protocol error from the broker: ${c.error(v)}\n`, where);
        assert.equal(r.code, 1, where);
        assert.equal(r.out, c.stdout ?? (c.tool === 'tssub' ? 'ok\n' : ''), where);
        assert.equal(fb.connections.length, 1, `${where}: no reconnect`);
        const conn = fb.connections[0]!;
        await conn.closed;
        const last = conn.received.at(-1)!;
        if (v === 5) assert.deepEqual([last.cmd, (last as { reasonCode?: number }).reasonCode], ['disconnect', c.reason], where);
        else assert.notEqual(last.cmd, 'disconnect', `${where}: MQTT 3.1.1 closes without DISCONNECT`);
        assert.deepEqual(fb.errors, [], where);
      } finally {
        await fb.stop();
      }
    }
  });
}

test('a protocol error while reconnecting ends the client instead of retrying', async () => {
  const fb = await startFakeBroker((c) => {
    if (fb.connections.length === 1) { acceptConnect(c); setTimeout(() => c.close(), 50); } else c.sendRaw(hex('2000'));
  });
  try {
    const client = new Client(opts(tcp(fb.port)), { ...FAST_RECONNECT, retryFirstConnect: false });
    const closed = new Promise<Error | undefined>((r) => client.once('close', r));
    await client.connect();
    const err = await closed;
    assert.ok(err instanceof ProtocolError, String(err));
    assert.equal(err.message, 'protocol error from the broker: CONNACK with a remaining length of 0 (must be 2) [MQTT-3.2.1]');
    await new Promise((r) => setTimeout(r, 700)); // more than twice the policy's longest delay
    assert.equal(fb.connections.length, 2);
  } finally {
    await fb.stop();
  }
});
