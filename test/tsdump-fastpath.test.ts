// tsdump's hot paths against the general code they stand in for: the decoder's PUBLISH fast path
// (StreamDecoder) gives what decodePacket gives, packet for packet, and the JSON renderer's
// byte-by-byte payload escaping (payloadJson) gives exactly encodeBytes + JSON.stringify, and the
// line output's ASCII escaping gives what escaping code point by code point gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, publish } from './helpers/fuzz-gen.ts';
import { StreamDecoder, decodePacket, type DumpPacket } from '../src/protocol/dump-decode.ts';
import { payloadJson } from '../src/cli/dump/render-json.ts';
import { escapeText } from '../src/cli/dump/payload-view.ts';
import { encodeBytes } from '../src/cli/messages/message-json.ts';
import { encode } from '../src/protocol/codec.ts';

const general = (b: Buffer): string => { const e = encodeBytes(b); return `"encoding":"${e.encoding}","payload":${JSON.stringify(e.text)}`; };

test('payloadJson: every single byte, and 5,000 seeded buffers of text, control bytes, UTF-8 and broken UTF-8, as encodeBytes + JSON.stringify', () => {
  for (let c = 0; c < 256; c++) assert.equal(payloadJson(Buffer.from([c])), general(Buffer.from([c])), `byte 0x${c.toString(16)}`);
  const rng = new Rng(15_0001);
  const pieces = [() => Buffer.from('plain text '), () => Buffer.from('"q" \\ /'), () => Buffer.from('é €😀'), () => rng.bytes(1 + rng.int(8)),
    () => Buffer.from([rng.int(0x20)]), () => Buffer.from([0xf0, 0x9f]), () => Buffer.from([0xed, 0xa0, 0x80])]; // a cut emoji, a surrogate
  let broken = 0;
  for (let i = 0; i < 5000; i++) {
    const b = Buffer.concat(Array.from({ length: rng.int(12) }, () => rng.pick(pieces)()));
    const want = general(b);
    if (want.includes('base64')) broken++;
    assert.equal(payloadJson(b), want, b.toString('hex'));
  }
  assert.ok(broken > 500 && broken < 4500, `${broken} of 5000 not UTF-8`); // both branches were taken
  assert.equal(payloadJson(Buffer.alloc(0)), '"encoding":"utf8","payload":""');
  const big = Buffer.alloc(100_000, 1); // past the scratch buffer's first size
  assert.equal(payloadJson(big), general(big));
});

/** what a StreamDecoder hands its sink for these bytes */
function streamed(bytes: Buffer, version: number): { packets: DumpPacket[]; errors: string[] } {
  const packets: DumpPacket[] = [];
  const errors: string[] = [];
  new StreamDecoder({ packet: (p) => packets.push(p), error: (t) => errors.push(t) }, version).push(bytes);
  return { packets, errors };
}

/** the fast path leaves messageId and properties undefined where decodePacket leaves them out (v5: []) */
const norm = (p: DumpPacket): Record<string, unknown> => Object.fromEntries(Object.entries({ ...p, properties: p.properties?.length ? p.properties : undefined }).filter(([, v]) => v !== undefined));

test('the PUBLISH fast path: 3,000 seeded PUBLISHes (v3.1.1 and v5, QoS 0-2, properties or not) decode as decodePacket decodes them', () => {
  const rng = new Rng(15_0002);
  for (const v of [4, 5] as const) {
    const valid: Buffer[] = [];
    const want: DumpPacket[] = [];
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      const b = publish(rng, v); // now and then with an unknown property id: then both refuse it alike
      let p: DumpPacket | undefined;
      try { p = decodePacket(b, 0, b.length, v); } catch (e) {
        refused++;
        assert.deepEqual(streamed(b, v), { packets: [], errors: [`PUBLISH at byte 0: ${(e as Error).message}`] });
      }
      if (p) { valid.push(b); want.push(p); }
    }
    assert.ok(v === 4 ? refused === 0 : refused > 0 && refused < 500, `${refused} refused`);
    // one stream: the topic cache carries over from packet to packet
    const got = streamed(Buffer.concat(valid), v);
    assert.deepEqual(got.errors, []);
    assert.deepEqual(got.packets.map(norm), want.map(norm));
  }
});

test('the fast path\'s topic cache: topics of the same length, alternating, keep their own text', () => {
  const p = (topic: string): Buffer => encode({ cmd: 'publish', topic, payload: Buffer.from('x'), qos: 0, retain: false, dup: false }, 4);
  const { packets } = streamed(Buffer.concat([p('a/b'), p('a/c'), p('a/c'), p('a/b'), p('é'), p('a/b')]), 4);
  assert.deepEqual(packets.map((q) => q.topic), ['a/b', 'a/c', 'a/c', 'a/b', 'é', 'a/b']);
});

test('a PUBLISH the fast path does not take (a topic past the end, QoS 3) is still reported by the general reader', () => {
  const bad = Buffer.from([0x30, 4, 0, 9, 0x61, 0x62]); // topic length 9 in a 4-byte body
  assert.deepEqual(streamed(bad, 4).errors, ['PUBLISH at byte 0: the topic runs past the end of the packet']);
  const qos3 = Buffer.from([0x36, 3, 0, 1, 0x61]);
  assert.deepEqual(streamed(qos3, 4).errors, ['PUBLISH at byte 0: QoS 3 [MQTT-3.3.1-4]']);
});

/** the line output's escaping, code point by code point (payload-view.ts's general path) */
function escapeByCodePoint(b: Buffer): string {
  const names: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x5c: '\\\\' };
  let out = '';
  for (const ch of b.toString('utf8')) {
    const c = ch.codePointAt(0)!;
    out += names[c] ?? (c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : c === 0xfffd ? '\\ufffd' : ch);
  }
  return out;
}

test('escapeText: every byte, and 5,000 seeded buffers, as escaping code point by code point', () => {
  for (let c = 0; c < 256; c++) assert.equal(escapeText(Buffer.from([c])), escapeByCodePoint(Buffer.from([c])), `byte 0x${c.toString(16)}`);
  assert.equal(escapeText(Buffer.from('a\tb\nc\rd\\e\x01\x7f')), 'a\\tb\\nc\\rd\\\\e\\x01\\x7f');
  const rng = new Rng(15_0003);
  const pieces = [() => Buffer.from('plain '), () => Buffer.from([rng.int(0x80)]), () => Buffer.from('é😀'), () => rng.bytes(1 + rng.int(4))];
  for (let i = 0; i < 5000; i++) {
    const b = Buffer.concat(Array.from({ length: rng.int(10) }, () => rng.pick(pieces)()));
    assert.equal(escapeText(b), escapeByCodePoint(b), b.toString('hex'));
  }
});
