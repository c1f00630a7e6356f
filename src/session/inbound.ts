// Handlers for packets from the broker, keyed by packet type. Each sees a narrow context.
import type {
  IDisconnectPacket, IPubackPacket, IPubcompPacket, IPublishPacket, IPubrecPacket, IPubrelPacket,
  ISubackPacket, IUnsubackPacket, Packet, ProtocolVersion,
} from '../protocol/codec.ts';
import { reasonText } from '../protocol/reason-codes.ts';
import { ProtocolError, ReasonCodeError } from './errors.ts';
import type { ConnectionHost } from './connection.ts';
import type { InboundMessage } from './types.ts';

export interface InboundContext {
  readonly host: ConnectionHost;
  readonly version: ProtocolVersion;
  readonly pendingAcks: Map<number, { resolve(codes: number[]): void; reject(err: Error): void }>;
  readonly aliasesIn: Map<number, string>;
  send(p: Packet): void;
  pump(): void;
  fail(err: Error): void;
  brokerDisconnect(code: number, reason: string | undefined): void;
  pingAnswered(): void;
}

type Handler<P> = (c: InboundContext, p: P) => void;

function publish(c: InboundContext, p: IPublishPacket): void {
  let topic = p.topic;
  const alias = p.properties?.topicAlias;
  if (alias !== undefined) {
    if (topic) c.aliasesIn.set(alias, topic);
    else {
      const known = c.aliasesIn.get(alias);
      if (known === undefined) return c.fail(new ProtocolError(`broker used unknown topic alias ${alias}`));
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
  const ob = c.host.outbox;
  const e = ob.inflight.get(p.messageId!);
  if (!e || e.msg.qos !== 1) return; // late or duplicate ack: nothing waits for it
  ob.inflight.delete(e.id);
  const rc = p.reasonCode ?? 0;
  e.cb?.(rc >= 0x80 ? new ReasonCodeError('PUBACK', rc, reasonText(rc), e.msg.topic, p.properties?.reasonString) : null);
  c.pump();
  c.host.onProgress();
}

function pubrec(c: InboundContext, p: IPubrecPacket): void {
  const ob = c.host.outbox;
  const id = p.messageId!;
  const e = ob.inflight.get(id);
  if (!e || e.msg.qos !== 2) {
    // unknown id: release it anyway so the broker can forget it [MQTT-4.3.3]
    c.send({ cmd: 'pubrel', messageId: id, ...(c.version === 5 ? { reasonCode: 0x92 } : {}) });
    return;
  }
  const rc = p.reasonCode ?? 0;
  if (rc >= 0x80) {
    ob.inflight.delete(id);
    e.cb?.(new ReasonCodeError('PUBREC', rc, reasonText(rc), e.msg.topic, p.properties?.reasonString));
    c.pump();
    c.host.onProgress();
    return;
  }
  e.state = 'pubrel';
  c.send({ cmd: 'pubrel', messageId: id });
}

function pubcomp(c: InboundContext, p: IPubcompPacket): void {
  const ob = c.host.outbox;
  const e = ob.inflight.get(p.messageId!);
  if (!e || e.state !== 'pubrel') return;
  ob.inflight.delete(e.id);
  const rc = p.reasonCode ?? 0;
  e.cb?.(rc >= 0x80 ? new ReasonCodeError('PUBCOMP', rc, reasonText(rc), e.msg.topic) : null);
  c.pump();
  c.host.onProgress();
}

function ack(c: InboundContext, p: ISubackPacket | IUnsubackPacket): void {
  const w = c.pendingAcks.get(p.messageId!);
  if (!w) return;
  c.pendingAcks.delete(p.messageId!);
  // v3.1.1 UNSUBACK has no codes: every filter succeeded
  const codes = (p as ISubackPacket).granted ?? (p as { reasonCode?: number[] }).reasonCode;
  w.resolve(Array.isArray(codes) ? codes.map(Number) : []);
}

function disconnect(c: InboundContext, p: IDisconnectPacket): void {
  c.brokerDisconnect(p.reasonCode ?? 0, p.properties?.reasonString);
}

export const handlers: Partial<Record<Packet['cmd'], Handler<never>>> = {
  publish, pubrel, puback, pubrec, pubcomp,
  suback: ack, unsuback: ack,
  pingresp: (c) => c.pingAnswered(),
  disconnect,
} as Partial<Record<Packet['cmd'], Handler<never>>>;
