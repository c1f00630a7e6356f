import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt-packet';
import { encode, Decoder, type Packet, type ProtocolVersion } from '../src/protocol/codec.ts';

test('the PUBLISH fast path encodes byte for byte like mqtt-packet', () => {
  const payloads = [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(200, 1), Buffer.alloc(20_000, 2), Buffer.alloc(2_100_000, 3)];
  for (const version of [3, 4, 5] as ProtocolVersion[]) {
    for (const payload of payloads) {
      for (const qos of [0, 1, 2] as const) {
        for (const topic of ['a', 'plant/line1/temp', 'ünïcødé/✓', 'x'.repeat(300)]) {
          const p = { cmd: 'publish', topic, payload, qos, retain: qos === 1, dup: qos === 2, messageId: qos ? 65535 : undefined } as Packet;
          const ours = encode(p, version);
          const theirs = mqtt.generate(p, { protocolVersion: version });
          assert.ok(ours.equals(theirs), `v${version} q${qos} ${topic.slice(0, 10)} ${payload.length} bytes`);
        }
      }
    }
  }
});

test('the decoder reads what the encoder wrote, split at every byte', () => {
  const p = { cmd: 'publish', topic: 't/1', payload: Buffer.from('hello'), qos: 1, retain: false, dup: false, messageId: 7 } as Packet;
  const bytes = Buffer.concat([encode(p, 4), encode({ ...p, messageId: 8 } as Packet, 4)]);
  const got: Packet[] = [];
  const d = new Decoder(4, { onPacket: (x) => got.push(x), onError: (e) => assert.fail(e) });
  for (let i = 0; i < bytes.length; i++) d.push(bytes.subarray(i, i + 1));
  assert.deepEqual(got.map((x) => (x as { messageId: number }).messageId), [7, 8]);
  assert.equal(((got[0] as { payload: Buffer }).payload).toString(), 'hello');
});
