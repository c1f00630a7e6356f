// The MQTT 5 properties [MQTT-2.2.2.2] (Table 2-4), the one list of them: packet-check.ts (what a
// received packet may carry), dump-properties.ts (tsdump's names by id) and cli/options/properties.ts
// (-D's names and commands) derive their views from it. No imports: tspub's bundle carries it
// for -D and the codec both, and nothing of tsdump's comes with it.

/** A value's wire type, in mosquitto's words for -D (cfg_parse_property) */
export type PropertyType = 'byte' | 'int16' | 'int32' | 'varint' | 'binary' | 'string' | 'pair';

/** `packets` bits: 1 << packet type (CONNECT = 1 ... AUTH = 15), and WILL for a CONNECT's Will Properties */
export const WILL = 1 << 16;

const CONNECT = 1 << 1; const CONNACK = 1 << 2; const PUBLISH = 1 << 3;
const PUBACK = 1 << 4; const PUBREC = 1 << 5; const PUBREL = 1 << 6; const PUBCOMP = 1 << 7;
const SUBSCRIBE = 1 << 8; const SUBACK = 1 << 9; const UNSUBSCRIBE = 1 << 10; const UNSUBACK = 1 << 11;
const DISCONNECT = 1 << 14; const AUTH = 1 << 15;

export interface PropertySpec {
  id: number;
  /** the spec's name in kebab case, as mosquitto spells it (-D, tsdump's lines): 'content-type' */
  name: string;
  /** mqtt-packet's key (the session's property objects, tsdump's JSON): 'contentType' */
  key: string;
  type: PropertyType;
  /** the packets that may carry it (bits above) */
  packets: number;
  /** the value must be 0 or 1 (a Protocol Error otherwise) */
  boolean?: true;
  /** the value must not be 0 (a Protocol Error otherwise) */
  nonZero?: true;
  /** may appear more than once in one packet (every other one may not) */
  repeatable?: true;
}

const PUB_WILL = PUBLISH | WILL;
const REASON_PACKETS = CONNACK | PUBACK | PUBREC | PUBREL | PUBCOMP | SUBACK | UNSUBACK | DISCONNECT | AUTH;

/** in id order (the order -D's completions list them in) */
export const PROPERTIES: readonly PropertySpec[] = [
  { id: 0x01, name: 'payload-format-indicator', key: 'payloadFormatIndicator', type: 'byte', packets: PUB_WILL, boolean: true },
  { id: 0x02, name: 'message-expiry-interval', key: 'messageExpiryInterval', type: 'int32', packets: PUB_WILL },
  { id: 0x03, name: 'content-type', key: 'contentType', type: 'string', packets: PUB_WILL },
  { id: 0x08, name: 'response-topic', key: 'responseTopic', type: 'string', packets: PUB_WILL },
  { id: 0x09, name: 'correlation-data', key: 'correlationData', type: 'binary', packets: PUB_WILL },
  { id: 0x0b, name: 'subscription-identifier', key: 'subscriptionIdentifier', type: 'varint', packets: PUBLISH | SUBSCRIBE, nonZero: true, repeatable: true },
  { id: 0x11, name: 'session-expiry-interval', key: 'sessionExpiryInterval', type: 'int32', packets: CONNECT | CONNACK | DISCONNECT },
  { id: 0x12, name: 'assigned-client-identifier', key: 'assignedClientIdentifier', type: 'string', packets: CONNACK },
  { id: 0x13, name: 'server-keep-alive', key: 'serverKeepAlive', type: 'int16', packets: CONNACK },
  { id: 0x15, name: 'authentication-method', key: 'authenticationMethod', type: 'string', packets: CONNECT | CONNACK | AUTH },
  { id: 0x16, name: 'authentication-data', key: 'authenticationData', type: 'binary', packets: CONNECT | CONNACK | AUTH },
  { id: 0x17, name: 'request-problem-information', key: 'requestProblemInformation', type: 'byte', packets: CONNECT, boolean: true },
  { id: 0x18, name: 'will-delay-interval', key: 'willDelayInterval', type: 'int32', packets: WILL },
  { id: 0x19, name: 'request-response-information', key: 'requestResponseInformation', type: 'byte', packets: CONNECT, boolean: true },
  { id: 0x1a, name: 'response-information', key: 'responseInformation', type: 'string', packets: CONNACK },
  { id: 0x1c, name: 'server-reference', key: 'serverReference', type: 'string', packets: CONNACK | DISCONNECT },
  { id: 0x1f, name: 'reason-string', key: 'reasonString', type: 'string', packets: REASON_PACKETS },
  { id: 0x21, name: 'receive-maximum', key: 'receiveMaximum', type: 'int16', packets: CONNECT | CONNACK, nonZero: true },
  { id: 0x22, name: 'topic-alias-maximum', key: 'topicAliasMaximum', type: 'int16', packets: CONNECT | CONNACK },
  { id: 0x23, name: 'topic-alias', key: 'topicAlias', type: 'int16', packets: PUBLISH, nonZero: true },
  { id: 0x24, name: 'maximum-qos', key: 'maximumQoS', type: 'byte', packets: CONNACK, boolean: true },
  { id: 0x25, name: 'retain-available', key: 'retainAvailable', type: 'byte', packets: CONNACK, boolean: true },
  { id: 0x26, name: 'user-property', key: 'userProperties', type: 'pair', packets: CONNECT | PUB_WILL | SUBSCRIBE | UNSUBSCRIBE | REASON_PACKETS, repeatable: true },
  { id: 0x27, name: 'maximum-packet-size', key: 'maximumPacketSize', type: 'int32', packets: CONNECT | CONNACK, nonZero: true },
  { id: 0x28, name: 'wildcard-subscription-available', key: 'wildcardSubscriptionAvailable', type: 'byte', packets: CONNACK, boolean: true },
  { id: 0x29, name: 'subscription-identifier-available', key: 'subscriptionIdentifiersAvailable', type: 'byte', packets: CONNACK, boolean: true },
  { id: 0x2a, name: 'shared-subscription-available', key: 'sharedSubscriptionAvailable', type: 'byte', packets: CONNACK, boolean: true },
];

/** The table by id (sparse: ids the spec does not define are holes). */
export function propertiesById(): Array<PropertySpec | undefined> {
  const out: Array<PropertySpec | undefined> = [];
  for (const p of PROPERTIES) out[p.id] = p;
  return out;
}
