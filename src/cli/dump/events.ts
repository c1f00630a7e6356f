// What the dumper hands its renderers (line or JSON): one packet, a connection opening or
// closing, a decode error. Times are Unix epoch milliseconds (fractions kept).
import type { DumpPacket } from '../../protocol/dump-decode.ts';

export type Side = 'client' | 'broker';

export interface PacketEvent {
  ms: number;
  conn: number;
  /** who sent it */
  from: Side;
  /** the connection's MQTT version (3, 4, 5) */
  version: number;
  packet: DumpPacket;
  /** acknowledgements of a QoS 1/2 PUBLISH: ms since the previous step and since the PUBLISH */
  timing?: { stepMs: number; totalMs: number };
}

export interface SlowestAck {
  type: string;
  messageId: number;
  ms: number;
}

export interface ConnSummary {
  conn: number;
  clientId: string | undefined;
  /** 'client closed', 'broker closed', an error text */
  reason: string;
  durationMs: number;
  packets: Record<Side, number>;
  bytes: Record<Side, number>;
  /** PUBLISH packets by QoS, both directions */
  messages: [number, number, number];
  slowestAck: SlowestAck | undefined;
}

export interface Renderer {
  packet(e: PacketEvent): string;
  open(ms: number, conn: number, client: string, broker: string): string;
  close(ms: number, s: ConnSummary): string;
  error(ms: number, conn: number, from: Side, text: string): string;
  /** proxy: `count` packets from `ms` on were forwarded but not shown (stdout too slow) */
  dropped(ms: number, count: number): string;
}

export interface RenderOptions {
  showPasswords: boolean;
  /** bytes of a payload shown; undefined: the renderer's default */
  maxPayload: number | undefined;
}
