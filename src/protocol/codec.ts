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

export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  if (packet.cmd === 'publish' && !packet.properties) return encodePublish(packet, version);
  return mqtt.generate(packet, { protocolVersion: version });
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

/** Incremental decoder: feed it socket chunks, it calls sink.onPacket per complete packet. */
export class Decoder {
  private parser: ReturnType<typeof mqtt.parser>;
  constructor(version: ProtocolVersion, sink: DecoderSink) {
    this.parser = mqtt.parser({ protocolVersion: version });
    this.parser.on('packet', (p: Packet) => sink.onPacket(p));
    this.parser.on('error', (e: Error) => sink.onError(e));
  }
  /** Switch version after CONNECT/CONNACK (a broker may parse before knowing it). */
  setVersion(version: ProtocolVersion): void {
    (this.parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = version;
  }
  push(chunk: Buffer): void {
    this.parser.parse(chunk);
  }
}
