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

test('acknowledgements encode byte for byte like mqtt-packet, and MQTT 5 success acks in the short form', () => {
  for (const version of [3, 4, 5] as ProtocolVersion[]) {
    for (const cmd of ['puback', 'pubrec', 'pubrel', 'pubcomp'] as const) {
      for (const messageId of [1, 255, 256, 258, 65535]) {
        const p = { cmd, messageId, reasonCode: 0 } as Packet;
        assert.deepEqual(encode(p, version), mqtt.generate(p, { protocolVersion: version }), `v${version} ${cmd} ${messageId}`);
      }
      // no reason code at all: mqtt-packet writes "0, no properties" in MQTT 5; the spec's short form is 4 bytes
      const short = encode({ cmd, messageId: 258 } as Packet, version);
      assert.equal(short.toString('hex'), `${{ puback: '40', pubrec: '50', pubrel: '62', pubcomp: '70' }[cmd]}020102`);
    }
    // a failure reason code or properties still go through mqtt-packet
    const refused = { cmd: 'pubrel', messageId: 9, reasonCode: 0x92 } as Packet;
    assert.deepEqual(encode(refused, 5), mqtt.generate(refused, { protocolVersion: 5 }));
    assert.equal(encode(refused, 5).toString('hex'), '620400099200'); // id 9, 0x92, no properties
  }
});

test('the decoder gives the packets mqtt-packet gives for a mixed stream, split at every byte and in every chunk size', () => {
  for (const version of [4, 5] as ProtocolVersion[]) {
    const packets: Packet[] = [
      { cmd: 'puback', messageId: 1 }, { cmd: 'pubrec', messageId: 2 }, { cmd: 'pubrel', messageId: 3 },
      { cmd: 'publish', topic: 'a/b', payload: Buffer.from([0x40, 2, 0, 1]), qos: 1, retain: false, dup: false, messageId: 4 },
      { cmd: 'pubcomp', messageId: 65535 }, { cmd: 'pingresp' },
      ...(version === 5 ? [{ cmd: 'puback', messageId: 5, reasonCode: 0x87, properties: { reasonString: 'no' } }] : []),
      { cmd: 'puback', messageId: 6 }, { cmd: 'suback', messageId: 7, granted: [0, 1] },
      { cmd: 'pubcomp', messageId: 8 },
    ] as Packet[];
    const bytes = Buffer.concat(packets.map((p) => mqtt.generate(p, { protocolVersion: version })));
    const expected: Packet[] = [];
    const reference = mqtt.parser({ protocolVersion: version });
    reference.on('packet', (p: Packet) => expected.push(p));
    reference.parse(bytes);
    assert.equal(expected.length, packets.length);
    for (let size = 1; size <= bytes.length; size++) {
      for (let offset = 0; offset < size; offset++) {
        const got: Packet[] = [];
        const d = new Decoder(version, { onPacket: (x) => got.push(x), onError: (e) => assert.fail(e) });
        d.push(bytes.subarray(0, offset));
        for (let i = offset; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
        // same fields and values (mqtt-packet's objects are instances of its Packet class)
        assert.deepEqual(got.map((p) => ({ ...p })), expected.map((p) => ({ ...p })), `v${version} offset ${offset} chunks of ${size}`);
      }
    }
  }
});
