// TCP reassembly per connection, for capture files: each direction's bytes in sequence order,
// once. A retransmitted segment gives only the bytes not yet delivered; a segment ahead of a gap
// waits (copied) until the gap is filled. MQTT is the traffic to and from --port: the side that
// sends to it is the client. A capture started mid-connection begins where it begins.
import type { TcpSegment } from './net-frame.ts';

export type FlowSide = 'client' | 'broker';

export interface FlowSink {
  open(conn: number, client: string, broker: string, ms: number): void;
  data(conn: number, from: FlowSide, chunk: Buffer, ms: number): void;
  close(conn: number, reason: string, ms: number): void;
}

/** segments held ahead of a gap, per direction: past this, the gap is taken as lost */
const MAX_WAITING = 4096;

class Direction {
  next: number | undefined;
  fin = false;
  readonly waiting = new Map<number, Buffer>();
}

interface Flow {
  id: number;
  closed: boolean;
  sides: Record<FlowSide, Direction>;
}

/** seq a - seq b, modulo 2^32, as a signed 32-bit difference */
const diff = (a: number, b: number): number => (a - b) | 0;

export class TcpFlows {
  private readonly flows = new Map<string, Flow>();
  private next = 1;

  constructor(private readonly port: number, private readonly sink: FlowSink) {}

  segment(s: TcpSegment, ms: number): void {
    const from: FlowSide | undefined = s.dport === this.port ? 'client' : s.sport === this.port ? 'broker' : undefined;
    if (!from) return;
    const client = from === 'client' ? `${s.src}:${s.sport}` : `${s.dst}:${s.dport}`;
    const broker = from === 'client' ? `${s.dst}:${s.dport}` : `${s.src}:${s.sport}`;
    const key = `${client}>${broker}`;
    let flow = this.flows.get(key);
    const newSyn = s.syn && !s.ack && from === 'client';
    if (flow && newSyn && flow.sides.client.next !== ((s.seq + 1) >>> 0)) {
      // the same ports again: a new connection (the old one ended without FIN/RST in the capture)
      if (!flow.closed) this.sink.close(flow.id, 'a new connection on the same ports', ms);
      flow = undefined;
    }
    if (!flow) {
      if (s.rst || (s.fin && s.payload.length === 0)) return;
      flow = { id: this.next++, closed: false, sides: { client: new Direction(), broker: new Direction() } };
      this.flows.set(key, flow);
      this.sink.open(flow.id, client, broker, ms);
    }
    if (flow.closed) return; // a late retransmission
    const d = flow.sides[from];
    if (s.syn) { d.next = (s.seq + 1) >>> 0; return; }
    d.next ??= s.seq;
    if (s.payload.length > 0) this.take(flow, from, d, s.seq, s.payload, ms);
    if (s.rst) return this.end(flow, `${from === 'client' ? 'client' : 'broker'} reset`, ms);
    if (s.fin && diff((s.seq + s.payload.length) >>> 0, d.next) <= 0) {
      d.fin = true;
      const o = flow.sides[from === 'client' ? 'broker' : 'client'];
      if (o.fin) this.end(flow, `${from === 'client' ? 'broker' : 'client'} closed`, ms);
    }
  }

  /** every connection still open at the end of the capture */
  finish(ms: number): void {
    for (const f of this.flows.values()) if (!f.closed) this.end(f, 'the capture ends', ms);
  }

  private end(f: Flow, reason: string, ms: number): void {
    f.closed = true;
    this.sink.close(f.id, reason, ms);
  }

  private take(f: Flow, from: FlowSide, d: Direction, seq: number, payload: Buffer, ms: number): void {
    const behind = diff(d.next!, seq);
    if (behind < 0) {
      // ahead of a gap: wait for it (the longest copy of a segment wins)
      const had = d.waiting.get(seq);
      if (!had || had.length < payload.length) d.waiting.set(seq, Buffer.from(payload));
      if (d.waiting.size > MAX_WAITING) this.skipGap(f, from, d, ms);
      return;
    }
    if (behind >= payload.length) return; // all of it delivered already: a retransmission
    this.deliver(f, from, d, behind > 0 ? payload.subarray(behind) : payload, ms);
    this.drain(f, from, d, ms);
  }

  private deliver(f: Flow, from: FlowSide, d: Direction, bytes: Buffer, ms: number): void {
    d.next = (d.next! + bytes.length) >>> 0;
    this.sink.data(f.id, from, bytes, ms);
  }

  /** what waited behind the gap just filled */
  private drain(f: Flow, from: FlowSide, d: Direction, ms: number): void {
    for (let progress = true; progress && d.waiting.size > 0;) {
      progress = false;
      for (const [seq, bytes] of d.waiting) {
        const behind = diff(d.next!, seq);
        if (behind < 0) continue;
        d.waiting.delete(seq);
        if (behind < bytes.length) this.deliver(f, from, d, bytes.subarray(behind), ms);
        progress = true;
      }
    }
  }

  /** too much waits behind a gap the capture never fills: go on from the first waiting byte */
  private skipGap(f: Flow, from: FlowSide, d: Direction, ms: number): void {
    let first: number | undefined;
    for (const seq of d.waiting.keys()) if (first === undefined || diff(seq, first) < 0) first = seq;
    d.next = first;
    this.drain(f, from, d, ms);
  }
}
