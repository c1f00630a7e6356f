// tsdump's decoder: every packet type of MQTT 3.1, 3.1.1 and 5, both directions, from a byte
// stream it only watches. Unlike the session's Decoder (codec.ts), which refuses what a broker may
// not send, this one shows whatever is on the wire and never throws: a defect ends decoding of
// that stream (packet boundaries behind it cannot be trusted) and is reported once; the caller
// goes on forwarding the bytes. Own framing and reading, no mqtt-packet: user properties keep
// their order, and a 1,000,000-packet capture is read without an object churn per byte.
import { DumpDecodeError, Reader, readProperties, type DumpProperty } from './dump-properties.ts';

export type { DumpProperty, PropValue } from './dump-properties.ts';

export const PACKET_TYPES = ['reserved', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp',
  'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth'] as const;
export type PacketType = (typeof PACKET_TYPES)[number];

export interface DumpWill {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  properties?: DumpProperty[];
}

export interface DumpSubscription {
  topic: string;
  qos: number;
  /** v5 subscription options [MQTT-3.8.3.1] */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: number;
}

/** One decoded packet; which fields are set depends on the type. */
export interface DumpPacket {
  type: PacketType;
  /** bytes on the wire, fixed header included */
  size: number;
  // CONNECT
  protocolName?: string;
  protocolVersion?: number;
  clientId?: string;
  keepalive?: number;
  clean?: boolean;
  username?: string;
  password?: Buffer;
  will?: DumpWill;
  // CONNACK
  sessionPresent?: boolean;
  /** CONNACK (return code in v3), v5 acks, DISCONNECT, AUTH */
  reasonCode?: number;
  // PUBLISH
  topic?: string;
  qos?: number;
  retain?: boolean;
  dup?: boolean;
  payload?: Buffer;
  /** PUBLISH with QoS > 0, the acks, SUBSCRIBE/SUBACK, UNSUBSCRIBE/UNSUBACK */
  messageId?: number;
  subscriptions?: DumpSubscription[];
  /** SUBACK granted QoS / failure, v5 UNSUBACK reason codes */
  reasonCodes?: number[];
  /** UNSUBSCRIBE */
  topics?: string[];
  properties?: DumpProperty[];
}

export interface DumpSink {
  packet(p: DumpPacket): void;
  /** once per stream: nothing is decoded after it */
  error(text: string): void;
}

/** MQTT 5's limit on the remaining length [MQTT-1.5.5]: 4 bytes of varint */
const MAX_HEADER = 5;

/**
 * One direction of one connection. push() the chunks as they pass; the version is the CONNECT's
 * (setVersion: the other direction learns it from there). Never throws.
 */
export class StreamDecoder {
  /** the parts of an incomplete packet, copied (the chunk may be a reused buffer: the capture
   *  reader's), joined once when the packet is whole: joining at every chunk was quadratic */
  private parts: Buffer[] = [];
  private partsLen = 0;
  /** the incomplete packet's size once its fixed header is whole, else -1 */
  private need = -1;
  private failed = false;
  /** 3, 4 or 5: how packets other than CONNECT are read */
  version: number;

  constructor(private readonly sink: DumpSink, version = 4) {
    this.version = version;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    let buf = chunk;
    if (this.parts.length > 0) {
      this.parts.push(Buffer.from(chunk));
      this.partsLen += chunk.length;
      if (this.need < 0) this.need = frameSize(Buffer.concat(this.parts, Math.min(this.partsLen, MAX_HEADER)), 0);
      if (this.need === -2) return this.fail('a remaining length of more than 4 bytes [MQTT-1.5.5]');
      if (this.need === -1 || this.partsLen < this.need) return;
      buf = Buffer.concat(this.parts, this.partsLen);
      this.parts = [];
      this.partsLen = 0;
      this.need = -1;
    }
    let pos = 0;
    while (pos < buf.length) {
      const total = frameSize(buf, pos);
      if (total === -2) return this.fail('a remaining length of more than 4 bytes [MQTT-1.5.5]');
      if (total === -1 || pos + total > buf.length) {
        this.parts = [Buffer.from(buf.subarray(pos))];
        this.partsLen = buf.length - pos;
        this.need = total;
        return;
      }
      let p: DumpPacket | undefined;
      try {
        p = (buf[pos]! >> 4) === 3 ? this.fastPublish(buf, pos, total) : undefined;
        p ??= decodePacket(buf, pos, total, this.version);
      } catch (e) {
        const text = e instanceof DumpDecodeError ? e.message : `undecodable packet (${String(e)})`;
        return this.fail(`${PACKET_TYPES[buf[pos]! >> 4]!.toUpperCase()} at byte ${pos}: ${text}`);
      }
      if (p.type === 'connect' && p.protocolVersion !== undefined) this.version = p.protocolVersion;
      this.sink.packet(p);
      pos += total;
    }
  }

  // the last topic's bytes and text: a stream mostly repeats a few topics, so most PUBLISHes reuse the string
  private topicBytes = Buffer.alloc(0);
  private topicText = '';

  /**
   * The hot path (most of any dump): a well-formed PUBLISH without v5 properties, read straight
   * from the chunk into one object of a fixed shape. Anything else (QoS 3, a length that runs
   * past the packet, properties) is left to decodePacket, which reads it or names the defect.
   */
  private fastPublish(buf: Buffer, pos: number, total: number): DumpPacket | undefined {
    const first = buf[pos]!;
    const qos = (first >> 1) & 3;
    if (qos === 3) return undefined;
    const end = pos + total;
    let at = pos + 1;
    while (buf[at]! & 0x80) at++;
    at++;
    if (at + 2 > end) return undefined;
    const n = (buf[at]! << 8) | buf[at + 1]!;
    at += 2;
    if (at + n + (qos > 0 ? 2 : 0) + (this.version === 5 ? 1 : 0) > end) return undefined;
    const topic = this.topicAt(buf, at, n);
    at += n;
    let messageId: number | undefined;
    if (qos > 0) {
      messageId = (buf[at]! << 8) | buf[at + 1]!;
      at += 2;
    }
    if (this.version === 5) {
      if (buf[at] !== 0) return undefined; // properties: the general reader
      at++;
    }
    return {
      type: 'publish', size: total, topic, qos, retain: (first & 1) === 1, dup: (first & 8) === 8,
      payload: buf.subarray(at, end), messageId, properties: undefined,
    };
  }

  private topicAt(buf: Buffer, at: number, n: number): string {
    const last = this.topicBytes;
    if (last.length === n) {
      let i = 0;
      while (i < n && last[i] === buf[at + i]) i++;
      if (i === n) return this.topicText;
    }
    if (n > 256) return buf.toString('utf8', at, at + n); // not worth keeping
    this.topicBytes = Buffer.from(buf.subarray(at, at + n));
    this.topicText = this.topicBytes.toString('utf8');
    return this.topicText;
  }

  private fail(text: string): void {
    this.failed = true;
    this.parts = [];
    this.partsLen = 0;
    this.sink.error(text);
  }
}

/** size of the packet at buf[pos]: -1 while its fixed header is incomplete, -2 when malformed */
export function frameSize(buf: Buffer, pos: number): number {
  let value = 0;
  let mult = 1;
  for (let i = 1; i < MAX_HEADER; i++) {
    if (pos + i >= buf.length) return -1;
    const b = buf[pos + i]!;
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return 1 + i + value;
    mult *= 128;
  }
  return -2;
}

/** One whole packet buf[pos, pos + total). Throws DumpDecodeError. */
export function decodePacket(buf: Buffer, pos: number, total: number, version: number): DumpPacket {
  const first = buf[pos]!;
  const typeNo = first >> 4;
  const type = PACKET_TYPES[typeNo]!;
  let at = pos + 1;
  while (buf[at]! & 0x80) at++;
  const r = new Reader(buf, at + 1, pos + total);
  const v5 = version === 5;
  const p: DumpPacket = { type, size: total };
  switch (typeNo) {
    case 0: throw new DumpDecodeError('reserved packet type 0');
    case 1: return readConnect(r, p);
    case 2:
      p.sessionPresent = (r.u8('the CONNACK flags') & 1) === 1;
      p.reasonCode = r.u8('the CONNACK return code');
      if (v5 && r.left() > 0) p.properties = readProperties(r, 'CONNACK');
      break;
    case 3: {
      p.qos = (first >> 1) & 3;
      if (p.qos === 3) throw new DumpDecodeError('QoS 3 [MQTT-3.3.1-4]');
      p.retain = (first & 1) === 1;
      p.dup = (first & 8) === 8;
      p.topic = r.str('the topic');
      if (p.qos > 0) p.messageId = r.u16('the packet id');
      if (v5) p.properties = readProperties(r, 'PUBLISH');
      p.payload = r.rest();
      return p;
    }
    case 4: case 5: case 6: case 7:
      p.messageId = r.u16('the packet id');
      if (v5 && r.left() > 0) {
        p.reasonCode = r.u8('the reason code');
        if (r.left() > 0) p.properties = readProperties(r, type.toUpperCase());
      }
      break;
    case 8: {
      p.messageId = r.u16('the packet id');
      if (v5) p.properties = readProperties(r, 'SUBSCRIBE');
      p.subscriptions = [];
      while (r.left() > 0) {
        const topic = r.str('a topic filter');
        const o = r.u8('the subscription options');
        const s: DumpSubscription = { topic, qos: o & 3 };
        if (v5) {
          s.noLocal = (o & 4) !== 0;
          s.retainAsPublished = (o & 8) !== 0;
          s.retainHandling = (o >> 4) & 3;
        }
        p.subscriptions.push(s);
      }
      break;
    }
    case 9: case 11:
      p.messageId = r.u16('the packet id');
      if (v5) p.properties = readProperties(r, type.toUpperCase());
      p.reasonCodes = [...r.rest()];
      break;
    case 10:
      p.messageId = r.u16('the packet id');
      if (v5) p.properties = readProperties(r, 'UNSUBSCRIBE');
      p.topics = [];
      while (r.left() > 0) p.topics.push(r.str('a topic filter'));
      break;
    case 12: case 13: break;
    case 14: case 15:
      if (typeNo === 15 && !v5) throw new DumpDecodeError('AUTH exists only in MQTT 5');
      if (v5 && r.left() > 0) {
        p.reasonCode = r.u8('the reason code');
        if (r.left() > 0) p.properties = readProperties(r, type.toUpperCase());
      }
      break;
  }
  if (r.left() > 0) throw new DumpDecodeError(`${r.left()} bytes left over after the ${type.toUpperCase()}`);
  return p;
}

/** CONNECT [MQTT-3.1]: its own version decides how the rest is read */
function readConnect(r: Reader, p: DumpPacket): DumpPacket {
  p.protocolName = r.str('the protocol name');
  const level = r.u8('the protocol level') & 0x7f; // bridges set 0x80 (mosquitto's try_private)
  if (level !== 3 && level !== 4 && level !== 5) throw new DumpDecodeError(`protocol level ${level} (not 3, 4 or 5)`);
  p.protocolVersion = level;
  const flags = r.u8('the connect flags');
  p.clean = (flags & 2) !== 0;
  p.keepalive = r.u16('the keepalive');
  const v5 = level === 5;
  if (v5) p.properties = readProperties(r, 'CONNECT');
  p.clientId = r.str('the client id');
  if (flags & 4) {
    const properties = v5 ? readProperties(r, 'will') : undefined;
    const topic = r.str('the will topic');
    const payload = r.binary('the will payload');
    p.will = { topic, payload, qos: (flags >> 3) & 3, retain: (flags & 0x20) !== 0, ...(properties ? { properties } : {}) };
  }
  if (flags & 0x80) p.username = r.str('the username');
  if (flags & 0x40) p.password = r.binary('the password');
  if (r.left() > 0) throw new DumpDecodeError(`${r.left()} bytes left over after the CONNECT`);
  return p;
}
