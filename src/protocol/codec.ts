// The only importer of mqtt-packet: encode packets and decode a byte stream,
// always with the negotiated protocol version on both sides.
import mqtt from 'mqtt-packet';
import type { IPublishPacket, Packet } from 'mqtt-packet';

export type {
  Packet, IConnectPacket, IConnackPacket, IPublishPacket, IPubackPacket, IPubrecPacket,
  IPubrelPacket, IPubcompPacket, ISubscribePacket, ISubackPacket, IUnsubscribePacket,
  IUnsubackPacket, IDisconnectPacket, IAuthPacket, ISubscription, QoS, UserProperties,
} from 'mqtt-packet';

// mqtt-packet otherwise builds a cache of 65,536 two-byte buffers on the first encode: ~35 ms of
// start-up for a one-shot publish (measured with strace: connect() to the CONNECT write).
mqtt.writeToStream.cacheNumbers = false;

/** 3 = MQTT 3.1 (MQIsdp), 4 = 3.1.1, 5 = 5.0 */
export type ProtocolVersion = 3 | 4 | 5;

type AckCmd = 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';
/** first byte of each acknowledgement (PUBREL has the required flags 0b0010 [MQTT-3.6.1-1]) */
const ACK_BYTE: Record<AckCmd, number> = { puback: 0x40, pubrec: 0x50, pubrel: 0x62, pubcomp: 0x70 };
const ACK_CMD: Partial<Record<number, AckCmd>> = { 0x40: 'puback', 0x50: 'pubrec', 0x62: 'pubrel', 0x70: 'pubcomp' };

export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  const cmd = packet.cmd;
  if (cmd === 'publish' && !packet.properties) return encodePublish(packet, version);
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

/**
 * PUBLISH without properties, the hot path of every pipe: one allocation, no intermediate
 * buffers (mqtt-packet writes 4-6 pieces and concatenates them) [MQTT-3.3.1, MQTT-3.3.2].
 */
function encodePublish(p: IPublishPacket, version: ProtocolVersion): Buffer {
  const payload = typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload;
  const topicLen = Buffer.byteLength(p.topic);
  const qos = p.qos ?? 0;
  const remaining = 2 + topicLen + (qos > 0 ? 2 : 0) + (version === 5 ? 1 : 0) + payload.length;
  let lenBytes = 1;
  for (let n = remaining; n >= 128; n = Math.floor(n / 128)) lenBytes++;
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
    buf.writeUInt16BE(p.messageId ?? 0, pos);
    pos += 2;
  }
  if (version === 5) buf[pos++] = 0; // property length 0
  payload.copy(buf, pos);
  return buf;
}

export interface DecoderSink {
  onPacket(packet: Packet): void;
  onError(err: Error): void;
}

/** the parts of mqtt-packet's Parser that tell whether it holds part of a packet */
interface ParserState {
  settings: { protocolVersion: number };
  _list: { length: number };
  _stateCounter: number;
}

/**
 * Incremental decoder: feed it socket chunks, it calls sink.onPacket per complete packet.
 * The 4-byte acknowledgements that make up half the traffic of a QoS 1/2 stream are read here,
 * without the general parser (its buffer list and state machine cost ~1 us a packet), whenever
 * the parser holds no partial packet; anything else goes to mqtt-packet. The packets are the same
 * objects mqtt-packet makes (test/codec.test.ts compares them).
 */
export class Decoder {
  private parser: ReturnType<typeof mqtt.parser>;
  private v5: boolean;
  constructor(version: ProtocolVersion, private readonly sink: DecoderSink) {
    this.v5 = version === 5;
    this.parser = mqtt.parser({ protocolVersion: version });
    this.parser.on('packet', (p: Packet) => sink.onPacket(p));
    this.parser.on('error', (e: Error) => sink.onError(e));
  }
  /** Switch version after CONNECT/CONNACK (a broker may parse before knowing it). */
  setVersion(version: ProtocolVersion): void {
    this.v5 = version === 5;
    (this.parser as unknown as ParserState).settings.protocolVersion = version;
  }
  push(chunk: Buffer): void {
    let pos = 0;
    const state = this.parser as unknown as ParserState;
    if (state._list.length === 0 && state._stateCounter === 0) {
      while (pos + 4 <= chunk.length && chunk[pos + 1] === 2) {
        const cmd = ACK_CMD[chunk[pos]!];
        if (cmd === undefined) break;
        const p = { cmd, retain: false, qos: cmd === 'pubrel' ? 1 : 0, dup: false, length: 2, topic: null, payload: null, messageId: (chunk[pos + 2]! << 8) | chunk[pos + 3]! } as Packet;
        if (this.v5) (p as { reasonCode?: number }).reasonCode = 0;
        pos += 4;
        this.sink.onPacket(p);
      }
      if (pos === chunk.length) return;
    }
    this.parser.parse(pos === 0 ? chunk : chunk.subarray(pos));
  }
}
