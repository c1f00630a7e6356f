import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt-packet';
import { encode, Decoder, PacketError, userPropertyList, type Packet, type ProtocolVersion } from '../src/protocol/codec.ts';

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
  parser.on('packet', (p: Packet) => {
    // ours also carries the user properties of a PUBLISH in packet order (here: mqtt-packet's order too)
    if (p.cmd === 'publish' && p.properties?.userProperties) (p.properties as Record<string, unknown>).userPropertyList = userPropertyList(p.properties);
    packets.push(p);
  });
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

const propsOf = (p: Packet | undefined): object | undefined => (p as { properties?: object } | undefined)?.properties;

test('user properties keep their packet order both ways (mqtt-packet groups them by key)', () => {
  const list = [['k', 'a'], ['z', 'c'], ['k', 'b'], ['ü', '✓'], ['', '']] as const;
  const pair = (k: string, v: string): Buffer => Buffer.concat([Buffer.from([0x26]), str(k), str(v)]);
  const str = (x: string): Buffer => { const b = Buffer.from(x); return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]); };
  const props = Buffer.concat([Buffer.from([0x03]), str('c'), ...list.map(([k, v]) => pair(k, v))]);
  const body = Buffer.concat([str('t'), Buffer.from([0, 7, props.length]), props, Buffer.from('x')]);
  const expected = Buffer.concat([Buffer.from([0x32, body.length]), body]);
  const packet = { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 1, messageId: 7, retain: false, dup: false,
    properties: { contentType: 'c', userPropertyList: list } } as unknown as Packet;
  assert.deepEqual(encode(packet, 5), expected);
  const got = decodeInChunks(expected, 5, 3);
  assert.deepEqual(got.errors, []);
  assert.deepEqual(userPropertyList(propsOf(got.packets[0])), list);
  assert.deepEqual({ ...(propsOf(reference(expected, 5).packets[0]) as { userProperties?: object }).userProperties }, { k: ['a', 'b'], z: 'c', 'ü': '✓', '': '' });
  // a list longer than one placeholder value can span (65,535 bytes) encodes and decodes whole
  const long = Array.from({ length: 3000 }, (_, i) => [`key${i}`, 'v'.repeat(30)] as const);
  const big = encode({ ...packet, properties: { userPropertyList: long } } as unknown as Packet, 5);
  assert.deepEqual(userPropertyList(propsOf(decodeInChunks(big, 5, 1000).packets[0])), long);
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

test('v5 packets with every property a broker sends decode as mqtt-packet decodes them (the checks refuse none)', () => {
  const user = { userProperties: { k: ['v', 'w'], 'ü': 'ß' } };
  const packets: Packet[] = [
    { cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: {
      sessionExpiryInterval: 600, receiveMaximum: 20, maximumQoS: 1, retainAvailable: true, maximumPacketSize: 1000,
      assignedClientIdentifier: 'auto-1', topicAliasMaximum: 10, reasonString: 'ok', wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: false, sharedSubscriptionAvailable: true, serverKeepAlive: 30,
      responseInformation: 'resp/', serverReference: 'other:1883', ...user } },
    { cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, messageId: 3, properties: {
      payloadFormatIndicator: true, messageExpiryInterval: 60, topicAlias: 1, responseTopic: 'r/1', correlationData: Buffer.from([0, 0xff]),
      subscriptionIdentifier: [1, 268435455], contentType: 'text/plain', ...user } },
    { cmd: 'puback', messageId: 3, reasonCode: 0x10, properties: { reasonString: 'nobody', ...user } },
    { cmd: 'pubrec', messageId: 4, reasonCode: 0x80 },
    { cmd: 'pubrel', messageId: 4, reasonCode: 0x92, properties: { reasonString: 'gone' } },
    { cmd: 'pubcomp', messageId: 4, reasonCode: 0 },
    { cmd: 'suback', messageId: 5, granted: [0, 1, 2, 0x80, 0x87, 0xa2], properties: { reasonString: 'some', ...user } },
    { cmd: 'unsuback', messageId: 6, granted: [0, 0x11], properties: { reasonString: 'done' } },
    { cmd: 'disconnect', reasonCode: 0x8b, properties: { reasonString: 'bye', serverReference: 'b:1', sessionExpiryInterval: 0, ...user } },
    { cmd: 'disconnect', reasonCode: 0 },
  ] as Packet[];
  const bytes = Buffer.concat(packets.map((p) => mqtt.generate(p, { protocolVersion: 5 })));
  const expected = plain(reference(bytes, 5));
  assert.equal(expected.packets.length, packets.length);
  for (const size of [1, 7, bytes.length]) assert.deepEqual(plain(decodeInChunks(bytes, 5, size)), expected, `chunks of ${size}`);
});

const h = (hex: string) => Buffer.from(hex.replace(/ /g, ''), 'hex');

/** [what, version, bytes, the error, its v5 DISCONNECT reason code] */
const MALFORMED: [string, ProtocolVersion, Buffer, string, number][] = [
  ['AUTH in 3.1.1', 4, h('f000'), 'a packet of reserved type 15 (AUTH exists only in MQTT 5) [MQTT-2.2.1]', 0x81],
  ['type 0', 5, h('0000'), 'a packet of reserved type 0 [MQTT-2.1.2]', 0x81],
  ['QoS 3', 4, h('3605 0001 61 0001'), 'PUBLISH with QoS 3 [MQTT-3.3.1-4]', 0x81],
  ['topic longer than the packet', 4, h('3003 0009 61'), 'PUBLISH whose topic (9 bytes) runs past the end of the packet [MQTT-3.3.2.1]', 0x81],
  ['remaining length over 4 bytes', 4, h('30ffffffff01'), 'a remaining length of more than 4 bytes [MQTT-2.2.3]', 0x81],
  ['empty topic', 4, h('3002 0000'), 'PUBLISH with an empty topic [MQTT-4.7.3-1]', 0x82],
  ['empty topic, v5', 5, h('3003 0000 00'), 'PUBLISH with an empty topic and no topic alias [MQTT-4.7.3-1]', 0x82],
  ['empty topic, v5 properties but no alias', 5, h('3005 0000 02 0101'), 'PUBLISH with an empty topic and no topic alias [MQTT-4.7.3-1]', 0x82],
  ['QoS 1 packet id 0', 4, h('3205 0001 61 0000'), 'QoS 1 PUBLISH with packet id 0 [MQTT-2.3.1-1]', 0x82],
  ['QoS 2 packet id 0, v5', 5, h('3406 0001 61 0000 00'), 'QoS 2 PUBLISH with packet id 0 [MQTT-2.2.1-4]', 0x82],
  ['QoS 1 without packet id', 4, h('3203 0001 61'), 'QoS 1 PUBLISH without a packet id [MQTT-3.3.2.2]', 0x81],
  ['ill-formed UTF-8', 4, h('3005 0003 61ff62'), 'PUBLISH with a topic that is not well-formed UTF-8 (bytes 61ff62) [MQTT-1.5.3-1]', 0x81],
  ['a surrogate, v5', 5, h('3006 0003 eda080 00'), 'PUBLISH with a topic that is not well-formed UTF-8 (bytes eda080) [MQTT-1.5.4-1]', 0x81],
  ['U+0000', 4, h('3005 0003 610062'), 'PUBLISH with U+0000 in its topic "a\\u0000b" [MQTT-1.5.3-2]', 0x81],
  ['+ in the topic', 4, h('3005 0003 612f2b'), 'PUBLISH with a wildcard (+ or #) in its topic "a/+" [MQTT-3.3.2-2]', 0x82],
  ['# in the topic, v5 with properties', 5, h('3004 0001 23 00'), 'PUBLISH with a wildcard (+ or #) in its topic "#" [MQTT-3.3.2-2]', 0x82],
  ['empty CONNACK', 4, h('2000'), 'CONNACK with a remaining length of 0 (must be 2) [MQTT-3.2.1]', 0x81],
  ['empty CONNACK, v5', 5, h('2000'), 'CONNACK with a remaining length of 0 (at least 3: flags, reason code, property length) [MQTT-3.2.2]', 0x81],
  ['CONNACK flags', 4, h('2002 0200'), 'CONNACK with reserved flag bits set (0x02) [MQTT-3.2.2.1]', 0x81],
  ['v5 CONNACK without property length', 5, h('2002 0000'), 'CONNACK without a property length [MQTT-2.2.2-1]', 0x81],
  ['v5 CONNACK reason code 0x05', 5, h('2003 000500'), 'CONNACK with reason code 0x05, which is not a CONNACK reason code [MQTT-3.2.2-8]', 0x82],
  ['v5 CONNACK with a topic alias', 5, h('2006 0000 03 230001'), 'CONNACK with property topic-alias, which a CONNACK cannot carry [MQTT-2.2.2.2]', 0x81],
  ['v5 CONNACK receive maximum twice', 5, h('2009 0000 06 210005 210006'), 'CONNACK with property receive-maximum more than once [MQTT-2.2.2.2]', 0x82],
  ['v5 CONNACK receive maximum 0', 5, h('2006 0000 03 210000'), 'CONNACK with receive-maximum 0 [MQTT-2.2.2.2]', 0x82],
  ['v5 CONNACK unknown property', 5, h('2005 0000 02 0500'), 'CONNACK with unknown property 0x05 [MQTT-2.2.2.2]', 0x81],
  ['v5 CONNACK bytes after the properties', 5, h('2004 0000 00 00'), 'CONNACK with 1 bytes after its properties [MQTT-3.2.3]', 0x81],
  ['PUBACK of 3 bytes', 4, h('4003 0001 00'), 'PUBACK with a remaining length of 3 (must be 2) [MQTT-3.4.1]', 0x81],
  ['PUBCOMP of 0 bytes', 4, h('7000'), 'PUBCOMP with a remaining length of 0, too short for its packet id [MQTT-3.7.2]', 0x81],
  ['PUBACK packet id 0', 4, h('4002 0000'), 'PUBACK with packet id 0 [MQTT-2.3.1-6]', 0x82],
  ['PUBREC packet id 0, v5', 5, h('5002 0000'), 'PUBREC with packet id 0 [MQTT-2.2.1-5]', 0x82],
  ['PUBREL flags 0', 4, h('6002 0001'), 'PUBREL with fixed-header flags 0x00 (must be 0x02) [MQTT-3.6.1-1]', 0x81],
  ['PUBACK flags 1, v5', 5, h('4102 0001'), 'PUBACK with fixed-header flags 0x01 (must be 0x00) [MQTT-2.1.3-1]', 0x81],
  ['SUBACK flags 1', 4, h('9103 0001 00'), 'SUBACK with fixed-header flags 0x01 (must be 0x00) [MQTT-2.2.2-2]', 0x81],
  ['v5 PUBACK reason code 0x05', 5, h('4003 0001 05'), 'PUBACK with reason code 0x05, which is not a PUBACK reason code [MQTT-3.4.2-1]', 0x82],
  ['v5 PUBCOMP reason code 0x10', 5, h('7003 0001 10'), 'PUBCOMP with reason code 0x10, which is not a PUBCOMP reason code [MQTT-3.7.2-1]', 0x82],
  ['v5 PUBACK properties past the end', 5, h('4005 0001 00 05 1f'), 'PUBACK whose properties (5 bytes) run past the end of the packet [MQTT-2.2.2.1]', 0x81],
  ['v5 PUBACK reason string past its properties', 5, h('4008 0001 00 04 1f 0005 61'), 'PUBACK whose reason-string runs past the end of its properties [MQTT-2.2.2.2]', 0x81],
  ['v5 PUBACK reason string not UTF-8', 5, h('4008 0001 80 04 1f 0001 ff'), 'PUBACK with a reason-string that is not well-formed UTF-8 [MQTT-1.5.4-1]', 0x81],
  ['v5 PUBACK user property with U+0000', 5, h('400b 0001 80 07 26 0001 00 0001 61'), 'PUBACK with a user-property containing U+0000 [MQTT-1.5.4-2]', 0x81],
  ['SUBACK without codes', 4, h('9002 0001'), 'SUBACK without reason codes [MQTT-3.8.4-5]', 0x82],
  ['SUBACK code 0x87 in 3.1.1', 4, h('9003 0001 87'), 'SUBACK with reason code 0x87, which is not a SUBACK reason code [MQTT-3.9.3-2]', 0x82],
  ['v5 SUBACK without codes', 5, h('9003 0001 00'), 'SUBACK without reason codes [MQTT-3.8.4-6]', 0x82],
  ['UNSUBACK of 3 bytes', 4, h('b003 0001 00'), 'UNSUBACK with a remaining length of 3 (must be 2) [MQTT-3.11.1]', 0x81],
  ['v5 UNSUBACK code 0x02', 5, h('b004 0001 00 02'), 'UNSUBACK with reason code 0x02, which is not an UNSUBACK reason code [MQTT-3.11.3-2]', 0x82],
  ['PINGRESP of 1 byte', 4, h('d001 00'), 'PINGRESP with a remaining length of 1 (must be 0) [MQTT-3.13.1]', 0x81],
  ['DISCONNECT of 1 byte in 3.1.1', 4, h('e001 00'), 'DISCONNECT with a remaining length of 1 (must be 0) [MQTT-3.14.1]', 0x81],
  ['v5 DISCONNECT reason code 0x05', 5, h('e001 05'), 'DISCONNECT with reason code 0x05, which is not a DISCONNECT reason code [MQTT-3.14.2-1]', 0x82],
  ['v5 PUBLISH subscription identifier 0', 5, h('3006 0001 61 02 0b00'), 'PUBLISH with subscription-identifier 0 [MQTT-3.3.2.3.8]', 0x82],
  ['v5 PUBLISH payload format indicator 2', 5, h('3006 0001 61 02 0102'), 'PUBLISH with payload-format-indicator 2 (must be 0 or 1) [MQTT-2.2.2.2]', 0x82],
  ['v5 PUBLISH response topic with +', 5, h('3008 0001 61 04 08 0001 2b'), 'PUBLISH with a response-topic containing the wildcards + or # [MQTT-3.3.2-14]', 0x82],
  ['v5 PUBLISH topic alias twice', 5, h('300a 0001 61 06 230001 230002'), 'PUBLISH with property topic-alias more than once [MQTT-2.2.2.2]', 0x82],
  ['v5 PUBLISH property length over 4 bytes', 5, h('3009 0001 61 ffffffff01'), 'PUBLISH with a property length of more than 4 bytes [MQTT-1.5.5]', 0x81],
];

test('malformed packets and protocol errors get one error naming the defect and the rule, whole or split; nothing after it is decoded', () => {
  for (const [what, version, bad, text, reasonCode] of MALFORMED) {
    const ok = mqtt.generate({ cmd: 'puback', messageId: 1 } as Packet, { protocolVersion: version });
    const bytes = Buffer.concat([ok, bad, ok]);
    for (const size of [1, 2, 3, bytes.length]) {
      const packets: Packet[] = [];
      const errors: Error[] = [];
      const d = new Decoder(version, { onPacket: (x) => packets.push(x), onError: (e) => errors.push(e) });
      for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
      assert.deepEqual(packets.map((p) => [p.cmd, (p as { messageId?: number }).messageId]), [['puback', 1]], `${what}, chunks of ${size}`);
      assert.deepEqual(errors.map((e) => [e.message, (e as PacketError).reasonCode]), [[text, reasonCode]], `${what}, chunks of ${size}`);
      assert.ok(errors[0] instanceof PacketError, what);
    }
  }
});

test('what the checks let through is what they must: a v5 alias-only PUBLISH, a v5 refusal in the 3.1.1 layout', () => {
  const cases: [ProtocolVersion, Buffer, string][] = [
    [5, h('3006 0000 03 230001'), 'publish'],
    [3, h('2002 0000'), 'connack'],
    [5, h('2002 0001'), 'connack'],
    [5, h('2002 0084'), 'connack'],
  ];
  for (const [version, bytes, cmd] of cases) {
    const r = decodeInChunks(bytes, version, 1);
    assert.deepEqual([r.errors, r.packets.map((p) => p.cmd)], [[], [cmd]], bytes.toString('hex'));
  }
});

test('a repeated topic is checked once, a changed one again: the same topics as mqtt-packet, then the defect', () => {
  const pub = (topic: string) => mqtt.generate({ cmd: 'publish', topic, payload: Buffer.from('p'), qos: 0, retain: false, dup: false } as Packet, { protocolVersion: 4 });
  const good = ['a/b', 'a/b', 'a/c', 'a/b', 'ü/b', 'ü/b'];
  const bytes = Buffer.concat([...good.map(pub), pub('a/+'), pub('a/b')]);
  for (const size of [1, 5, bytes.length]) {
    const r = decodeInChunks(bytes, 4, size);
    assert.deepEqual(r.packets.map((p) => (p as { topic: string }).topic), good, `chunks of ${size}`);
    assert.deepEqual(r.errors, ['PUBLISH with a wildcard (+ or #) in its topic "a/+" [MQTT-3.3.2-2]'], `chunks of ${size}`);
  }
});

test('an ordered list wins over a grouped userProperties given beside it, and an empty list sends none', () => {
  const base = { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, dup: false } as const;
  const both = encode({ ...base, properties: { userProperties: { k: ['a', 'b'], z: 'c' }, contentType: 'c', userPropertyList: [['k', 'a'], ['z', 'c'], ['k', 'b']] } } as unknown as Packet, 5);
  assert.deepEqual(userPropertyList(propsOf(decodeInChunks(both, 5, 7).packets[0])), [['k', 'a'], ['z', 'c'], ['k', 'b']]);
  assert.equal((propsOf(decodeInChunks(both, 5, 7).packets[0]) as { contentType?: string }).contentType, 'c');
  const none = encode({ ...base, properties: { contentType: 'c', userPropertyList: [] } } as unknown as Packet, 5);
  assert.deepEqual(none, mqtt.generate({ ...base, properties: { contentType: 'c' } }, { protocolVersion: 5 }));
});

test('the repeated-topic shortcut compares bytes: ill-formed UTF-8 after a topic that decodes the same is still refused [MQTT-1.5.3-1]', () => {
  const pub = (topic: Buffer): Buffer => Buffer.concat([Buffer.from([0x30, 2 + topic.length + 1, 0, topic.length]), topic, Buffer.from('x')]);
  const good = pub(Buffer.from('a\uFFFD')); // valid UTF-8 of U+FFFD
  const bad = pub(Buffer.from([0x61, 0xff])); // decodes to the same string, but is ill-formed
  const got = decodeInChunks(Buffer.concat([good, bad]), 4, 100);
  assert.equal(got.packets.length, 1);
  assert.equal(got.errors.length, 1);
  assert.match(got.errors[0]!, /MQTT-1\.5\.3-1/);
});
