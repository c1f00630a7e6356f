// Seeded generator of what a broker might answer a CONNECT with, for test/fuzz-broker.test.ts:
// valid packets (CONNACK, PUBLISH, acks, SUBACK/UNSUBACK, PINGRESP, DISCONNECT, AUTH, with random
// MQTT 5 properties), the same with bytes flipped, truncated, lengths or type/flags randomised,
// and plain random bytes. Everything is built from bytes here (no encoder), so a packet can be
// wrong in any way; one seed gives the same cases.
//
//   const rng = new Rng(seed); const script = brokerScript(rng, 5);   // script.steps: Buffer[], script.end
//   reply(rng, 5, packetFromClient)                                   // an answer to the client's packet, maybe mutated

/** mulberry32: small, fast, good enough to pick cases; the seed reproduces a run */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  bytes(n: number): Buffer { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = this.int(256); return b; }
}

type V = 3 | 4 | 5;

export function frame(first: number, body: Buffer): Buffer {
  const len: number[] = [];
  let n = body.length;
  do { len.push((n % 128) | (n >= 128 ? 0x80 : 0)); n = Math.floor(n / 128); } while (n > 0);
  return Buffer.concat([Buffer.from([first, ...len]), body]);
}

const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const str = (s: string | Buffer): Buffer => { const b = typeof s === 'string' ? Buffer.from(s) : s; return Buffer.concat([u16(b.length), b]); };
function varint(n: number): Buffer {
  const out: number[] = [];
  do { out.push((n % 128) | (n >= 128 ? 0x80 : 0)); n = Math.floor(n / 128); } while (n > 0);
  return Buffer.from(out);
}

const TOPICS = ['fz/t', 'fz/a/b', 'fz/ünï/✓', '$SYS/x', 'fz/' + 'x'.repeat(200), 'fz/t'];
const STRINGS = ['', 'ok', 'ünï ✓', 'x'.repeat(70)];

/** [id, kind] of every MQTT 5 property, plus ids that are none (kinds: b byte, s u16, i u32, v varint, t string, d binary, p pair) */
const PROPS: readonly [number, string][] = [
  [0x01, 'b'], [0x02, 'i'], [0x03, 't'], [0x08, 't'], [0x09, 'd'], [0x0b, 'v'], [0x11, 'i'], [0x12, 't'], [0x13, 's'],
  [0x15, 't'], [0x16, 'd'], [0x17, 'b'], [0x18, 'i'], [0x19, 'b'], [0x1a, 't'], [0x1c, 't'], [0x1f, 't'], [0x21, 's'],
  [0x22, 's'], [0x23, 's'], [0x24, 'b'], [0x25, 'b'], [0x26, 'p'], [0x27, 'i'], [0x28, 'b'], [0x29, 'b'], [0x2a, 'b'],
  [0x00, 'b'], [0x05, 's'], [0x7f, 't'], [0x80, 'b'],
];

function propValue(rng: Rng, kind: string): Buffer {
  switch (kind) {
    case 'b': return Buffer.from([rng.chance(0.8) ? rng.int(2) : rng.int(256)]);
    case 's': return u16(rng.chance(0.7) ? 1 + rng.int(20) : rng.int(65536));
    case 'i': return u32(rng.chance(0.7) ? rng.int(1000) : rng.int(2 ** 32));
    case 'v': return varint(rng.chance(0.8) ? 1 + rng.int(300) : rng.int(268435456));
    case 't': return str(rng.chance(0.85) ? rng.pick(STRINGS) : rng.bytes(rng.int(6)));
    case 'd': return str(rng.bytes(rng.int(8)));
    default: return Buffer.concat([str(rng.pick(STRINGS)), str(rng.chance(0.9) ? rng.pick(STRINGS) : rng.bytes(3))]);
  }
}

/** a property section: mostly ids this packet may carry (good), sometimes any id */
function properties(rng: Rng, good: readonly number[]): Buffer {
  const parts: Buffer[] = [];
  const n = rng.chance(0.5) ? 0 : 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const id = rng.chance(0.85) && good.length > 0 ? rng.pick(good) : rng.pick(PROPS)[0];
    const kind = PROPS.find(([p]) => p === id)?.[1] ?? 'b';
    // server keep alive: the client takes it [MQTT-3.2.2-21]; kept short (0 would disable keepalive) so a stall stays bounded
    parts.push(Buffer.from([id]), id === 0x13 ? u16(1 + rng.int(5)) : propValue(rng, kind));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([varint(body.length), body]);
}

const CONNACK_PROPS = [0x11, 0x12, 0x13, 0x15, 0x1a, 0x1c, 0x1f, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a];
const PUBLISH_PROPS = [0x01, 0x02, 0x03, 0x08, 0x09, 0x0b, 0x23, 0x26];
const ACK_PROPS = [0x1f, 0x26];

export function connack(rng: Rng, v: V): Buffer {
  const sp = rng.chance(0.05) ? 1 : 0;
  const code = rng.chance(0.9) ? 0 : v === 5 ? rng.pick([0x80, 0x86, 0x87, 0x88, 0x9c]) : 1 + rng.int(5);
  return frame(0x20, Buffer.concat([Buffer.from([sp, code]), v === 5 ? properties(rng, CONNACK_PROPS) : Buffer.alloc(0)]));
}

export function publish(rng: Rng, v: V): Buffer {
  const qos = rng.int(3);
  const first = 0x30 | (qos << 1) | (rng.chance(0.2) ? 1 : 0) | (qos > 0 && rng.chance(0.2) ? 8 : 0);
  const topic = rng.chance(0.05) && v === 5 ? '' : rng.pick(TOPICS);
  return frame(first, Buffer.concat([str(topic), qos > 0 ? u16(1 + rng.int(65535)) : Buffer.alloc(0),
    v === 5 ? properties(rng, PUBLISH_PROPS) : Buffer.alloc(0), rng.bytes(rng.int(40))]));
}

const CODES: Record<number, number[]> = { 4: [0x00, 0x10, 0x80, 0x87, 0x97], 5: [0x00, 0x10, 0x80, 0x91], 6: [0x00, 0x92], 7: [0x00, 0x92] };

/** PUBACK (4), PUBREC, PUBREL, PUBCOMP (7) for packet id */
export function ack(rng: Rng, v: V, type: number, id: number): Buffer {
  const first = (type << 4) | (type === 6 ? 2 : 0);
  if (v < 5 || rng.chance(0.5)) return frame(first, u16(id));
  const code = Buffer.from([rng.pick(CODES[type]!)]);
  return frame(first, Buffer.concat([u16(id), code, rng.chance(0.5) ? Buffer.alloc(0) : properties(rng, ACK_PROPS)]));
}

export function suback(rng: Rng, v: V, id: number, count: number): Buffer {
  const n = rng.chance(0.9) ? count : rng.int(count + 2);
  const codes = Buffer.from(Array.from({ length: n }, () => (rng.chance(0.8) ? rng.int(3) : 0x80)));
  return frame(0x90, Buffer.concat([u16(id), v === 5 ? properties(rng, ACK_PROPS) : Buffer.alloc(0), codes]));
}

export function unsuback(rng: Rng, v: V, id: number, count: number): Buffer {
  if (v < 5) return frame(0xb0, u16(id));
  return frame(0xb0, Buffer.concat([u16(id), properties(rng, ACK_PROPS), Buffer.from(Array.from({ length: count }, () => rng.pick([0, 0x11, 0x80])))]));
}

function other(rng: Rng, v: V): Buffer {
  switch (rng.int(6)) {
    case 0: return frame(0xd0, Buffer.alloc(0)); // PINGRESP
    case 1: return v === 5 ? frame(0xe0, Buffer.concat([Buffer.from([rng.pick([0x00, 0x8b, 0x8e, 0x9c])]), properties(rng, [0x1f, 0x1c, 0x26])])) : frame(0xe0, Buffer.alloc(0));
    case 2: return v === 5 ? frame(0xf0, Buffer.concat([Buffer.from([0x18]), properties(rng, [0x15, 0x16, 0x1f])])) : frame(0xd0, Buffer.alloc(0));
    case 3: return ack(rng, v, 4 + rng.int(4), 1 + rng.int(4));
    case 4: return suback(rng, v, 1 + rng.int(4), 1 + rng.int(2));
    default: return connack(rng, v); // a second CONNACK
  }
}

/** the same bytes, wrong in one or two random ways */
export function mutate(rng: Rng, b: Buffer): Buffer {
  let out = Buffer.from(b);
  for (let k = 1 + (rng.chance(0.3) ? 1 : 0); k > 0; k--) {
    switch (rng.int(7)) {
      case 0: if (out.length) out[rng.int(out.length)] = rng.int(256); break;
      case 1: if (out.length) out[rng.int(out.length)]! ^= 1 << rng.int(8); break;
      case 2: out = out.subarray(0, rng.int(out.length + 1)); break;
      case 3: if (out.length > 1) out[1] = rng.int(256); break; // remaining length
      case 4: if (out.length) out[0] = rng.int(256); break; // type and flags
      case 5: { const at = rng.int(out.length + 1); out = Buffer.concat([out.subarray(0, at), rng.bytes(1 + rng.int(4)), out.subarray(at)]); break; }
      default: if (out.length > 4) out[2 + rng.int(out.length - 2)] = rng.pick([0x00, 0xff, 0x2b, 0x23, 0xc3]); break;
    }
  }
  return out;
}

/** maybe mutated: valid with probability pValid */
export function maybe(rng: Rng, b: Buffer, pValid: number): Buffer {
  return rng.chance(pValid) ? b : mutate(rng, b);
}

export interface BrokerScript {
  /** what the broker writes after the CONNECT, in order (each Buffer one write) */
  steps: Buffer[];
  /** then: close the connection, or stall (write nothing more, answer nothing) */
  end: 'close' | 'stall';
  /** answer the client's packets after the script (mostly valid acks) */
  answers: boolean;
}

export function brokerScript(rng: Rng, v: V): BrokerScript {
  const packets: Buffer[] = [];
  const r = rng.next();
  packets.push(r < 0.75 ? connack(rng, v) : r < 0.95 ? mutate(rng, connack(rng, v)) : rng.bytes(1 + rng.int(8)));
  for (let n = rng.int(6); n > 0; n--) {
    const p = rng.chance(0.5) ? publish(rng, v) : other(rng, v);
    const k = rng.next();
    packets.push(k < 0.55 ? p : k < 0.95 ? mutate(rng, p) : rng.bytes(1 + rng.int(12)));
  }
  // re-chunk: the decoder must not care where the writes split
  const all = Buffer.concat(packets);
  const steps: Buffer[] = [];
  for (let at = 0; at < all.length;) {
    const size = rng.chance(0.5) ? all.length - at : 1 + rng.int(Math.max(1, all.length - at));
    steps.push(all.subarray(at, at + size));
    at += size;
  }
  return { steps, end: rng.chance(0.06) ? 'stall' : 'close', answers: rng.chance(0.7) };
}
