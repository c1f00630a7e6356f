// The only importer of mqtt-packet: encode packets and decode a byte stream,
// always with the negotiated protocol version on both sides.
import mqtt from 'mqtt-packet';
import type { Packet } from 'mqtt-packet';

export type {
  Packet, IConnectPacket, IConnackPacket, IPublishPacket, IPubackPacket, IPubrecPacket,
  IPubrelPacket, IPubcompPacket, ISubscribePacket, ISubackPacket, IUnsubscribePacket,
  IUnsubackPacket, IDisconnectPacket, IAuthPacket, ISubscription, QoS, UserProperties,
} from 'mqtt-packet';

/** 3 = MQTT 3.1 (MQIsdp), 4 = 3.1.1, 5 = 5.0 */
export type ProtocolVersion = 3 | 4 | 5;

export function encode(packet: Packet, version: ProtocolVersion): Buffer {
  return mqtt.generate(packet, { protocolVersion: version });
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
