// The only importer of mqtt-packet: encode packets and decode a byte stream,
// always with the negotiated protocol version on both sides.
import mqtt from 'mqtt-packet';
import type { IPublishPacket, Packet, UserProperties } from 'mqtt-packet';
import { checkPacket, PacketError, MALFORMED_PACKET, takeUserPairs } from './packet-check.ts';
import { receivedTopicDefect } from './topic.ts';

export { PacketError, MALFORMED_PACKET, PROTOCOL_ERROR } from './packet-check.ts';

export type {
  Packet, IConnectPacket, IConnackPacket, IPublishPacket, IPubackPacket, IPubrecPacket,
  IPubrelPacket, IPubcompPacket, ISubscribePacket, ISubackPacket, IUnsubscribePacket,
  IUnsubackPacket, IDisconnectPacket, IAuthPacket, ISubscription, QoS, UserProperties,
} from 'mqtt-packet';

// mqtt-packet otherwise builds a cache of 65,536 two-byte buffers on the first encode: ~35 ms of
// start-up for a one-shot publish (measured with strace: connect() to the CONNECT write).
mqtt.writeToStream.cacheNumbers = false;

/**
 * User properties in packet order, duplicates kept. mqtt-packet's `userProperties` object groups
 * them by key (k=a z=c k=b comes out as k:[a,b], z:c), so a PUBLISH we decode also carries
 * `properties.userPropertyList`, and one we encode with it writes exactly that list [MQTT-3.3.2.3.7].
 */
export type UserPropertyList = ReadonlyArray<readonly [string, string]>;
type WithList = { userPropertyList?: UserPropertyList; userProperties?: UserProperties };

/** The user properties of a decoded or outgoing packet's properties, in order. */
export function userPropertyList(props: object | undefined): UserPropertyList {
  const p = props as WithList | undefined;
  if (p?.userPropertyList) return p.userPropertyList;
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(p?.userProperties ?? {})) for (const one of Array.isArray(v) ? v : [v]) out.push([k, String(one)]);
  return out;
}

/** 3 = MQTT 3.1 (MQIsdp), 4 = 3.1.1, 5 = 5.0 */
export type ProtocolVersion = 3 | 4 | 5;

type AckCmd = 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';
/** first byte of each acknowledgement (PUBREL has the required flags 0b0010 [MQTT-3.6.1-1]) */
const ACK_BYTE: Record<AckCmd, number> = { puback: 0x40, pubrec: 0x50, pubrel: 0x62, pubcomp: 0x70 };
const ACK_CMD: Partial<Record<number, AckCmd>> = { 0x40: 'puback', 0x50: 'pubrec', 0x62: 'pubrel', 0x70: 'pubcomp' };

export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  const cmd = packet.cmd;
  if (cmd === 'publish' && !packet.properties) return encodePublish(packet, version);
  if (packet.cmd === 'publish' && version === 5 && (packet.properties as WithList | undefined)?.userPropertyList) return encodeOrdered(packet);
  if ((cmd === 'puback' || cmd === 'pubrec' || cmd === 'pubrel' || cmd === 'pubcomp') && !packet.properties &&
    (version < 5 || !packet.reasonCode)) {
    return encodeAck(ACK_BYTE[cmd], packet.messageId ?? 0);
  }
  return mqtt.generate(packet, { protocolVersion: version });
}

/**
 * The 4-byte acknowledgement of every QoS 1/2 message. In MQTT 5 the reason code and property
 * length are left out when the code is 0 and there are no properties [MQTT-3.4.2.1], as
 * mqtt-packet does for reasonCode 0 (and mosquitto for its own acknowledgements).
 */
function encodeAck(first: number, messageId: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf[0] = first;
  buf[1] = 2;
  buf[2] = messageId >> 8;
  buf[3] = messageId & 0xff;
  return buf;
}

/** The largest remaining length a fixed header can carry [MQTT-2.2.3]: 268,435,455 bytes. */
export const MAX_REMAINING_LENGTH = 268_435_455;

/** bytes of the remaining-length field for n */
function varIntBytes(n: number): number {
  let bytes = 1;
  for (; n >= 128; n = Math.floor(n / 128)) bytes++;
  return bytes;
}

/** remaining length of a PUBLISH without properties: topic length + topic, packet id, v5 property length, payload */
function plainRemaining(topicBytes: number, qos: number, version: ProtocolVersion, payloadLen: number): number {
  return 2 + topicBytes + (qos > 0 ? 2 : 0) + (version === 5 ? 1 : 0) + payloadLen;
}

/**
 * Remaining length and whole size of a PUBLISH, without encoding its payload: what a sender checks
 * against MQTT's limit and the broker's maximum packet size [MQTT-3.1.2-24]. Properties (rare, small)
 * are measured by encoding the packet with an empty payload.
 */
export function publishSize(p: IPublishPacket, version: ProtocolVersion): { remaining: number; total: number } {
  const payloadLen = typeof p.payload === 'string' ? Buffer.byteLength(p.payload) : p.payload.length;
  let remaining: number;
  if (version === 5 && p.properties) {
    const head = encode({ ...p, payload: Buffer.alloc(0), messageId: p.messageId ?? 1 }, version);
    let lenBytes = 1;
    while (head[lenBytes]! & 0x80) lenBytes++;
    remaining = head.length - 1 - lenBytes + payloadLen;
  } else {
    remaining = plainRemaining(Buffer.byteLength(p.topic), p.qos ?? 0, version, payloadLen);
  }
  return { remaining, total: 1 + varIntBytes(remaining) + remaining };
}

/**
 * PUBLISH without properties, the hot path of every pipe: one allocation, no intermediate
 * buffers (mqtt-packet writes 4-6 pieces and concatenates them) [MQTT-3.3.1, MQTT-3.3.2].
 * Refuses what mqtt-packet refuses, with its words: a QoS 1/2 PUBLISH without a packet id
 * [MQTT-2.2.1-2] and a remaining length over MQTT's limit.
 */
function encodePublish(p: IPublishPacket, version: ProtocolVersion): Buffer {
  const payload = typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload;
  const topicLen = Buffer.byteLength(p.topic);
  const qos = p.qos ?? 0;
  if (qos > 0 && typeof p.messageId !== 'number') throw new Error('Invalid messageId');
  const remaining = plainRemaining(topicLen, qos, version, payload.length);
  if (remaining > MAX_REMAINING_LENGTH) throw new Error(`Invalid variable byte integer: ${remaining}`);
  const lenBytes = varIntBytes(remaining);
  const buf = Buffer.allocUnsafe(1 + lenBytes + remaining);
  buf[0] = 0x30 | (p.dup ? 8 : 0) | (qos << 1) | (p.retain ? 1 : 0);
  let pos = 1;
  let n = remaining;
  do {
    let digit = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) digit |= 0x80;
    buf[pos++] = digit;
  } while (n > 0);
  buf.writeUInt16BE(topicLen, pos);
  pos += 2;
  pos += buf.write(p.topic, pos, 'utf8');
  if (qos > 0) {
    buf.writeUInt16BE(p.messageId!, pos);
    pos += 2;
  }
  if (version === 5) buf[pos++] = 0; // property length 0
  payload.copy(buf, pos);
  return buf;
}

/**
 * A v5 PUBLISH with an ordered user property list: mqtt-packet encodes it without the list, with
 * placeholder user properties of the same size in their place, whose bytes are then overwritten
 * with the pairs in order. One encoder for
 * every other property, and the same length arithmetic as mqtt-packet's.
 */
function encodeOrdered(p: IPublishPacket): Buffer {
  const list = (p.properties as WithList).userPropertyList!;
  // the placeholders go last (a userProperties key kept in place would put them elsewhere)
  const { userPropertyList: _list, userProperties: _grouped, ...rest } = p.properties as WithList & Record<string, unknown>;
  if (list.length === 0) return mqtt.generate({ ...p, properties: rest } as Packet, { protocolVersion: 5 });
  const pairs = list.map(([k, v]) => Buffer.concat([u16str(k), u16str(v)]));
  const block = Buffer.concat(pairs.map((b) => Buffer.concat([Buffer.from([0x26]), b])));
  // placeholders: user properties with key '' whose bytes (0x26, key, value) span exactly `block`
  // (a value holds at most 65,535 bytes [MQTT-1.5.4], so a long list needs several)
  const fillers: string[] = [];
  for (let left = block.length; left > 0;) {
    let take = Math.min(left, 5 + 0xffff);
    if (left - take > 0 && left - take < 5) take -= 5;
    fillers.push('x'.repeat(take - 5));
    left -= take;
  }
  // last among the properties (mqtt-packet writes them in key order), so they end where the payload starts
  const out = mqtt.generate({ ...p, properties: { ...rest, userProperties: { '': fillers } } } as Packet, { protocolVersion: 5 });
  const payloadLen = typeof p.payload === 'string' ? Buffer.byteLength(p.payload) : p.payload.length;
  const at = out.length - payloadLen - block.length;
  if (out[at] !== 0x26 || out.readUInt16BE(at + 1) !== 0 || out.readUInt16BE(at + 3) !== fillers[0]!.length) throw new Error('user property placeholder not found');
  block.copy(out, at);
  return out;
}

function u16str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

export interface DecoderSink {
  onPacket(packet: Packet): void;
  /** a PacketError for what packet-check.ts finds, else mqtt-packet's Error; nothing is decoded after it */
  onError(err: Error): void;
}

/**
 * Incremental decoder: feed it socket chunks, it calls sink.onPacket once per complete packet.
 * Framing is ours: each packet's length is read from its fixed header, so the packets that make
 * up a stream - PUBLISH and the 4-byte acknowledgements - are read straight from the chunk
 * (payload as a view of it, no copy) instead of through mqtt-packet's buffer list and state
 * machine (~1 us a packet). Every other packet, a PUBLISH with MQTT 5 properties, and anything
 * the fast paths do not like are checked whole by packet-check.ts (for what mqtt-packet lets
 * through: wrong lengths, packet id 0, bad topics and properties) and then go to mqtt-packet,
 * always whole, so it never holds a partial packet. The packets are the objects mqtt-packet makes
 * (test/codec.test.ts compares them). After the first error nothing more is decoded: the
 * connection is to be closed [MQTT-4.13.1], and nothing behind the bad packet may be delivered.
 */
export class Decoder {
  private readonly parser: ReturnType<typeof mqtt.parser>;
  private version: ProtocolVersion;
  private v5: boolean;
  /** bytes of an incomplete packet, waiting for the rest */
  private pending: Buffer[] = [];
  private pendingLen = 0;
  /** total size of the pending packet once its fixed header is complete, else -1 */
  private need = -1;
  /** after an error (or stop()) nothing more is decoded */
  private stopped = false;
  /** the user properties of the PUBLISH being parsed, in order (packet-check.ts collects them) */
  private pairs: UserPropertyList | undefined;
  /** the last PUBLISH topic that passed receivedTopicDefect (so never '') */
  private lastTopic: string | undefined;
  private lastTopicBytes: Buffer | undefined;

  constructor(version: ProtocolVersion, private readonly sink: DecoderSink) {
    this.version = version;
    this.v5 = version === 5;
    this.parser = mqtt.parser({ protocolVersion: version });
    this.parser.on('packet', (p: Packet) => {
      if (this.pairs !== undefined) {
        ((p as { properties?: WithList }).properties ??= {}).userPropertyList = this.pairs;
        this.pairs = undefined;
      }
      sink.onPacket(p);
    });
    this.parser.on('error', (e: Error) => this.reject(e));
  }

  /** Switch version after CONNECT/CONNACK (a broker may parse before knowing it). */
  setVersion(version: ProtocolVersion): void {
    this.version = version;
    this.v5 = version === 5;
    (this.parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = version;
  }

  /** Decode nothing more: the connection is being closed (a protocol error found above the codec). */
  stop(): void {
    this.stopped = true;
    this.pending = [];
    this.pendingLen = 0;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    let pos = 0;
    if (this.pendingLen > 0) {
      pos = this.completePending(chunk);
      if (pos < 0) return;
    }
    this.decodeFrom(chunk, pos);
  }

  /** Adds chunk to the pending packet; decodes it once whole. Returns where chunk's unused bytes start, -1 when all were taken. */
  private completePending(chunk: Buffer): number {
    if (this.need < 0) {
      // the fixed header itself was split: join just enough of it (at most 5 bytes)
      const head = Buffer.concat([...this.pending, chunk.subarray(0, 5)]);
      const total = packetSize(head, 0);
      if (total === MALFORMED) return this.badLength();
      if (total === INCOMPLETE) { this.stash(chunk); return -1; }
      this.need = total;
    }
    const missing = this.need - this.pendingLen;
    if (chunk.length < missing) { this.stash(chunk); return -1; }
    const whole = Buffer.concat([...this.pending, chunk.subarray(0, missing)], this.need);
    this.pending = [];
    this.pendingLen = 0;
    this.need = -1;
    this.decodeOne(whole, 0, whole.length);
    return missing;
  }

  private decodeFrom(buf: Buffer, start: number): void {
    let pos = start;
    while (pos < buf.length && !this.stopped) {
      const total = packetSize(buf, pos);
      if (total === MALFORMED) { this.badLength(); return; }
      if (total === INCOMPLETE || pos + total > buf.length) {
        this.need = total === INCOMPLETE ? -1 : total;
        this.stash(buf.subarray(pos));
        return;
      }
      this.decodeOne(buf, pos, total);
      pos += total;
    }
  }

  private stash(part: Buffer): void {
    this.pending.push(part);
    this.pendingLen += part.length;
  }

  private reject(err: Error): void {
    if (this.stopped) return;
    this.stop();
    this.sink.onError(err);
  }

  /** a remaining length of more than 4 bytes: no packet boundary can be found after it */
  private badLength(): number {
    this.reject(new PacketError(MALFORMED_PACKET, `a remaining length of more than 4 bytes [MQTT-${this.v5 ? '1.5.5' : '2.2.3'}]`));
    return -1;
  }

  /** one whole packet: buf[pos, pos + total) */
  private decodeOne(buf: Buffer, pos: number, total: number): void {
    const first = buf[pos]!;
    const type = first >> 4;
    if (type === 3) {
      const p = this.readPublish(buf, pos, total);
      if (p) { this.sink.onPacket(p); return; }
    } else if (total === 4 && buf[pos + 1] === 2) {
      const cmd = ACK_CMD[first];
      const messageId = (buf[pos + 2]! << 8) | buf[pos + 3]!;
      if (cmd !== undefined && messageId !== 0) {
        const p = { cmd, retain: false, qos: cmd === 'pubrel' ? 1 : 0, dup: false, length: 2, topic: null, payload: null, messageId } as Packet;
        if (this.v5) (p as { reasonCode?: number }).reasonCode = 0;
        this.sink.onPacket(p);
        return;
      }
    }
    const defect = checkPacket(buf, pos, total, this.version);
    if (defect) { this.reject(defect); return; }
    this.pairs = type === 3 ? takeUserPairs() : undefined;
    this.parser.parse(pos === 0 && total === buf.length ? buf : buf.subarray(pos, pos + total));
  }

  /**
   * The topic name buf[start, end), decoded and checked (undefined: a defect, checkPacket names
   * it). A stream mostly repeats a topic: bytes equal to the last topic checked are not decoded or
   * checked again. Bytes, not the decoded string: ill-formed UTF-8 decodes to the same U+FFFD as
   * another topic, and would pass unchecked [MQTT-1.5.3-1]. A JS loop over a short topic costs
   * less than a native Buffer compare call.
   */
  private topicOf(buf: Buffer, start: number, end: number): string | undefined {
    const n = end - start;
    const last = this.lastTopicBytes;
    if (last !== undefined && last.length === n) {
      let i = 0;
      while (i < n && last[i] === buf[start + i]) i++;
      if (i === n) return this.lastTopic;
    }
    const topic = buf.toString('utf8', start, end);
    if (receivedTopicDefect(topic, buf, start, end) !== undefined) return undefined;
    this.lastTopic = topic;
    this.lastTopicBytes = n <= 256 ? Buffer.from(buf.subarray(start, end)) : undefined; // a long one: not kept
    return topic;
  }

  /**
   * PUBLISH without MQTT 5 properties [MQTT-3.3.1, MQTT-3.3.2]; undefined leaves it to the slow
   * path: one with properties, or one with a defect (checkPacket names it).
   */
  private readPublish(buf: Buffer, pos: number, total: number): Packet | undefined {
    const first = buf[pos]!;
    const qos = (first >> 1) & 3;
    if (qos === 3) return undefined;
    let at = pos + 1;
    while (buf[at]! & 0x80) at++;
    at++;
    const end = pos + total;
    const length = end - at;
    if (at + 2 > end) return undefined;
    const topicEnd = at + 2 + ((buf[at]! << 8) | buf[at + 1]!);
    let cursor = topicEnd + (qos > 0 ? 2 : 0);
    if (this.v5) {
      if (cursor >= end || buf[cursor] !== 0) return undefined; // properties: mqtt-packet reads them
      cursor++;
    }
    if (cursor > end) return undefined;
    if (qos > 0 && buf[topicEnd] === 0 && buf[topicEnd + 1] === 0) return undefined;
    const topic = this.topicOf(buf, at + 2, topicEnd);
    if (topic === undefined) return undefined;
    const p = {
      cmd: 'publish', retain: (first & 1) !== 0, qos, dup: (first & 8) !== 0, length,
      topic, payload: buf.subarray(cursor, end),
    } as Packet & { messageId?: number };
    if (qos > 0) p.messageId = (buf[topicEnd]! << 8) | buf[topicEnd + 1]!;
    return p;
  }
}

const INCOMPLETE = -1;
const MALFORMED = -2;

/** Size of the packet at buf[pos] from its fixed header (1 byte + remaining length, 1-4 bytes) [MQTT-2.2.3]. */
function packetSize(buf: Buffer, pos: number): number {
  let value = 0;
  let mult = 1;
  for (let i = 1; i <= 4; i++) {
    if (pos + i >= buf.length) return INCOMPLETE;
    const b = buf[pos + i]!;
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return 1 + i + value;
    mult *= 128;
  }
  return MALFORMED;
}
