// mosquitto-style `-d` lines (libmosquitto's log format), so scripts and eyes that know them keep working.
// Passwords are never part of any line.
import type { Packet } from '../protocol/codec.ts';

/** One connection's -d lines. libmosquitto numbers QoS 0 publishes too (mosquitto_pub -d prints
 *  m1, m2, ...) though the packet carries no id: the count is kept here, for these lines only. */
export class PacketLog {
  private qos0Mid = 0;
  constructor(private readonly sink: (line: string) => void) {}
  sent(id: string, p: Packet): void {
    let mid: number | undefined;
    if (p.cmd === 'publish' && p.qos === 0) mid = this.qos0Mid = (this.qos0Mid % 65535) + 1;
    this.sink(describeSent(id, p, mid));
  }
  received(id: string, p: Packet): void {
    this.sink(describeReceived(id, p));
  }
}

function describeSent(id: string, p: Packet, qos0Mid?: number): string {
  return describe(p, true, qos0Mid).split('\n').map((l) => `Client ${id} sending ${l}`).join('\n');
}

function describeReceived(id: string, p: Packet): string {
  return `Client ${id} received ${describe(p, false)}`;
}

function describe(p: Packet, sending: boolean, qos0Mid?: number): string {
  switch (p.cmd) {
    case 'connack': return `CONNACK (${p.reasonCode ?? p.returnCode ?? 0})`;
    case 'publish': {
      const len = p.payload === undefined ? 0 : typeof p.payload === 'string' ? Buffer.byteLength(p.payload) : p.payload.length;
      return `PUBLISH (d${p.dup ? 1 : 0}, q${p.qos}, r${p.retain ? 1 : 0}, m${p.messageId ?? qos0Mid ?? 0}, '${p.topic}', ... (${len} bytes))`;
    }
    case 'puback': return sending ? `PUBACK (m${p.messageId}, rc${p.reasonCode ?? 0})` : `PUBACK (Mid: ${p.messageId}, RC:${p.reasonCode ?? 0})`;
    case 'pubrec': return sending ? `PUBREC (m${p.messageId}, rc${p.reasonCode ?? 0})` : `PUBREC (Mid: ${p.messageId})`;
    case 'pubrel': return sending ? `PUBREL (m${p.messageId})` : `PUBREL (Mid: ${p.messageId})`;
    case 'pubcomp': return sending ? `PUBCOMP (m${p.messageId})` : `PUBCOMP (Mid: ${p.messageId}, RC:${p.reasonCode ?? 0})`;
    case 'subscribe':
      return p.subscriptions.map((s) => {
        const opts = (s.nl ? 4 : 0) | (s.rap ? 8 : 0) | ((s.rh ?? 0) << 4);
        return `SUBSCRIBE (Mid: ${p.messageId}, Topic: ${s.topic}, QoS: ${s.qos}, Options: 0x${opts.toString(16).padStart(2, '0')})`;
      }).join(`\n`);
    case 'unsubscribe': return p.unsubscriptions.map((t) => `UNSUBSCRIBE (Mid: ${p.messageId}, Topic: ${t})`).join('\n');
    case 'disconnect': return p.reasonCode ? `DISCONNECT (${p.reasonCode})` : 'DISCONNECT';
    default: return p.cmd.toUpperCase();
  }
}
