// --json (ours): one JSON object per line per message, lossless: the payload as UTF-8 text when it is
// valid UTF-8 ("encoding":"utf8"), else base64 ("encoding":"base64"); every v5 property; user
// properties as [key, value] pairs so order and duplicates survive.
import { isUtf8 } from 'node:buffer';
import type { InboundMessage } from '../../session/types.ts';
import type { OutBuffer } from './out-buffer.ts';

/** also tsrr --json's request fields */
export function bytesField(b: Buffer): { text: string; encoding: 'utf8' | 'base64' } {
  return isUtf8(b) ? { text: b.toString('utf8'), encoding: 'utf8' } : { text: b.toString('base64'), encoding: 'base64' };
}

/** the message object itself: tsrr --json adds its request fields beside it */
export function oursJson(msg: InboundMessage, nowMs: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    tst: new Date(nowMs).toISOString(),
    topic: msg.topic,
    qos: msg.qos,
    retain: msg.retain,
  };
  if (msg.dup) o.dup = true;
  if (msg.messageId !== undefined && msg.qos > 0) o.mid = msg.messageId;
  o.payloadlen = msg.payload.length;
  const p = bytesField(msg.payload);
  o.encoding = p.encoding;
  o.payload = p.text;
  const props = msg.properties;
  if (props && Object.keys(props).some((k) => (props as Record<string, unknown>)[k] !== undefined)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined) continue;
      if (k === 'userProperties') {
        const pairs: Array<[string, string]> = [];
        for (const [uk, uv] of Object.entries(v as Record<string, string | string[]>)) {
          for (const one of Array.isArray(uv) ? uv : [uv]) pairs.push([uk, String(one)]);
        }
        out.userProperties = pairs;
      } else if (k === 'correlationData') {
        const c = bytesField(v as Buffer);
        out.correlationData = c.text;
        out.correlationDataEncoding = c.encoding;
      } else if (k === 'payloadFormatIndicator') {
        out.payloadFormatIndicator = v ? 1 : 0;
      } else {
        out[k] = v;
      }
    }
    o.properties = out;
  }
  return o;
}

export function writeOursJson(out: OutBuffer, msg: InboundMessage, nowMs: number, pretty: boolean): void {
  out.str(JSON.stringify(oursJson(msg, nowMs), null, pretty ? 2 : undefined));
}
