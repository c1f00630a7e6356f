// Whole packets from the wire, checked for what mqtt-packet lets through: a remaining length the
// packet type does not have, packet id 0, reason codes a packet type does not have, properties that
// overrun, repeat or do not belong to the packet, ill-formed UTF-8, a bad topic name. The Decoder
// runs these before mqtt-packet sees a packet; a defect is a PacketError carrying the MQTT 5 reason
// code for the DISCONNECT that goes before closing [MQTT-4.13.1]. Rule numbers are the negotiated
// version's (MQTT 3.1 has none: 3.1.1's are given); sections where the spec numbers no rule.
import { isUtf8 } from 'node:buffer';
import { propertiesById, type PropertyType } from './properties.ts';
import { receivedTopicDefect } from './topic.ts';

export const MALFORMED_PACKET = 0x81;
export const PROTOCOL_ERROR = 0x82;

/** A packet from the peer broke the protocol; reasonCode is the v5 DISCONNECT reason. */
export class PacketError extends Error {
  constructor(readonly reasonCode: number, message: string) {
    super(message);
    this.name = 'PacketError';
  }
}

type Version = 3 | 4 | 5;

const PACKET_NAMES = ['reserved type 0', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
  'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'] as const;

const malformed = (text: string): PacketError => new PacketError(MALFORMED_PACKET, text);
const protocol = (text: string): PacketError => new PacketError(PROTOCOL_ERROR, text);
const rule = (v: Version, v311: string, v5: string): string => `[MQTT-${v === 5 ? v5 : v311}]`;
const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;
const u16 = (buf: Buffer, at: number): number => (buf[at]! << 8) | buf[at + 1]!;
const article = (word: string): string => (/^(?:[aeio]|un)/i.test(word) ? 'an' : 'a');

/** Packet type and fixed-header flags [MQTT-2.1.2, MQTT-2.1.3]. */
function checkFixedHeader(first: number, v: Version): PacketError | undefined {
  const type = first >> 4;
  const flags = first & 0x0f;
  if (type === 0) return malformed(`a packet of reserved type 0 ${rule(v, '2.2.1', '2.1.2')}`);
  if (type === 15 && v < 5) return malformed('a packet of reserved type 15 (AUTH exists only in MQTT 5) [MQTT-2.2.1]');
  if (type === 3) return (flags & 6) === 6 ? malformed('PUBLISH with QoS 3 [MQTT-3.3.1-4]') : undefined;
  const want = type === 6 || type === 8 || type === 10 ? 2 : 0;
  if (flags === want) return undefined;
  const cite = type === 6 ? '[MQTT-3.6.1-1]' : rule(v, '2.2.2-2', '2.1.3-1');
  return malformed(`${PACKET_NAMES[type]} with fixed-header flags ${hex(flags)} (must be ${hex(want)}) ${cite}`);
}

/**
 * The defects of a whole packet buf[pos, pos + total) that mqtt-packet would not report, or
 * undefined. CONNECT, SUBSCRIBE, UNSUBSCRIBE and PINGREQ (client packets: the fake broker of the
 * tests reads them) are left to mqtt-packet; a session refuses them from a broker.
 */
export function checkPacket(buf: Buffer, pos: number, total: number, v: Version): PacketError | undefined {
  const first = buf[pos]!;
  const bad = checkFixedHeader(first, v);
  if (bad) return bad;
  let at = pos + 1;
  while (buf[at]! & 0x80) at++;
  at++;
  const end = pos + total;
  const type = first >> 4;
  switch (type) {
    case 2: return checkConnack(buf, at, end, v);
    case 3: return checkPublish(buf, at, end, v, (first >> 1) & 3);
    case 4: case 5: case 6: case 7: return checkAck(type, buf, at, end, v);
    case 9: case 11: return checkSubUnsuback(type, buf, at, end, v);
    case 13: return end === at ? undefined : malformed(`PINGRESP with a remaining length of ${end - at} (must be 0) [MQTT-3.13.1]`);
    case 14: case 15: return checkDisconnectAuth(type, buf, at, end, v);
    default: return undefined;
  }
}

function checkConnack(buf: Buffer, at: number, end: number, v: Version): PacketError | undefined {
  const len = end - at;
  if (v < 5) {
    if (len !== 2) return malformed(`CONNACK with a remaining length of ${len} (must be 2) [MQTT-3.2.1]`);
    if (buf[at]! > 1) return malformed(`CONNACK with reserved flag bits set (${hex(buf[at]!)}) [MQTT-3.2.2.1]`);
    return undefined;
  }
  if (len < 2) return malformed(`CONNACK with a remaining length of ${len} (at least 3: flags, reason code, property length) [MQTT-3.2.2]`);
  if (buf[at]! > 1) return malformed(`CONNACK with reserved flag bits set (${hex(buf[at]!)}) [MQTT-3.2.2-1]`);
  const rc = buf[at + 1]!;
  // a refusal in the 3.1.1 layout (what a 3.1.1-only broker answers a v5 CONNECT) stays a refusal
  if (len === 2) return rc === 0 ? malformed('CONNACK without a property length [MQTT-2.2.2-1]') : undefined;
  if (rc !== 0 && rc < 0x80) return protocol(`CONNACK with reason code ${hex(rc)}, which is not a CONNACK reason code [MQTT-3.2.2-8]`);
  return checkTrailingProperties(2, buf, at + 2, end);
}

function checkPublish(buf: Buffer, at: number, end: number, v: Version, qos: number): PacketError | undefined {
  if (at + 2 > end) return malformed(`PUBLISH with a remaining length of ${end - at}, too short for its topic length [MQTT-3.3.2.1]`);
  const topicEnd = at + 2 + u16(buf, at);
  if (topicEnd > end) return malformed(`PUBLISH whose topic (${u16(buf, at)} bytes) runs past the end of the packet [MQTT-3.3.2.1]`);
  let cursor = topicEnd;
  if (qos > 0) {
    const bad = publishIdDefect(buf, cursor, end, v, qos);
    if (bad) return bad;
    cursor += 2;
  }
  let alias = false;
  if (v === 5) {
    const after = checkProperties(3, buf, cursor, end);
    if (typeof after !== 'number') return after;
    alias = sawTopicAlias;
  }
  const defect = receivedTopicDefect(buf.toString('utf8', at + 2, topicEnd), buf, at + 2, topicEnd);
  return defect === undefined || (defect === 'empty' && alias) ? undefined : topicError(defect, buf, at + 2, topicEnd, v);
}

/** The packet id of a QoS 1/2 PUBLISH at buf[at]: present [MQTT-3.3.2.2] and not 0. */
function publishIdDefect(buf: Buffer, at: number, end: number, v: Version, qos: number): PacketError | undefined {
  if (at + 2 > end) return malformed(`QoS ${qos} PUBLISH without a packet id [MQTT-3.3.2.2]`);
  if (u16(buf, at) === 0) return protocol(`QoS ${qos} PUBLISH with packet id 0 ${rule(v, '2.3.1-1', '2.2.1-4')}`);
  return undefined;
}

/** The error for a topic name receivedTopicDefect() refused (cold path). */
export function topicError(defect: string, buf: Buffer, start: number, end: number, v: Version): PacketError {
  const shown = (): string => JSON.stringify(buf.toString('utf8', start, Math.min(end, start + 100)));
  switch (defect) {
    case 'empty': return protocol(`PUBLISH with an empty topic${v === 5 ? ' and no topic alias' : ''} [MQTT-4.7.3-1]`);
    case 'wildcard': return protocol(`PUBLISH with a wildcard (+ or #) in its topic ${shown()} [MQTT-3.3.2-2]`);
    case 'nul': return malformed(`PUBLISH with U+0000 in its topic ${shown()} ${rule(v, '1.5.3-2', '1.5.4-2')}`);
    default: return malformed(`PUBLISH with a topic that is not well-formed UTF-8 (bytes ${buf.subarray(start, Math.min(end, start + 40)).toString('hex')}) ${rule(v, '1.5.3-1', '1.5.4-1')}`);
  }
}

/** v5 reason codes per packet type [MQTT-2.4] */
const CODES: Partial<Record<number, Set<number>>> = {
  4: new Set([0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]),
  5: new Set([0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]),
  6: new Set([0x00, 0x92]),
  7: new Set([0x00, 0x92]),
  9: new Set([0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2]),
  11: new Set([0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91]),
  14: new Set([0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97,
    0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2]),
  15: new Set([0x00, 0x18, 0x19]),
};
const V3_SUBACK = new Set([0x00, 0x01, 0x02, 0x80]);

function badCode(type: number, rc: number, cite: string): PacketError {
  const name = PACKET_NAMES[type];
  return protocol(`${name} with reason code ${hex(rc)}, which is not ${article(name)} ${name} reason code ${cite}`);
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP [MQTT-3.4 to 3.7]: 2 bytes (3.1.1), or id, reason code, properties (5). */
function checkAck(type: number, buf: Buffer, at: number, end: number, v: Version): PacketError | undefined {
  const name = PACKET_NAMES[type];
  const len = end - at;
  if (len < 2) return malformed(`${name} with a remaining length of ${len}, too short for its packet id [MQTT-3.${type}.2]`);
  if (u16(buf, at) === 0) return protocol(`${name} with packet id 0 ${rule(v, '2.3.1-6', '2.2.1-5')}`);
  if (v < 5) return len === 2 ? undefined : malformed(`${name} with a remaining length of ${len} (must be 2) [MQTT-3.${type}.1]`);
  if (len === 2) return undefined;
  if (!CODES[type]!.has(buf[at + 2]!)) return badCode(type, buf[at + 2]!, `[MQTT-3.${type}.2-1]`);
  return len === 3 ? undefined : checkTrailingProperties(type, buf, at + 3, end);
}

/** SUBACK and UNSUBACK: packet id, v5 properties, one reason code per filter (none in a 3.1.1 UNSUBACK). */
function checkSubUnsuback(type: number, buf: Buffer, at: number, end: number, v: Version): PacketError | undefined {
  const name = PACKET_NAMES[type];
  const len = end - at;
  const section = type === 9 ? '3.9' : '3.11';
  if (len < 2) return malformed(`${name} with a remaining length of ${len}, too short for its packet id [MQTT-${section}.2]`);
  if (u16(buf, at) === 0) return protocol(`${name} with packet id 0 ${rule(v, '2.3.1-7', '2.2.1-6')}`);
  if (type === 11 && v < 5) return len === 2 ? undefined : malformed(`UNSUBACK with a remaining length of ${len} (must be 2) [MQTT-3.11.1]`);
  let i = at + 2;
  if (v === 5) {
    const after = checkProperties(type, buf, i, end);
    if (typeof after !== 'number') return after;
    i = after;
  }
  if (i === end) return protocol(`${name} without reason codes ${type === 9 ? rule(v, '3.8.4-5', '3.8.4-6') : '[MQTT-3.11.3-1]'}`);
  const valid = v === 5 ? CODES[type]! : V3_SUBACK;
  for (; i < end; i++) if (!valid.has(buf[i]!)) return badCode(type, buf[i]!, `[MQTT-${section}.3-2]`);
  return undefined;
}

/** DISCONNECT (from a broker only in MQTT 5) and AUTH: optional reason code and properties [MQTT-3.14, MQTT-3.15]. */
function checkDisconnectAuth(type: number, buf: Buffer, at: number, end: number, v: Version): PacketError | undefined {
  const len = end - at;
  if (v < 5) return len === 0 ? undefined : malformed(`DISCONNECT with a remaining length of ${len} (must be 0) [MQTT-3.14.1]`);
  if (len === 0) return undefined;
  if (!CODES[type]!.has(buf[at]!)) return badCode(type, buf[at]!, `[MQTT-3.${type}.2-1]`);
  return len === 1 ? undefined : checkTrailingProperties(type, buf, at + 1, end);
}

/** Properties that must end exactly where the packet ends (no payload follows them). */
function checkTrailingProperties(type: number, buf: Buffer, at: number, end: number): PacketError | undefined {
  const after = checkProperties(type, buf, at, end);
  if (typeof after !== 'number') return after;
  if (after === end) return undefined;
  return malformed(`${PACKET_NAMES[type]} with ${end - after} bytes after its properties [MQTT-3.${type}.3]`);
}

// ---- properties [MQTT-2.2.2]

/** packets a broker sends: an id none of them may carry (CONNECT and Will only) is unknown here */
const FROM_BROKER = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 9) | (1 << 11) | (1 << 14) | (1 << 15);
/** the properties a received packet may hold, by id */
const RECEIVED = propertiesById().map((p) => (p && p.packets & FROM_BROKER ? p : undefined));
const WIDTH: Partial<Record<PropertyType, number>> = { byte: 1, int16: 2, int32: 4 };
const TOPIC_ALIAS = 0x23;

/** set by checkProperties: the PUBLISH just checked has a topic alias (no allocation per packet) */
let sawTopicAlias = false;
/** collected by checkProperties: the user properties of the PUBLISH just checked, in order */
let userPairs: Array<[string, string]> | undefined;

/** The user properties of the PUBLISH checkPacket just passed, in packet order (undefined: none). */
export function takeUserPairs(): Array<[string, string]> | undefined {
  const pairs = userPairs;
  userPairs = undefined;
  return pairs;
}

/**
 * Walks the property section at buf[at] (property length, then properties) within buf[.., end).
 * Returns where the section ends, or its defect: a length past the packet, an unknown id or one
 * this packet cannot carry, a value past the section (all malformed [MQTT-2.2.2.2]); a repeated
 * property, a value out of range (protocol errors, as mosquitto's property checks have them).
 */
function checkProperties(type: number, buf: Buffer, at: number, end: number): number | PacketError {
  const name = PACKET_NAMES[type];
  let len = 0;
  let mult = 1;
  let i = at;
  for (;;) {
    if (i >= end) return malformed(`${name} whose property length runs past the end of the packet [MQTT-2.2.2.1]`);
    const b = buf[i++]!;
    len += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) break;
    mult *= 128;
    if (mult > 128 ** 3) return malformed(`${name} with a property length of more than 4 bytes [MQTT-1.5.5]`);
  }
  const stop = i + len;
  if (stop > end) return malformed(`${name} whose properties (${len} bytes) run past the end of the packet [MQTT-2.2.2.1]`);
  sawTopicAlias = false;
  userPairs = undefined;
  let seenLow = 0;
  let seenHigh = 0;
  while (i < stop) {
    const id = buf[i++]!;
    const spec = RECEIVED[id];
    if (spec === undefined) return malformed(`${name} with unknown property ${hex(id)} [MQTT-2.2.2.2]`);
    const { type: kind, name: pname } = spec;
    if ((spec.packets & (1 << type)) === 0) return malformed(`${name} with property ${pname}, which ${article(name)} ${name} cannot carry [MQTT-2.2.2.2]`);
    if (!spec.repeatable) {
      const bit = 1 << (id & 31);
      const seen = id < 32 ? seenLow : seenHigh;
      if (seen & bit) return protocol(`${name} with property ${pname} more than once [MQTT-2.2.2.2]`);
      if (id < 32) seenLow |= bit; else seenHigh |= bit;
    }
    const width = WIDTH[kind] ?? 0;
    if (width > 0) {
      if (i + width > stop) return overrun(name, pname);
      const value = width === 1 ? buf[i]! : width === 2 ? u16(buf, i) : buf.readUInt32BE(i);
      if (spec.boolean && value > 1) return protocol(`${name} with ${pname} ${value} (must be 0 or 1) [MQTT-2.2.2.2]`);
      // topic alias 0 is the session's to refuse (inbound.ts, [MQTT-3.3.2-8])
      if (value === 0 && spec.nonZero && id !== TOPIC_ALIAS) return protocol(`${name} with ${pname} 0 [MQTT-2.2.2.2]`);
      if (id === TOPIC_ALIAS) sawTopicAlias = true;
      i += width;
    } else if (kind === 'varint') {
      let value = 0;
      let m = 1;
      for (let n = 0; ; n++) {
        if (i >= stop || n === 4) return overrun(name, pname);
        const b = buf[i++]!;
        value += (b & 0x7f) * m;
        m *= 128;
        if ((b & 0x80) === 0) break;
      }
      if (value === 0 && spec.nonZero) return protocol(`${name} with ${pname} 0 [MQTT-3.3.2.3.8]`);
    } else {
      const strings = kind === 'pair' ? 2 : 1;
      const start = i;
      for (let s = 0; s < strings; s++) {
        if (i + 2 > stop || i + 2 + u16(buf, i) > stop) return overrun(name, pname);
        const from = i + 2;
        i = from + u16(buf, i);
        if (kind !== 'binary') {
          const bad = stringDefect(buf.subarray(from, i), name, pname);
          if (bad) return bad;
          if (id === 0x08 && buf.subarray(from, i).some((c) => c === 0x23 || c === 0x2b)) {
            return protocol(`${name} with a response-topic containing the wildcards + or # [MQTT-3.3.2-14]`);
          }
        }
      }
      if (kind === 'pair' && type === 3) {
        const klen = u16(buf, start);
        (userPairs ??= []).push([buf.toString('utf8', start + 2, start + 2 + klen), buf.toString('utf8', start + 4 + klen, i)]);
      }
    }
  }
  return stop;
}

function overrun(name: string, pname: string): PacketError {
  return malformed(`${name} whose ${pname} runs past the end of its properties [MQTT-2.2.2.2]`);
}

function stringDefect(s: Buffer, name: string, pname: string): PacketError | undefined {
  if (s.indexOf(0) >= 0) return malformed(`${name} with ${article(pname)} ${pname} containing U+0000 [MQTT-1.5.4-2]`);
  if (!isUtf8(s)) return malformed(`${name} with ${article(pname)} ${pname} that is not well-formed UTF-8 [MQTT-1.5.4-1]`);
  return undefined;
}
