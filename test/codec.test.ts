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

/** what mqtt-packet's own parser gives for bytes pushed in one piece */
function reference(bytes: Buffer, version: ProtocolVersion): { packets: Packet[]; errors: string[] } {
  const packets: Packet[] = [];
  const errors: string[] = [];
  const parser = mqtt.parser({ protocolVersion: version });
  parser.on('packet', (p: Packet) => packets.push(p));
  parser.on('error', (e: Error) => errors.push(e.message));
  parser.parse(bytes);
  return { packets, errors };
}

function decodeInChunks(bytes: Buffer, version: ProtocolVersion, size: number, offset = 0): { packets: Packet[]; errors: string[] } {
  const packets: Packet[] = [];
  const errors: string[] = [];
  const d = new Decoder(version, { onPacket: (x) => packets.push(x), onError: (e) => errors.push(e.message) });
  d.push(bytes.subarray(0, offset));
  for (let i = offset; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
  return { packets, errors };
}

const plain = (r: { packets: Packet[]; errors: string[] }) => ({ packets: r.packets.map((p) => ({ ...p })), errors: r.errors });

test('PUBLISH of every shape decodes as mqtt-packet decodes it, split at every byte and in every chunk size', () => {
  for (const version of [3, 4, 5] as ProtocolVersion[]) {
    const packets: Packet[] = [
      { cmd: 'publish', topic: 'a', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
      { cmd: 'publish', topic: 'ünï/✓', payload: Buffer.from('x'), qos: 0, retain: true, dup: false },
      { cmd: 'publish', topic: 't', payload: Buffer.from('q1'), qos: 1, retain: false, dup: true, messageId: 1 },
      { cmd: 'publish', topic: 'long/'.repeat(30), payload: Buffer.alloc(130, 7), qos: 2, retain: true, dup: false, messageId: 65535 },
      { cmd: 'puback', messageId: 9 },
      ...(version === 5 ? [
        { cmd: 'publish', topic: 'p', payload: Buffer.from('props'), qos: 1, retain: false, dup: false, messageId: 3,
          properties: { userProperties: { k: ['v', 'w'] }, contentType: 'text/plain' } },
        { cmd: 'publish', topic: '', payload: Buffer.from('alias'), qos: 0, retain: false, dup: false, properties: { topicAlias: 2 } },
      ] : []),
      { cmd: 'publish', topic: 'end', payload: Buffer.from([0, 0xff, 0x0a]), qos: 0, retain: false, dup: false },
    ] as Packet[];
    const bytes = Buffer.concat(packets.map((p) => mqtt.generate(p, { protocolVersion: version })));
    const expected = plain(reference(bytes, version));
    assert.equal(expected.packets.length, packets.length);
    for (let size = 1; size <= bytes.length; size += size < 40 ? 1 : 13) {
      for (let offset = 0; offset < Math.min(size, 40); offset++) {
        assert.deepEqual(plain(decodeInChunks(bytes, version, size, offset)), expected, `v${version} offset ${offset} chunks of ${size}`);
      }
    }
  }
});

test('a PUBLISH larger than many socket chunks arrives whole (payload bytes intact, 4-byte remaining length)', () => {
  const payload = Buffer.alloc(3_000_000);
  for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
  const big = { cmd: 'publish', topic: 'big', payload, qos: 1, retain: false, dup: false, messageId: 5 } as Packet;
  const bytes = Buffer.concat([encode(big, 4), encode({ cmd: 'puback', messageId: 6 } as Packet, 4)]);
  assert.equal(bytes[4]! & 0x80, 0); // the remaining length takes 4 bytes
  for (const size of [1000, 65536, 3_000_011]) {
    const got = decodeInChunks(bytes, 4, size);
    assert.deepEqual(got.errors, []);
    assert.equal(got.packets.length, 2, `chunks of ${size}`);
    assert.ok((got.packets[0] as { payload: Buffer }).payload.equals(payload), `chunks of ${size}`);
    assert.equal((got.packets[1] as { messageId: number }).messageId, 6);
  }
});

test('malformed bytes give mqtt-packet\'s error, whole or split', () => {
  const cases: [string, Buffer][] = [
    ['reserved packet type flags', Buffer.from([0xf0, 0x00])],
    ['QoS 3', Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])],
    ['topic longer than the packet', Buffer.from([0x30, 0x03, 0x00, 0x09, 0x61])],
    ['remaining length over 4 bytes', Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
  ];
  for (const [what, bad] of cases) {
    const ok = mqtt.generate({ cmd: 'puback', messageId: 1 } as Packet, { protocolVersion: 4 });
    const bytes = Buffer.concat([ok, bad]);
    const expected = plain(reference(bytes, 4));
    assert.ok(expected.errors.length > 0, what);
    for (const size of [1, 2, 3, bytes.length]) {
      const got = plain(decodeInChunks(bytes, 4, size));
      assert.deepEqual(got.packets, expected.packets, `${what}, chunks of ${size}`);
      assert.equal(got.errors[0], expected.errors[0], `${what}, chunks of ${size}`);
    }
  }
});
