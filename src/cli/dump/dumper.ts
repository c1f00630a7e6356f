// The part of tsdump that proxy and capture modes share: bytes of each direction of each
// connection in, decoded and filtered packets out, with the timing of every QoS 1/2 message
// (PUBLISH -> PUBACK, PUBLISH -> PUBREC -> PUBREL -> PUBCOMP) and a summary when a connection
// closes. It never throws back into the relay: the decoder reports a broken stream once.
import { StreamDecoder, type DumpPacket, type DumpSink } from '../../protocol/dump-decode.ts';
import { clientShown, topicShown, typeShown, type FilterSpec } from './filter.ts';
import type { ConnSummary, Renderer, Side } from './events.ts';

export interface DumperOptions {
  renderer: Renderer;
  filter: FilterSpec;
  /** printed text (the runner batches it to stdout) */
  out(text: string): void;
  /** proxy: false while stdout is too far behind; a packet is then counted with skip() instead of rendered */
  room?(): boolean;
  skip?(ms: number): void;
  /** proxy: the relay forwards the rest; capture: nothing more of that direction */
  mode: 'proxy' | 'capture';
  /** --strict: a decode error closes the connection (Dumper.closeConnection does it) */
  strict: boolean;
  /** how a stream without a CONNECT (a capture that starts mid-connection) is read: 3, 4 or 5 */
  defaultVersion: number;
}

interface Flight {
  t0: number;
  tLast: number;
  shown: boolean;
}

const other = (s: Side): Side => (s === 'client' ? 'broker' : 'client');

class Conn {
  clientId: string | undefined;
  version: number;
  readonly packets = { client: 0, broker: 0 };
  readonly bytes = { client: 0, broker: 0 };
  readonly messages: [number, number, number] = [0, 0, 0];
  slowest: ConnSummary['slowestAck'];
  readonly flights = new Map<number, Flight>();
  readonly decoders: Record<Side, StreamDecoder>;
  /** the time of the chunk being decoded */
  now = 0;
  /** the open line, held back until a --client-id filter knows whether this connection is shown */
  openLine: string | undefined;
  shown: boolean;

  constructor(readonly id: number, readonly startMs: number, d: Dumper, version: number, shown: boolean) {
    this.version = version;
    this.shown = shown;
    const sink = (from: Side): DumpSink => ({
      packet: (p) => d.onPacket(this, from, p),
      error: (text) => d.onError(this, from, text),
    });
    this.decoders = { client: new StreamDecoder(sink('client'), version), broker: new StreamDecoder(sink('broker'), version) };
  }
}

export class Dumper {
  private readonly conns = new Map<number, Conn>();
  /** --strict: how a connection is closed (the relay's drop) */
  closeConnection: ((conn: number) => void) | undefined;

  constructor(private readonly o: DumperOptions) {}

  open(conn: number, client: string, broker: string, ms: number): void {
    const shown = this.o.filter.clientIds === undefined;
    const c = new Conn(conn, ms, this, this.o.defaultVersion, shown);
    this.conns.set(conn, c);
    const line = this.o.renderer.open(ms, conn, client, broker);
    if (shown) this.o.out(line);
    else c.openLine = line;
  }

  data(conn: number, from: Side, chunk: Buffer, ms: number): void {
    const c = this.conns.get(conn);
    if (!c) return;
    c.now = ms;
    c.bytes[from] += chunk.length;
    c.decoders[from].push(chunk);
  }

  close(conn: number, reason: string, ms: number): void {
    const c = this.conns.get(conn);
    if (!c) return;
    this.conns.delete(conn);
    if (!c.shown) return;
    this.o.out(this.o.renderer.close(ms, {
      conn, clientId: c.clientId, reason, durationMs: ms - c.startMs,
      packets: c.packets, bytes: c.bytes, messages: c.messages, slowestAck: c.slowest,
    }));
  }

  /** connections still open (a capture that ends mid-connection closes them with this) */
  openConnections(): number[] {
    return [...this.conns.keys()];
  }

  onError(c: Conn, from: Side, text: string): void {
    const then = this.o.mode === 'capture' ? 'the rest of this direction is not decoded'
      : this.o.strict ? 'closing the connection (--strict)' : 'the rest is forwarded undecoded';
    if (c.shown) this.o.out(this.o.renderer.error(c.now, c.id, from, `${text}; ${then}`));
    if (this.o.strict) this.closeConnection?.(c.id);
  }

  onPacket(c: Conn, from: Side, p: DumpPacket): void {
    c.packets[from]++;
    if (p.type === 'connect') {
      c.version = p.protocolVersion!;
      c.decoders.broker.version = c.version;
      c.clientId = p.clientId;
      if (!c.shown && clientShown(this.o.filter, c.clientId)) {
        c.shown = true;
        if (c.openLine) this.o.out(c.openLine);
      }
      c.openLine = undefined;
    } else if (p.type === 'connack' && c.clientId === '' && p.properties) {
      const assigned = p.properties.find((q) => q.id === 0x12);
      if (assigned) c.clientId = assigned.value as string;
    } else if (p.type === 'publish') c.messages[p.qos!]!++;
    const timing = this.time(c, from, p);
    if (!c.shown || !typeShown(this.o.filter, p.type)) return;
    const byTopic = topicShown(this.o.filter, p);
    if (byTopic === 'no') { if (timing) timing.flight.shown = false; return; }
    if (byTopic === 'none' && this.o.filter.topics && !timing?.flight.shown) return;
    if (this.o.room && !this.o.room()) { this.o.skip!(c.now); return; }
    this.o.out(this.o.renderer.packet({ ms: c.now, conn: c.id, from, version: c.version, packet: p, timing: timing?.ms }));
  }

  /** the QoS 1/2 flows, keyed by the publisher's side and the packet id */
  private time(c: Conn, from: Side, p: DumpPacket): { flight: Flight; ms?: { stepMs: number; totalMs: number } } | undefined {
    const mid = p.messageId;
    if (mid === undefined) return undefined;
    const now = c.now;
    switch (p.type) {
      case 'publish': {
        if (p.qos === 0) return undefined;
        const flight = { t0: now, tLast: now, shown: true };
        c.flights.set((from === 'client' ? 0 : 0x10000) + mid, flight);
        return { flight };
      }
      case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': {
        const publisher = p.type === 'pubrel' ? from : other(from);
        const key = (publisher === 'client' ? 0 : 0x10000) + mid;
        const flight = c.flights.get(key);
        if (!flight) return undefined;
        const ms = { stepMs: now - flight.tLast, totalMs: now - flight.t0 };
        flight.tLast = now;
        if (p.type === 'puback' || p.type === 'pubcomp') {
          c.flights.delete(key);
          if (!c.slowest || ms.totalMs > c.slowest.ms) c.slowest = { type: p.type, messageId: mid, ms: ms.totalMs };
        }
        return { flight, ms };
      }
      default: return undefined;
    }
  }
}
