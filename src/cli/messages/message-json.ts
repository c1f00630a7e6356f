// The one JSON shape of a message (schema version 1): what `tssub --json` prints, what
// `tspub -l --line-format json` reads, and the line format of a recording (tsrr --json and
// `tspub --replay` use it too). Both directions live here so that a field name or an encoding
// cannot drift between the printer and the reader. README ("The JSON message format") documents it.
//
// Lossless: payload and correlation data are UTF-8 text when they are valid UTF-8, else base64,
// with an encoding field saying which; user properties are [key, value] pairs, duplicates kept.
import { isUtf8 } from 'node:buffer';
import type { InboundMessage, OutboundMessage, PublishProperties, QoS } from '../../session/types.ts';
import { checkTopicName } from '../../protocol/topic.ts';
import { userPropertyList } from '../../protocol/codec.ts';

/** the "v" field: bumped only when a field changes meaning; added fields keep the version */
export const MESSAGE_JSON_VERSION = 1;

export type BytesEncoding = 'utf8' | 'base64';

/** bytes as JSON text: themselves when valid UTF-8, else base64 */
export function encodeBytes(b: Buffer): { text: string; encoding: BytesEncoding } {
  return isUtf8(b) ? { text: b.toString('utf8'), encoding: 'utf8' } : { text: b.toString('base64'), encoding: 'base64' };
}

// strict: Buffer.from(s, 'base64') skips characters it does not know, which would hide a damaged recording
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** the inverse of encodeBytes, or an error text naming the field */
export function decodeBytes(text: unknown, encoding: unknown, field: string, encodingField: string): Buffer | string {
  if (typeof text !== 'string') return `"${field}" must be a string`;
  if (encoding === undefined || encoding === 'utf8') return Buffer.from(text, 'utf8');
  if (encoding === 'base64') return BASE64.test(text) ? Buffer.from(text, 'base64') : `"${field}" is not valid base64`;
  return `"${encodingField}" must be "utf8" or "base64"`;
}

// ---- printing (tssub --json) ------------------------------------------------------------------

function propertiesJson(p: PublishProperties): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  const put = (k: string, v: unknown): void => {
    if (v === undefined) return;
    out[k] = v;
    any = true;
  };
  put('payloadFormatIndicator', p.payloadFormatIndicator === undefined ? undefined : p.payloadFormatIndicator ? 1 : 0);
  put('messageExpiryInterval', p.messageExpiryInterval);
  put('contentType', p.contentType);
  put('responseTopic', p.responseTopic);
  if (p.correlationData !== undefined) {
    const c = encodeBytes(p.correlationData);
    put('correlationData', c.text);
    put('correlationDataEncoding', c.encoding);
  }
  if (p.userProperties !== undefined || p.userPropertyList !== undefined) put('userProperties', userPropertyList(p));
  // receive side only: tspub reads and ignores them
  put('subscriptionIdentifier', p.subscriptionIdentifier);
  put('topicAlias', p.topicAlias);
  return any ? out : undefined;
}

/** the object tssub --json prints for one message (nowMs: when it was received) */
export function messageToJson(msg: InboundMessage, nowMs: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    v: MESSAGE_JSON_VERSION,
    tst: new Date(nowMs).toISOString(),
    topic: msg.topic,
    qos: msg.qos,
    retain: msg.retain,
  };
  if (msg.dup) o.dup = true;
  if (msg.messageId !== undefined && msg.qos > 0) o.mid = msg.messageId;
  o.payloadlen = msg.payload.length;
  const p = encodeBytes(msg.payload);
  o.encoding = p.encoding;
  o.payload = p.text;
  const props = msg.properties && propertiesJson(msg.properties);
  if (props) o.properties = props;
  return o;
}

// ---- reading (tspub -l --line-format json) ----------------------------------------------------

export interface MessageDefaults {
  topic: string | undefined;
  qos: QoS;
  retain: boolean;
  properties: PublishProperties | undefined;
  v5: boolean;
}

/** one message from a parsed JSON line, or an error text for the line */
export function messageFromJson(r: Record<string, unknown>, d: MessageDefaults): OutboundMessage | string {
  if (r.v !== undefined && r.v !== MESSAGE_JSON_VERSION) {
    return typeof r.v === 'number' && Number.isInteger(r.v) && r.v > MESSAGE_JSON_VERSION
      ? `"v" ${r.v} is a newer format than this tspub reads (${MESSAGE_JSON_VERSION})`
      : `"v" must be ${MESSAGE_JSON_VERSION}`;
  }
  const topic = r.topic === undefined ? d.topic : r.topic;
  if (typeof topic !== 'string') return topic === undefined ? 'no "topic" (and no -t default)' : '"topic" must be a string';
  const bad = checkTopicName(topic);
  if (bad) return bad;
  const payload = payloadFromJson(r);
  if (typeof payload === 'string') return payload;
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
    const got = propertiesFromJson(r.properties);
    if (typeof got === 'string') return got;
    if (got.sendable && !d.v5) return '"properties" need MQTT 5 (-V 5)';
    if (got.sendable) properties = { ...d.properties, ...got.props };
  }
  return { topic, payload, qos, retain, properties };
}

function payloadFromJson(r: Record<string, unknown>): Buffer | string {
  const p = r.payload;
  // ours: the encoding says how the string holds the bytes
  if (r.encoding !== undefined) return decodeBytes(p ?? '', r.encoding, 'payload', 'encoding');
  // hand-written lines and mosquitto_sub -F %j/%J: a string is the text, any other JSON value its JSON text
  if (p === undefined || p === null) return Buffer.alloc(0);
  if (typeof p === 'string') return Buffer.from(p);
  // mosquitto_sub %j prints a payload that is not printable text as an array of its byte values;
  // a %J array payload cannot be mistaken for one: its JSON text is longer than its element count
  if (Array.isArray(p) && p.length === r.payloadlen && p.every((b) => isInt(b, 255))) return Buffer.from(p as number[]);
  return Buffer.from(JSON.stringify(p));
}

/** property names: ours (mqtt-packet's) and mosquitto_sub %j's */
const PROP_NAMES: Record<string, string> = {
  'content-type': 'contentType', contentType: 'contentType',
  'response-topic': 'responseTopic', responseTopic: 'responseTopic',
  'correlation-data': 'correlationData', correlationData: 'correlationData',
  correlationDataEncoding: 'correlationDataEncoding',
  'message-expiry-interval': 'messageExpiryInterval', messageExpiryInterval: 'messageExpiryInterval',
  'payload-format-indicator': 'payloadFormatIndicator', payloadFormatIndicator: 'payloadFormatIndicator',
  'user-properties': 'userProperties', userProperties: 'userProperties', 'user-property': 'userProperties',
  'topic-alias': 'topicAlias', topicAlias: 'topicAlias',
  'subscription-identifier': 'subscriptionIdentifier', subscriptionIdentifier: 'subscriptionIdentifier',
};

const U32_MAX = 4_294_967_295;
const isInt = (v: unknown, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** sendable: a property a PUBLISH of ours carries (the receive-side ones alone need no MQTT 5) */
function propertiesFromJson(v: unknown): { props: PublishProperties; sendable: boolean } | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '"properties" must be an object';
  const props: PublishProperties = {};
  let sendable = false;
  const src = v as Record<string, unknown>;
  let correlation: { name: string; value: unknown } | undefined;
  let correlationEncoding: unknown;
  for (const [k, val] of Object.entries(src)) {
    const field = PROP_NAMES[k];
    switch (field) {
      case 'contentType': case 'responseTopic':
        if (typeof val !== 'string') return `"${k}" must be a string`;
        props[field] = val;
        break;
      case 'correlationData':
        correlation = { name: k, value: val };
        break;
      case 'correlationDataEncoding':
        correlationEncoding = val;
        continue; // only with correlationData, checked below
      case 'messageExpiryInterval':
        if (!isInt(val, U32_MAX)) return `"${k}" must be an integer from 0 to ${U32_MAX}`;
        props.messageExpiryInterval = val as number;
        break;
      case 'payloadFormatIndicator':
        if (val !== 0 && val !== 1 && val !== true && val !== false) return `"${k}" must be 0 or 1`;
        props.payloadFormatIndicator = val === 1 || val === true;
        break;
      case 'userProperties': {
        const u = userPropertiesFromJson(val, k);
        if (typeof u === 'string') return u;
        props.userPropertyList = u; // sent in this order (the codec keeps it)
        break;
      }
      // receive side only: the broker sets them per connection and subscription [MQTT-3.3.4-6],
      // so a replay leaves them out; checked all the same, a damaged line is not a silent one
      case 'topicAlias':
        if (!isInt(val, 65535)) return `"${k}" must be an integer from 0 to 65535`;
        continue;
      case 'subscriptionIdentifier':
        if (!isInt(val, 268_435_455) && !(Array.isArray(val) && val.every((x) => isInt(x, 268_435_455)))) {
          return `"${k}" must be an integer (or a list of them)`;
        }
        continue;
      default:
        return `unknown property "${k}"`;
    }
    sendable = true;
  }
  if (correlationEncoding !== undefined && correlation === undefined) return '"correlationDataEncoding" without "correlationData"';
  if (correlation) {
    const c = decodeBytes(correlation.value, correlationEncoding, correlation.name, 'correlationDataEncoding');
    if (typeof c === 'string') return c;
    props.correlationData = c;
  }
  return { props, sendable };
}

/** [[k, v], ...] (ours), [{k: v}, ...] or {k: v | [v, ...]} (mosquitto_sub %j) -> the pairs in order */
function userPropertiesFromJson(val: unknown, name: string): Array<[string, string]> | string {
  const out: Array<[string, string]> = [];
  const add = (k: string, v: unknown): boolean => {
    if (typeof v !== 'string') return false;
    out.push([k, v]);
    return true;
  };
  const wrong = `"${name}" must be a list of [key, value] pairs of strings`;
  if (Array.isArray(val)) {
    for (const pair of val) {
      if (Array.isArray(pair)) {
        if (pair.length !== 2 || typeof pair[0] !== 'string' || !add(pair[0], pair[1])) return wrong;
      } else if (typeof pair === 'object' && pair !== null) {
        for (const [k, v] of Object.entries(pair)) if (!add(k, v)) return wrong;
      } else return wrong;
    }
    return out;
  }
  if (typeof val !== 'object' || val === null) return wrong;
  for (const [k, v] of Object.entries(val)) {
    const list = Array.isArray(v) ? v : [v];
    for (const one of list) if (!add(k, one)) return wrong;
  }
  return out;
}
