// One stdin line → one PUBLISH, in three forms (mosquitto issue 3060 asks for a topic per line):
//   raw  : the line is the payload, topic/QoS/retain from the options (mosquitto_pub -l)
//   tab  : topic<TAB>payload (the payload may contain more TABs)
//   json : {"topic","payload","qos","retain","properties"}; payload a string (or any JSON value,
//          sent as its JSON text); retain true/false or 1/0; properties with tssub's %j names
//          ("content-type", "user-properties", ...) or mqtt-packet's (contentType, userProperties, ...)
import { checkTopicName } from '../../protocol/topic.ts';
import type { OutboundMessage, PublishProperties, QoS } from '../../session/types.ts';
import { UsageError } from '../runtime/errors.ts';

export type LineFormat = 'raw' | 'json' | 'tab';

/** --line-format's value parser */
export const parseLineFormat = (raw: string, name: string): LineFormat => {
  if (raw === 'raw' || raw === 'json' || raw === 'tab') return raw;
  throw new UsageError(`${name}: unknown line format '${raw}' (use raw, json or tab).`);
};

export interface LineDefaults {
  topic: string | undefined;
  qos: QoS;
  retain: boolean;
  properties: PublishProperties | undefined;
  v5: boolean;
}

/** Returns the message, or an error text for this line. */
export type LineParser = (line: Buffer) => OutboundMessage | string;

export function lineParser(format: LineFormat, d: LineDefaults): LineParser {
  if (format === 'raw') {
    const topic = d.topic!;
    return (line) => ({ topic, payload: line, qos: d.qos, retain: d.retain, properties: d.properties });
  }
  if (format === 'tab') {
    return (line) => {
      const tab = line.indexOf(9);
      if (tab < 0) return 'no TAB between topic and payload';
      const topic = line.toString('utf8', 0, tab);
      const bad = checkTopicName(topic);
      if (bad) return bad;
      return { topic, payload: line.subarray(tab + 1), qos: d.qos, retain: d.retain, properties: d.properties };
    };
  }
  return (line) => jsonLine(line, d);
}

const PROP_NAMES: Record<string, keyof PublishProperties> = {
  'content-type': 'contentType', contentType: 'contentType',
  'response-topic': 'responseTopic', responseTopic: 'responseTopic',
  'correlation-data': 'correlationData', correlationData: 'correlationData',
  'message-expiry-interval': 'messageExpiryInterval', messageExpiryInterval: 'messageExpiryInterval',
  'payload-format-indicator': 'payloadFormatIndicator', payloadFormatIndicator: 'payloadFormatIndicator',
  'user-properties': 'userProperties', userProperties: 'userProperties', 'user-property': 'userProperties',
  'topic-alias': 'topicAlias', topicAlias: 'topicAlias',
};

function jsonLine(line: Buffer, d: LineDefaults): OutboundMessage | string {
  let o: unknown;
  try {
    o = JSON.parse(line.toString('utf8'));
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'a JSON object {"topic": ..., "payload": ...} is expected';
  const r = o as Record<string, unknown>;
  const topic = r.topic === undefined ? d.topic : r.topic;
  if (typeof topic !== 'string') return topic === undefined ? 'no "topic" (and no -t default)' : '"topic" must be a string';
  const bad = checkTopicName(topic);
  if (bad) return bad;
  const p = r.payload;
  const payload = p === undefined || p === null ? Buffer.alloc(0) : Buffer.from(typeof p === 'string' ? p : JSON.stringify(p));
  let qos = d.qos;
  if (r.qos !== undefined) {
    if (r.qos !== 0 && r.qos !== 1 && r.qos !== 2) return '"qos" must be 0, 1 or 2';
    qos = r.qos;
  }
  let retain = d.retain;
  if (r.retain !== undefined) {
    if (r.retain === true || r.retain === 1) retain = true;
    else if (r.retain === false || r.retain === 0) retain = false;
    else return '"retain" must be true, false, 1 or 0';
  }
  let properties = d.properties;
  if (r.properties !== undefined) {
    if (!d.v5) return '"properties" need MQTT 5 (-V 5)';
    const got = jsonProperties(r.properties);
    if (typeof got === 'string') return got;
    properties = { ...d.properties, ...got };
  }
  return { topic, payload, qos, retain, properties };
}

function jsonProperties(v: unknown): PublishProperties | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '"properties" must be an object';
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const field = PROP_NAMES[k];
    if (!field) return `unknown property "${k}"`;
    switch (field) {
      case 'contentType': case 'responseTopic':
        if (typeof val !== 'string') return `"${k}" must be a string`;
        out[field] = val;
        break;
      case 'correlationData':
        if (typeof val !== 'string') return `"${k}" must be a string`;
        out[field] = Buffer.from(val);
        break;
      case 'messageExpiryInterval': case 'topicAlias':
        if (typeof val !== 'number' || !Number.isInteger(val) || val < 0) return `"${k}" must be a non-negative integer`;
        out[field] = val;
        break;
      case 'payloadFormatIndicator':
        out[field] = val === true || val === 1;
        break;
      case 'userProperties': {
        if (typeof val !== 'object' || val === null || Array.isArray(val)) return `"${k}" must be an object of strings`;
        for (const x of Object.values(val)) {
          if (typeof x !== 'string' && !(Array.isArray(x) && x.every((y) => typeof y === 'string'))) return `"${k}" values must be strings`;
        }
        out[field] = val;
        break;
      }
      default:
        return `unknown property "${k}"`;
    }
  }
  return out as PublishProperties;
}

/** --changes-only: true when this payload equals the last one sent on the topic. */
export class ChangeFilter {
  private last = new Map<string, Buffer>();
  isRepeat(msg: OutboundMessage): boolean {
    const prev = this.last.get(msg.topic);
    if (prev !== undefined && prev.equals(msg.payload)) return true;
    // copy: the line may be a view into a stdin chunk
    this.last.set(msg.topic, Buffer.from(msg.payload));
    return false;
  }
}
