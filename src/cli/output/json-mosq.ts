// %j / %J: the JSON object mosquitto develop's mosquitto_sub prints (cJSON): tst (local time with
// microseconds and the offset, "2026-01-02T03:04:05.678900+0000"), topic, qos, retain (true/false),
// payloadlen, mid (QoS > 0), properties (v5, in the order they came; "user-properties" an array of
// one-pair objects, in order, duplicates kept, at the place of the first), payload (a string for %j,
// the payload's own JSON for %J). mosquitto 2.0.11 differs: "...Z+0000", retain 0/1, and the user
// properties as one object.
import type { InboundMessage } from '../../session/types.ts';
import { userPropertyList } from '../../protocol/codec.ts';
import { cjFalse, cjNull, cjNum, cjStr, cjTrue, key, parseCJ, printCJ, type CJ } from './cjson.ts';
import type { OutBuffer } from './out-buffer.ts';
import { tzOffset } from './strftime.ts';

const K_TST = key('tst'), K_TOPIC = key('topic'), K_QOS = key('qos'), K_RETAIN = key('retain');
const K_LEN = key('payloadlen'), K_MID = key('mid'), K_PROPS = key('properties'), K_PAYLOAD = key('payload');
const K_USER = key('user-properties');

const PROP_NAMES: Record<string, Uint8Array> = {
  payloadFormatIndicator: key('payload-format-indicator'),
  messageExpiryInterval: key('message-expiry-interval'),
  contentType: key('content-type'),
  responseTopic: key('response-topic'),
  correlationData: key('correlation-data'),
  subscriptionIdentifier: key('subscription-identifier'),
  topicAlias: key('topic-alias'),
};

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** "%Y-%m-%dT%H:%M:%S.<usec>%z" on local time, as develop's format_time_8601() builds it */
function mosqTst(d: Date, nsec: number): string {
  const us = String(Math.floor(nsec / 1000)).padStart(6, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us}${tzOffset(d)}`;
}

function propertiesCJ(props: Record<string, unknown>): CJ | undefined {
  const entries: Array<[Uint8Array, CJ]> = [];
  for (const name of Object.keys(props)) {
    const v = props[name];
    if (v === undefined) continue;
    if (name === 'userProperties') {
      // in packet order (the codec's list; mqtt-packet's object groups them by key)
      const user: CJ[] = userPropertyList(props).map(([k, one]) => ({ t: 'obj', entries: [[key(k), cjStr(one)]] }));
      if (user.length) entries.push([K_USER, { t: 'arr', items: user }]);
      continue;
    }
    const k = PROP_NAMES[name];
    if (!k) continue;
    if (name === 'payloadFormatIndicator') entries.push([k, cjNum(v ? 1 : 0)]);
    else if (name === 'contentType' || name === 'responseTopic') entries.push([k, cjStr(String(v))]);
    else if (name === 'correlationData') entries.push([k, cjStr(v as Buffer)]);
    else if (Array.isArray(v)) for (const one of v) entries.push([k, cjNum(Number(one))]);
    else entries.push([k, cjNum(Number(v))]);
  }
  return entries.length ? { t: 'obj', entries } : undefined;
}

/** Writes the object; returns false (and writes nothing) when %J's payload is not valid JSON. */
export function writeMosqJson(out: OutBuffer, msg: InboundMessage, d: Date, nsec: number, escaped: boolean, pretty: boolean): boolean {
  const len = msg.payload.length;
  let payload: CJ;
  if (len === 0) payload = cjNull;
  else if (escaped) payload = cjStr(msg.payload);
  else {
    const parsed = parseCJ(msg.payload);
    if (!parsed) return false;
    payload = parsed;
  }
  const entries: Array<[Uint8Array, CJ]> = [
    [K_TST, cjStr(mosqTst(d, nsec))],
    [K_TOPIC, cjStr(msg.topic)],
    [K_QOS, cjNum(msg.qos)],
    [K_RETAIN, msg.retain ? cjTrue : cjFalse],
    [K_LEN, cjNum(len)],
  ];
  if (msg.qos > 0) entries.push([K_MID, cjNum(msg.messageId ?? 0)]);
  if (msg.properties) {
    const props = propertiesCJ(msg.properties as Record<string, unknown>);
    if (props) entries.push([K_PROPS, props]);
  }
  entries.push([K_PAYLOAD, payload]);
  printCJ(out, { t: 'obj', entries }, pretty);
  return true;
}
