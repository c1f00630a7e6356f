// CONNECT from session options, and what the CONNACK tells us back.
import type { IConnackPacket, IConnectPacket } from '../protocol/codec.ts';
import type { ConnackInfo, SessionOptions } from './types.ts';

/** 19 characters, within MQTT 3.1's 23; Math.random: an id is not a secret, and crypto costs start-up */
export function randomClientId(): string {
  return `tsmqtt-${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`;
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
