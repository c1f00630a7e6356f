// One stdin line → one PUBLISH, in three forms (mosquitto issue 3060 asks for a topic per line):
//   raw  : the line is the payload, topic/QoS/retain from the options (mosquitto_pub -l)
//   tab  : topic<TAB>payload (the payload may contain more TABs)
//   json : one object per line in the message schema tssub --json prints (message-json.ts), also
//          hand-written ({"topic","payload"}) and mosquitto_sub's -F %j/%J lines
import { isUtf8 } from 'node:buffer';
import { checkTopicName } from '../../protocol/topic.ts';
import type { OutboundMessage } from '../../session/types.ts';
import { UsageError } from '../runtime/errors.ts';
import { messageFromJson, type MessageDefaults } from './message-json.ts';

export type LineFormat = 'raw' | 'json' | 'tab';

/** --line-format's value parser */
export const parseLineFormat = (raw: string, name: string): LineFormat => {
  if (raw === 'raw' || raw === 'json' || raw === 'tab') return raw;
  throw new UsageError(`${name}: unknown line format '${raw}' (use raw, json or tab).`);
};

/** what a line does not say: -t, -q, -r, -D publish, and whether MQTT 5 properties can be sent */
export type LineDefaults = MessageDefaults;

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

function jsonLine(line: Buffer, d: LineDefaults): OutboundMessage | string {
  // JSON text is UTF-8 [RFC 8259]; decoding other bytes would replace them, silently changing the message
  if (!isUtf8(line)) return 'not valid UTF-8 (a binary payload goes in base64: "encoding":"base64")';
  let o: unknown;
  try {
    o = JSON.parse(line.toString('utf8'));
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'a JSON object {"topic": ..., "payload": ...} is expected';
  return messageFromJson(o as Record<string, unknown>, d);
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
