// CONNECT from session options, and what the CONNACK tells us back.
import type { IConnackPacket, IConnectPacket, Packet, ProtocolVersion } from '../protocol/codec.ts';
import type { ConnackInfo, SessionOptions } from './types.ts';

/**
 * A client id of our own. MQTT 3.1: 19 characters, within its 23. MQTT 5: mosquitto's form for
 * the ids it assigns ('auto-' and an upper-case UUID), so that -d transcripts read as
 * mosquitto_pub's. Math.random: an id is not a secret, and node:crypto costs start-up.
 */
export function randomClientId(form: 'v3' | 'v5' = 'v3'): string {
  const hex = (n: number): string => {
    let s = '';
    while (s.length < n) s += Math.random().toString(16).slice(2);
    return s.slice(0, n);
  };
  if (form === 'v3') return `tsmqtt-${hex(12)}`;
  const u = hex(32).toUpperCase();
  return `auto-${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
}

export function buildConnect(o: SessionOptions): IConnectPacket {
  let clientId = o.clientId ?? '';
  // MQTT 3.1 has no zero-length client id, and a persistent session needs a stable one
  if (clientId === '' && o.protocolVersion === 3) clientId = randomClientId();
  const p: IConnectPacket = {
    cmd: 'connect',
    protocolId: o.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: o.protocolVersion,
    clientId,
    clean: o.clean,
    keepalive: o.keepalive,
  };
  if (o.username !== undefined) p.username = o.username;
  if (o.password !== undefined) p.password = o.password;
  if (o.will) {
    p.will = { topic: o.will.topic, payload: o.will.payload, qos: o.will.qos, retain: o.will.retain };
    if (o.protocolVersion === 5 && o.will.properties) p.will.properties = o.will.properties;
  }
  if (o.protocolVersion === 5 && o.connectProperties) p.properties = o.connectProperties;
  return p;
}

export function connackInfo(p: IConnackPacket, o: SessionOptions): ConnackInfo {
  return {
    sessionPresent: p.sessionPresent,
    reasonCode: p.reasonCode ?? p.returnCode ?? 0,
    protocolVersion: o.protocolVersion,
    clientId: p.properties?.assignedClientIdentifier ?? o.clientId ?? '',
    properties: p.properties as Record<string, unknown> | undefined,
  };
}

/** A CONNACK that breaks the rules for our CONNECT: the text of the protocol error, else undefined. */
export function connackViolation(p: IConnackPacket, o: SessionOptions): string | undefined {
  const code = p.reasonCode ?? p.returnCode ?? 0;
  if (code !== 0 || !p.sessionPresent || !o.clean || o.protocolVersion < 4) return undefined;
  const v5 = o.protocolVersion === 5;
  return `CONNACK with session present 1 answering a CONNECT with ${v5 ? 'clean start' : 'clean session'} ${v5 ? '[MQTT-3.2.2-4]' : '[MQTT-3.2.2-1]'}`;
}

/** DISCONNECT; MQTT 5 carries a reason code and properties when there are any [MQTT-3.14.2.1] */
export function buildDisconnect(version: ProtocolVersion, reasonCode?: number, properties?: Record<string, unknown>): Packet {
  const p: Packet = { cmd: 'disconnect' };
  if (version === 5 && (reasonCode || properties)) {
    p.reasonCode = reasonCode ?? 0;
    if (properties) p.properties = properties;
  }
  return p;
}
