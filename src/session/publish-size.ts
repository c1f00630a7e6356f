// Whether a PUBLISH fits: MQTT's remaining-length limit [MQTT-2.2.3] and the broker's v5 maximum
// packet size [MQTT-3.1.2-24]. One check for the connection (a safety net for every message) and
// for tools that want to name the message themselves before handing it over (tspub -l's line number).
import { MAX_REMAINING_LENGTH, publishSize, type ProtocolVersion } from '../protocol/codec.ts';
import type { OutboundMessage } from './types.ts';

/** a topic alias property (id + 2 bytes) and a longer property length, added after the check */
const ALIAS_SLACK = 4;
/** fixed header, topic length, packet id, property length: at most this much beyond topic and payload */
const HEADER_MAX = 16;

export interface Oversize {
  /** what the limit applies to: the remaining length ('mqtt') or the whole packet ('broker') */
  size: number;
  /** 'mqtt': over the remaining-length limit; 'broker': over the broker's maximum packet size */
  by: 'mqtt' | 'broker';
  limit: number;
}

/** encoded size of a properties object: a -D pipe hands the same object with every line */
const propertyBytes = new WeakMap<object, number>();

function propertiesSize(props: object): number {
  let n = propertyBytes.get(props);
  if (n === undefined) {
    const base = { cmd: 'publish', topic: '', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false } as const;
    n = publishSize({ ...base, properties: props }, 5).total - publishSize(base, 5).total;
    propertyBytes.set(props, n);
  }
  return n;
}

/** undefined when msg fits; cheap for the usual small message (no encoding, no byteLength). */
export function oversize(msg: OutboundMessage, version: ProtocolVersion, brokerMax: number | undefined, aliases = false): Oversize | undefined {
  const bound = Math.min(brokerMax ?? Infinity, MAX_REMAINING_LENGTH);
  const props = version === 5 && msg.properties ? propertiesSize(msg.properties) : 0;
  // a UTF-16 code unit is at most 3 UTF-8 bytes
  if (msg.payload.length + msg.topic.length * 3 + props + HEADER_MAX + ALIAS_SLACK < bound) return undefined;
  const slack = aliases ? ALIAS_SLACK : 0;
  const { remaining, total } = publishSize({
    cmd: 'publish', topic: msg.topic, payload: msg.payload, qos: msg.qos, retain: msg.retain, dup: false,
    messageId: msg.qos > 0 ? 1 : undefined, ...(version === 5 && msg.properties ? { properties: msg.properties } : {}),
  }, version);
  if (remaining + slack > MAX_REMAINING_LENGTH) return { size: remaining + slack, by: 'mqtt', limit: MAX_REMAINING_LENGTH };
  if (brokerMax !== undefined && total + slack > brokerMax) return { size: total, by: 'broker', limit: brokerMax };
  return undefined;
}

/** the sentence after "the message ..." for an Oversize */
export function oversizeText(o: Oversize): string {
  return o.by === 'mqtt'
    ? `is ${o.size} bytes after its fixed header, over MQTT's limit of ${o.limit}`
    : `is ${o.size} bytes; the broker accepts packets of at most ${o.limit} bytes`;
}
