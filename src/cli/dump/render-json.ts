// tsdump --json: one object per line, per packet and per connection event (README, "tsdump --json").
// A PUBLISH carries the message schema's fields (cli/messages/message-json.ts: topic, qos, retain,
// mid, payloadlen, encoding, payload, properties), so `tspub --replay` and jq read it as they read
// `tssub --json`. Other packets' properties: camelCase keys, binary values base64 with a
// <key>Encoding field, user properties as [key, value] pairs in packet order.
import { isUtf8 } from 'node:buffer';
import { codeText } from './codes.ts';
import type { DumpPacket, DumpProperty } from '../../protocol/dump-decode.ts';
import { encodeBytes, messageToJson, MESSAGE_JSON_VERSION } from '../messages/message-json.ts';
import type { InboundMessage, PublishProperties, QoS } from '../../session/types.ts';
import type { ConnSummary, PacketEvent, Renderer, RenderOptions, Side } from './events.ts';

/** properties as an object (repeated ones, e.g. subscription identifiers, as a list) */
export function propsJson(props: readonly DumpProperty[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of props) {
    const v = p.value;
    if (p.id === 0x26) {
      ((out.userProperties ??= []) as unknown[]).push([...(v as readonly [string, string])]);
      continue;
    }
    let value: unknown = v;
    if (Buffer.isBuffer(v)) {
      const e = encodeBytes(v);
      value = e.text;
      out[`${p.key}Encoding`] = e.encoding;
    }
    const had = out[p.key];
    out[p.key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

/** a PUBLISH's properties as the message schema has them (PublishProperties) */
function publishProps(props: readonly DumpProperty[] | undefined): PublishProperties | undefined {
  if (!props || props.length === 0) return undefined;
  const o: PublishProperties = {};
  const pairs: Array<[string, string]> = [];
  for (const p of props) {
    const v = p.value;
    switch (p.id) {
      case 0x01: o.payloadFormatIndicator = v === 1; break;
      case 0x02: o.messageExpiryInterval = v as number; break;
      case 0x03: o.contentType = v as string; break;
      case 0x08: o.responseTopic = v as string; break;
      case 0x09: o.correlationData = v as Buffer; break;
      case 0x0b: {
        const had = o.subscriptionIdentifier;
        o.subscriptionIdentifier = had === undefined ? (v as number) : [...(Array.isArray(had) ? had : [had]), v as number];
        break;
      }
      case 0x23: o.topicAlias = v as number; break;
      case 0x26: pairs.push([...(v as readonly [string, string])]); break;
      default: break; // not a PUBLISH property: left out of the message schema
    }
  }
  if (pairs.length > 0) o.userPropertyList = pairs;
  return o;
}

export class JsonRenderer implements Renderer {
  constructor(private readonly o: RenderOptions) {}

  private base(ms: number, conn: number): Record<string, unknown> {
    return { v: MESSAGE_JSON_VERSION, tst: new Date(ms).toISOString(), conn };
  }

  private payloadFields(o: Record<string, unknown>, payload: Buffer): void {
    const max = this.o.maxPayload;
    o.payloadlen = payload.length;
    const e = encodeBytes(max !== undefined && payload.length > max ? payload.subarray(0, max) : payload);
    o.encoding = e.encoding;
    o.payload = e.text;
  }

  packet(e: PacketEvent): string {
    const p = e.packet;
    if (p.type === 'publish' && !p.properties?.length && !e.timing) return this.plainPublish(e, p);
    const o = this.base(e.ms, e.conn);
    o.from = e.from;
    o.type = p.type;
    o.size = p.size;
    if (p.type === 'publish') {
      const msg: InboundMessage = {
        topic: p.topic!, payload: p.payload!, qos: p.qos as QoS, retain: p.retain!, dup: p.dup!,
        messageId: p.messageId, properties: publishProps(p.properties),
      };
      const m = messageToJson(msg, e.ms);
      delete m.v;
      delete m.tst;
      Object.assign(o, m);
      if (m.dup === undefined) o.dup = false;
      this.payloadFields(o, p.payload!);
      if (m.properties !== undefined) { delete o.properties; o.properties = m.properties; }
    } else this.fields(o, p, e.version);
    if (e.timing) {
      o.ms = round(e.timing.stepMs);
      o.totalMs = round(e.timing.totalMs);
    }
    return `${JSON.stringify(o)}\n`;
  }

  // plainPublish's caches: the packets of one chunk share a time, a connection and a direction,
  // and a stream mostly repeats its topics (the decoder hands the same string back for them)
  private headKey = NaN;
  private headConn = 0;
  private headFrom: Side = 'client';
  private head = '';
  private lastTopic = '';
  private lastTopicJson = '""';

  /** the hot path (most of any dump): a PUBLISH without properties, built as a string, field order as packet() has it */
  private plainPublish(e: PacketEvent, p: DumpPacket): string {
    if (e.ms !== this.headKey || e.conn !== this.headConn || e.from !== this.headFrom) {
      this.headKey = e.ms;
      this.headConn = e.conn;
      this.headFrom = e.from;
      this.head = `{"v":${MESSAGE_JSON_VERSION},"tst":"${new Date(e.ms).toISOString()}","conn":${e.conn},"from":"${e.from}","type":"publish","size":`;
    }
    const topic = p.topic!;
    if (topic !== this.lastTopic) {
      this.lastTopic = topic;
      this.lastTopicJson = JSON.stringify(topic);
    }
    const max = this.o.maxPayload;
    const payload = p.payload!;
    const shown = max !== undefined && payload.length > max ? payload.subarray(0, max) : payload;
    return `${this.head}${p.size},"topic":${this.lastTopicJson},"qos":${p.qos},"retain":${p.retain}${p.dup ? ',"dup":true' : ''}`
      + `${p.messageId !== undefined && p.qos! > 0 ? `,"mid":${p.messageId}` : ''},"payloadlen":${payload.length},${payloadJson(shown)}`
      + `${p.dup ? '' : ',"dup":false'}}\n`;
  }

  private fields(o: Record<string, unknown>, p: DumpPacket, version: number): void {
    if (p.type === 'connect') {
      o.protocolName = p.protocolName;
      o.protocolVersion = p.protocolVersion;
      o.clientId = p.clientId;
      o.keepalive = p.keepalive;
      o.clean = p.clean;
      if (p.username !== undefined) o.username = p.username;
      if (p.password !== undefined) {
        if (this.o.showPasswords) {
          const e = encodeBytes(p.password);
          o.password = e.text;
          o.passwordEncoding = e.encoding;
        } else o.password = '***';
      }
      if (p.will) {
        const w: Record<string, unknown> = { topic: p.will.topic, qos: p.will.qos, retain: p.will.retain };
        this.payloadFields(w, p.will.payload);
        if (p.will.properties) w.properties = propsJson(p.will.properties);
        o.will = w;
      }
    }
    if (p.sessionPresent !== undefined) o.sessionPresent = p.sessionPresent;
    if (p.messageId !== undefined) o.mid = p.messageId;
    if (p.reasonCode !== undefined) {
      o.reasonCode = p.reasonCode;
      o.reason = codeText(p.type, p.reasonCode, version);
    }
    if (p.subscriptions) o.subscriptions = p.subscriptions;
    if (p.topics) o.topics = p.topics;
    if (p.reasonCodes) {
      o.reasonCodes = p.reasonCodes;
      o.reasons = p.reasonCodes.map((c) => codeText(p.type, c, version));
    }
    if (p.properties && p.properties.length > 0) o.properties = propsJson(p.properties);
  }

  open(ms: number, conn: number, client: string, broker: string): string {
    return `${JSON.stringify({ ...this.base(ms, conn), event: 'open', client, broker })}\n`;
  }

  close(ms: number, s: ConnSummary): string {
    const o: Record<string, unknown> = { ...this.base(ms, s.conn), event: 'close' };
    if (s.clientId !== undefined) o.clientId = s.clientId;
    Object.assign(o, {
      reason: s.reason, durationMs: round(s.durationMs), packets: s.packets, bytes: s.bytes,
      messages: { qos0: s.messages[0], qos1: s.messages[1], qos2: s.messages[2] },
    });
    if (s.slowestAck) o.slowestAck = { type: s.slowestAck.type, mid: s.slowestAck.messageId, ms: round(s.slowestAck.ms) };
    return `${JSON.stringify(o)}\n`;
  }

  error(ms: number, conn: number, from: Side, text: string): string {
    return `${JSON.stringify({ ...this.base(ms, conn), event: 'error', from, error: text })}\n`;
  }

  dropped(ms: number, count: number): string {
    return `${JSON.stringify({ v: MESSAGE_JSON_VERSION, tst: new Date(ms).toISOString(), event: 'dropped', packets: count })}\n`;
  }
}

// JSON's short escapes of bytes below 0x20 (\b \t \n \f \r), as JSON.stringify writes them; the others are \u00XX
const SHORT_ESCAPES = new Uint8Array(0x20);
SHORT_ESCAPES[8] = 0x62;
SHORT_ESCAPES[9] = 0x74;
SHORT_ESCAPES[10] = 0x6e;
SHORT_ESCAPES[12] = 0x66;
SHORT_ESCAPES[13] = 0x72;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
let scratch = Buffer.alloc(4096);

/**
 * `"encoding":"utf8","payload":"..."` exactly as encodeBytes and JSON.stringify make it, written
 * byte by byte into a scratch buffer: one string per payload instead of three (the text, its
 * escaped copy, the line), about twice as fast. Valid UTF-8 is copied as it is (JSON.stringify
 * escapes only control characters, `"` and `\\` in it); anything else is base64.
 */
export function payloadJson(b: Buffer): string {
  const n = b.length;
  if (scratch.length < n * 6) scratch = Buffer.alloc(n * 6);
  const out = scratch;
  let o = 0;
  let high = false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
      if (c >= 0x80) high = true;
      out[o++] = c;
      continue;
    }
    out[o++] = 0x5c;
    if (c >= 0x20) { out[o++] = c; continue; }
    const short = SHORT_ESCAPES[c]!;
    if (short !== 0) { out[o++] = short; continue; }
    out[o] = 0x75;
    out[o + 1] = 0x30;
    out[o + 2] = 0x30;
    out[o + 3] = HEX[c >> 4]!;
    out[o + 4] = HEX[c & 15]!;
    o += 5;
  }
  if (high && !isUtf8(b)) return `"encoding":"base64","payload":"${b.toString('base64')}"`;
  return `"encoding":"utf8","payload":"${out.toString(high ? 'utf8' : 'latin1', 0, o)}"`;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
