// The PUBLISH packet of an outbox entry as this connection sends it: v5 properties only on MQTT 5,
// topic aliases for repeated topics when the broker allows them [MQTT-3.3.2.3.4], and the size
// check against MQTT's limit and the broker's maximum packet size.
import type { IPublishPacket, ProtocolVersion } from '../protocol/codec.ts';
import { MessageTooLargeError } from './errors.ts';
import type { Entry } from './outbox.ts';
import { oversize, oversizeText } from './publish-size.ts';

export class PublishOut {
  private aliases: Map<string, number> | undefined;
  private aliasMax = 0;
  /** the broker's v5 maximum packet size, once its CONNACK said */
  maxPacketSize: number | undefined;

  constructor(private readonly version: ProtocolVersion) {}

  /** from the broker's v5 CONNACK: its maximum packet size, and its topic alias maximum when we send aliases */
  limits(maxPacketSize: number | undefined, aliasMax: number | undefined): void {
    if (maxPacketSize) this.maxPacketSize = maxPacketSize;
    if (aliasMax) {
      this.aliasMax = aliasMax;
      this.aliases = new Map();
    }
  }

  /** why the entry cannot be sent on this connection, or undefined */
  tooLarge(e: Entry): Error | undefined {
    const o = oversize(e.msg, this.version, this.maxPacketSize, this.aliases !== undefined);
    return o && new MessageTooLargeError(`message for '${e.msg.topic}' ${oversizeText(o)}`);
  }

  packet(e: Entry, dup: boolean): IPublishPacket {
    const m = e.msg;
    const p: IPublishPacket = { cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain, dup, messageId: e.id || undefined };
    if (this.version === 5 && m.properties) p.properties = m.properties;
    const aliases = this.aliases;
    if (aliases) {
      const alias = aliases.get(p.topic);
      if (alias !== undefined) {
        p.properties = { ...p.properties, topicAlias: alias };
        p.topic = '';
      } else if (aliases.size < this.aliasMax) {
        aliases.set(p.topic, aliases.size + 1);
        p.properties = { ...p.properties, topicAlias: aliases.size };
      }
    }
    return p;
  }
}
