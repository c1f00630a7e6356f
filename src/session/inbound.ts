// Handlers for packets from the broker, keyed by packet type. Each sees a narrow context.
// What needs the session to judge is checked here (topic aliases against what we allowed, one
// reason code per filter, packets a broker never sends); what a packet alone shows, in the codec.
import {
  PROTOCOL_ERROR, type IDisconnectPacket, type IPubackPacket, type IPubcompPacket, type IPublishPacket,
  type IPubrecPacket, type IPubrelPacket, type ISubackPacket, type IUnsubackPacket, type Packet, type ProtocolVersion,
} from '../protocol/codec.ts';
import type { ConnectionHost } from './connection.ts';
import type { InboundMessage, SessionOptions } from './types.ts';

export interface InboundContext {
  readonly host: ConnectionHost;
  readonly version: ProtocolVersion;
  readonly opts: Pick<SessionOptions, 'connectProperties'>;
  readonly aliasesIn: Map<number, string>;
  send(p: Packet): void;
  /** an acknowledgement completed a message: the connection sends more once the chunk is handled */
  progressed(): void;
  /** ends the connection: the broker broke the protocol (v5: DISCONNECT with reasonCode first) */
  protocolViolation(reasonCode: number, text: string): void;
  brokerDisconnect(code: number, reason: string | undefined): void;
  pingAnswered(): void;
}

/** v5 DISCONNECT reason: a topic alias above the maximum the receiver allowed [MQTT-3.14.2.1] */
const TOPIC_ALIAS_INVALID = 0x94;

type Handler<P> = (c: InboundContext, p: P) => void;

function publish(c: InboundContext, p: IPublishPacket): void {
  let topic = p.topic;
  const alias = p.properties?.topicAlias;
  if (alias !== undefined) {
    if (alias === 0) return c.protocolViolation(PROTOCOL_ERROR, 'PUBLISH with topic alias 0 [MQTT-3.3.2-8]');
    const max = c.opts.connectProperties?.topicAliasMaximum ?? 0;
    if (alias > max) {
      return c.protocolViolation(TOPIC_ALIAS_INVALID, `PUBLISH with topic alias ${alias}, above the topic alias maximum ${max} of our CONNECT [MQTT-3.3.2-11]`);
    }
    if (topic) c.aliasesIn.set(alias, topic);
    else {
      const known = c.aliasesIn.get(alias);
      if (known === undefined) return c.protocolViolation(PROTOCOL_ERROR, `PUBLISH with an empty topic and topic alias ${alias}, which the broker never set [MQTT-3.3.2.3.4]`);
      topic = known;
    }
  }
  const msg: InboundMessage = {
    topic,
    payload: typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload,
    qos: p.qos,
    retain: p.retain,
    dup: p.dup,
    messageId: p.messageId,
    properties: p.properties,
  };
  if (p.qos === 0) return c.host.onMessage(msg);
  // acknowledged before delivery, as libmosquitto does: a caller that stops on this message
  // (tssub -C) still sends its PUBACK/PUBREC before DISCONNECT, and -d lines come in mosquitto's order
  const id = p.messageId!;
  if (p.qos === 1) {
    c.send({ cmd: 'puback', messageId: id });
    c.host.onMessage(msg);
    return;
  }
  // QoS 2: deliver on first receipt, remember the id until PUBREL so a DUP resend is not delivered
  // twice [MQTT-4.3.3, method A]. libmosquitto delivers on PUBREL instead (mosquitto_sub -d prints
  // the message after "sending PUBCOMP"); delivering at once saves a round trip per message and
  // holds no payload, with the same exactly-once.
  const first = !c.host.qos2Received.has(id);
  if (first) c.host.qos2Received.add(id);
  c.send({ cmd: 'pubrec', messageId: id });
  if (first) c.host.onMessage(msg);
}

function pubrel(c: InboundContext, p: IPubrelPacket): void {
  c.host.qos2Received.delete(p.messageId!);
  c.send({ cmd: 'pubcomp', messageId: p.messageId });
}

function puback(c: InboundContext, p: IPubackPacket): void {
  if (c.host.outbox.puback(p.messageId!, p.reasonCode ?? 0, p.properties?.reasonString)) c.progressed();
}

function pubrec(c: InboundContext, p: IPubrecPacket): void {
  const id = p.messageId!;
  const answer = c.host.outbox.pubrec(id, p.reasonCode ?? 0, p.properties?.reasonString);
  if (answer === 'pubrel') c.send({ cmd: 'pubrel', messageId: id });
  else if (answer === 'pubrel-unknown') c.send({ cmd: 'pubrel', messageId: id, ...(c.version === 5 ? { reasonCode: 0x92 } : {}) });
  else c.progressed(); // refused: the message failed, the window has room
}

function pubcomp(c: InboundContext, p: IPubcompPacket): void {
  if (c.host.outbox.pubcomp(p.messageId!, p.reasonCode ?? 0)) c.progressed();
}

function ack(c: InboundContext, p: ISubackPacket | IUnsubackPacket): void {
  const w = c.host.outbox.request(p.messageId!);
  if (!w) return;
  // v3.1.1 UNSUBACK has no codes: every filter succeeded
  const found = (p as ISubackPacket).granted ?? (p as { reasonCode?: number[] }).reasonCode;
  const codes = Array.isArray(found) ? found.map(Number) : [];
  const hasCodes = p.cmd === 'suback' || c.version === 5;
  if (hasCodes && codes.length !== w.filters) {
    // the request stays: the close rejects it with this error
    return c.protocolViolation(PROTOCOL_ERROR, countMismatch(p.cmd, codes.length, w.filters, c.version));
  }
  c.host.outbox.settleRequest(p.messageId!, codes);
}

/** "SUBACK with 1 reason code for a SUBSCRIBE of 2 topic filters [MQTT-3.8.4-6]" */
function countMismatch(cmd: 'suback' | 'unsuback', got: number, filters: number, version: ProtocolVersion): string {
  const code = version === 5 ? 'reason code' : 'return code';
  const request = cmd === 'suback' ? 'SUBSCRIBE' : 'UNSUBSCRIBE';
  const rule = cmd === 'unsuback' ? '[MQTT-3.11.3-1]' : version === 5 ? '[MQTT-3.8.4-6]' : '[MQTT-3.8.4-5]';
  return `${cmd.toUpperCase()} with ${got} ${code}${got === 1 ? '' : 's'} for ${request === 'SUBSCRIBE' ? 'a' : 'an'} ${request} of ${filters} topic filter${filters === 1 ? '' : 's'} ${rule}`;
}

/** CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ: packets only a client sends [MQTT-2.1.2] */
function clientPacket(c: InboundContext, p: Packet): void {
  c.protocolViolation(PROTOCOL_ERROR, `${p.cmd.toUpperCase()} from the broker, a packet only a client sends ${c.version === 5 ? '[MQTT-2.1.2]' : '[MQTT-2.2.1]'}`);
}

/** We never start (re-)authentication, so a broker has no AUTH to send [MQTT-4.12.0-6, MQTT-4.12.1] */
function auth(c: InboundContext): void {
  c.protocolViolation(PROTOCOL_ERROR, c.opts.connectProperties?.authenticationMethod === undefined
    ? 'AUTH from the broker, but our CONNECT had no authentication method [MQTT-4.12.0-6]'
    : 'AUTH from the broker, but we started no re-authentication [MQTT-4.12.1]');
}

function disconnect(c: InboundContext, p: IDisconnectPacket): void {
  c.brokerDisconnect(p.reasonCode ?? 0, p.properties?.reasonString);
}

export const handlers: Partial<Record<Packet['cmd'], Handler<never>>> = {
  publish, pubrel, puback, pubrec, pubcomp,
  suback: ack, unsuback: ack,
  pingresp: (c) => c.pingAnswered(),
  disconnect,
  connect: clientPacket, subscribe: clientPacket, unsubscribe: clientPacket, pingreq: clientPacket,
  auth,
} as Partial<Record<Packet['cmd'], Handler<never>>>;
