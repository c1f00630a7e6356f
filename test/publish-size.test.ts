// MQTT's size limit is on the remaining length (268,435,455 bytes): topic, packet id and properties
// count too. The encoder's fast path refuses what mqtt-packet refuses; publishSize() measures a
// PUBLISH without encoding its payload; oversize() is the one check the connection and tspub use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt-packet';
import { encode, publishSize, MAX_REMAINING_LENGTH, type IPublishPacket, type ProtocolVersion } from '../src/protocol/codec.ts';
import { oversize } from '../src/session/publish-size.ts';

const refusal = (f: () => unknown): string => {
  try { f(); } catch (e) { return (e as Error).message; }
  return 'no error';
};

test('the fast path refuses a QoS 1/2 PUBLISH without packet id and an oversize one, as mqtt-packet does', () => {
  for (const version of [4, 5] as ProtocolVersion[]) {
    for (const qos of [1, 2] as const) {
      const p: IPublishPacket = { cmd: 'publish', topic: 'a', payload: Buffer.from('x'), qos, retain: false, dup: false };
      assert.equal(refusal(() => encode(p, version)), 'Invalid messageId');
      assert.equal(refusal(() => mqtt.generate({ ...p, properties: { contentType: 't' } }, { protocolVersion: version })), 'Invalid messageId');
    }
    // one byte over the limit: 2 + 1 (topic) + 2 (id) [+ 1 property length] + payload
    const payloadLen = MAX_REMAINING_LENGTH - (version === 5 ? 6 : 5) + 1;
    const big: IPublishPacket = { cmd: 'publish', topic: 'a', payload: Buffer.allocUnsafe(payloadLen), qos: 1, messageId: 7, retain: false, dup: false };
    assert.equal(refusal(() => encode(big, version)), `Invalid variable byte integer: ${MAX_REMAINING_LENGTH + 1}`);
    assert.equal(publishSize(big, version).remaining, MAX_REMAINING_LENGTH + 1);
  }
});

test('publishSize() is the encoded length, with and without properties, at every QoS and version', () => {
  const shapes: IPublishPacket[] = [
    { cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    { cmd: 'publish', topic: 'ü/€', payload: Buffer.alloc(127), qos: 1, messageId: 1, retain: true, dup: false },
    { cmd: 'publish', topic: 't', payload: Buffer.alloc(16_380), qos: 2, messageId: 65535, retain: false, dup: true },
    { cmd: 'publish', topic: 't', payload: 'text', qos: 0, retain: false, dup: false },
    { cmd: 'publish', topic: 'p', payload: Buffer.alloc(2_097_140), qos: 1, messageId: 9, retain: false, dup: false,
      properties: { contentType: 'application/json', userProperties: { k: ['v', 'w'] }, correlationData: Buffer.from('id') } },
  ];
  for (const version of [3, 4, 5] as ProtocolVersion[]) {
    for (const p of shapes) {
      if (version !== 5 && p.properties) continue;
      const bytes = encode(p, version);
      const size = publishSize(p, version);
      assert.equal(size.total, bytes.length, `${p.topic} v${version}`);
      assert.equal(size.remaining, bytes.length - 1 - (size.remaining < 128 ? 1 : size.remaining < 16_384 ? 2 : size.remaining < 2_097_152 ? 3 : 4));
    }
  }
});

test('oversize(): MQTT\'s limit and the broker\'s maximum packet size, on the whole packet', () => {
  const msg = (payloadLen: number, topic = 'big/f') => ({ topic, payload: Buffer.allocUnsafe(payloadLen), qos: 1 as const, retain: false });
  // `truncate -s 268435447 f; tspub -t big/f -q 1 -f f`: 2 + 5 + 2 + 268435447 = one byte over
  assert.deepEqual(oversize(msg(268_435_447), 4, undefined), { size: 268_435_456, by: 'mqtt', limit: MAX_REMAINING_LENGTH });
  assert.equal(oversize(msg(268_435_446), 4, undefined), undefined);
  assert.deepEqual(oversize(msg(268_435_446), 5, undefined)?.by, 'mqtt');
  // a 1024-byte maximum: 1 + 2 (length) + 2 + 5 + 2 + 1 + payload
  assert.equal(oversize(msg(1011), 5, 1024), undefined);
  assert.deepEqual(oversize(msg(1012), 5, 1024), { size: 1025, by: 'broker', limit: 1024 });
  // properties count, measured once per properties object
  const props = { userProperties: { k: 'v'.repeat(100) } };
  assert.equal(oversize({ ...msg(900), properties: props }, 5, 1024), undefined);
  assert.equal(oversize({ ...msg(950), properties: props }, 5, 1024)?.by, 'broker');
});
