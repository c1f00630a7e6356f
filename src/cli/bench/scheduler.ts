// One publisher's open loop. Message i is due at start + i/rate (or at once without a rate) and
// its latency counts from that scheduled time, not from when it could go out: a broker that stalls
// shows in the percentiles instead of slowing the load down (coordinated omission). At most
// `window` messages are outstanding (-M for QoS 1/2); the rest wait, late, with their schedule.
// Hot path: a ring of `window` preallocated messages and payloads, reused in order; one bound
// callback per publisher. Acknowledgements complete in sending order: PUBACK and PUBREC follow the
// order of the PUBLISHes [MQTT-4.6.0-2, -3], QoS 0 completes as it is written, so the ring's
// oldest slot is always the one completed.
import type { Histogram } from 'hdr-histogram-js';
import type { Client } from '../../session/client.ts';
import type { OutboundMessage, PublishProperties, QoS } from '../../session/types.ts';
import { HEADER_SIZE, nowMicros, writeHeaderFixed, writeHeaderSeq } from './header.ts';
import { recordUs } from './stats.ts';
import { causeOf } from './causes.ts';
import { compileTemplate } from '../messages/template.ts';

/**
 * -m's template for publisher `index`: %i is the index (filled once), %c the message counter and
 * tspub's {{now_ms}} {{now}} {{random}} {{uuid}} {{counter}} per message. The bytes when nothing
 * changes per message (then the ring's payloads are made once), else a function of the counter.
 */
export function payloadTemplate(template: string, index: number): Buffer | ((i: number) => Buffer) {
  const text = template.replaceAll('%i', String(index));
  if (!text.includes('%c')) {
    const fixed = Buffer.from(text);
    const t = compileTemplate(fixed);
    return t ? (i) => t.render(i + 1) : fixed;
  }
  // each piece between the %c's compiled once; per message only the counter and the placeholders
  const pieces = text.split('%c').map((part) => {
    const bytes = Buffer.from(part);
    return compileTemplate(bytes) ?? bytes;
  });
  return (i) => {
    const count = Buffer.from(String(i));
    const out: Buffer[] = [];
    pieces.forEach((p, k) => {
      if (k > 0) out.push(count);
      out.push(Buffer.isBuffer(p) ? p : p.render(i + 1));
    });
    return Buffer.concat(out);
  };
}

export interface PublisherSpec {
  index: number;
  runId: number;
  topic: string;
  qos: QoS;
  retain: boolean;
  size: number;
  /** -m: the payload after the header, a template (%i, %c, {{...}}); undefined: -s zero bytes */
  message?: string;
  properties: PublishProperties | undefined;
  /** messages per second, undefined: as fast as the window allows */
  rate: number | undefined;
  /** messages to send (Infinity: until stopped) */
  count: number;
  /** messages outstanding at most */
  window: number;
}

/** what the publishers of one share count together */
export interface PublishCounters {
  /** messages sent, all (warm-up included): what the receivers should get */
  sentAll: number;
  /** measured (scheduled after the warm-up) */
  sent: number;
  acked: number;
  errors: number;
  errorsByCause: Record<string, number>;
  ack: Histogram;
  /** wall-clock microseconds of the last send: the reached rate is measured up to it */
  lastSendUs: number;
  /** wall-clock microseconds: scheduled sends before this are warm-up */
  measuredFromUs: number;
}

/** QoS 0 has no window of its own: this many written-but-uncounted messages at most */
const QOS0_RING = 256;

export class BenchPublisher {
  private readonly ring: OutboundMessage[];
  private readonly sched: Float64Array;
  private readonly size: number;
  private readonly template: string | undefined;
  /** -m with a part that changes per message (%c, {{...}}): a payload is made per message */
  private readonly body: ((i: number) => Buffer) | undefined;
  private sentCount = 0;
  private doneCount = 0;
  private startUs = 0;
  private pumping = false;
  private blocked = false;
  private stopped = true;
  private resolveFinished!: () => void;
  /** resolves once it has sent all it will (its count, or stopped) and each has completed */
  readonly whenFinished = new Promise<void>((res) => { this.resolveFinished = res; });
  private readonly onDone = (err?: Error | null): void => this.done(err);
  private readonly onDrain = (): void => { this.blocked = false; this.pump(); };

  constructor(readonly client: Client, readonly spec: PublisherSpec, private readonly counters: PublishCounters) {
    this.size = spec.qos === 0 ? QOS0_RING : spec.window;
    this.ring = [];
    this.sched = new Float64Array(this.size);
    const topic = spec.topic.replaceAll('%i', String(spec.index));
    // %c: the topic changes per message (a string per message, only when asked for)
    this.template = topic.includes('%c') ? topic : undefined;
    const message = spec.message === undefined ? undefined : payloadTemplate(spec.message, spec.index);
    this.body = typeof message === 'function' ? message : undefined;
    for (let i = 0; i < this.size; i++) {
      const payload = message instanceof Buffer ? Buffer.concat([Buffer.alloc(HEADER_SIZE), message]) : Buffer.alloc(Math.max(spec.size, HEADER_SIZE));
      writeHeaderFixed(payload, spec.runId, spec.index);
      const msg: OutboundMessage = { topic, payload, qos: spec.qos, retain: spec.retain };
      if (spec.properties) msg.properties = spec.properties;
      this.ring.push(msg);
    }
    client.on('drain', this.onDrain);
  }

  get sent(): number { return this.sentCount; }
  /** with -r: when the next unsent message is scheduled (wall clock us); Infinity when none is left */
  get nextAtUs(): number {
    const rate = this.spec.rate;
    if (rate === undefined || this.stopped || this.sentCount >= this.spec.count) return Infinity;
    return this.startUs + Math.round(this.sentCount * 1e6 / rate);
  }
  /** every message it will send is sent and completed */
  get finished(): boolean { return (this.stopped || this.sentCount >= this.spec.count) && this.doneCount === this.sentCount; }

  start(startUs: number): void {
    this.startUs = startUs;
    this.stopped = false;
    this.pump();
    this.checkFinished();
  }

  /** no more sends; whenFinished resolves once what is outstanding has completed */
  stop(): Promise<void> {
    this.stopped = true;
    this.checkFinished();
    return this.whenFinished;
  }

  private checkFinished(): void {
    if (this.finished) this.resolveFinished();
  }

  /** how many should have been sent by now */
  private due(): number {
    const rate = this.spec.rate;
    if (rate === undefined) return this.spec.count;
    const elapsed = nowMicros() - this.startUs;
    if (elapsed < 0) return 0;
    return Math.min(this.spec.count, Math.floor(elapsed * rate / 1e6) + 1);
  }

  /** send what is due while the window and the socket allow (timer, completions and 'drain' call it) */
  pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      let due = this.due();
      const before = this.sentCount;
      const rate = this.spec.rate;
      const c = this.counters;
      // without -r, a message is due when it can go out: the clock read once per turn (all of the
      // turn's messages leave in one socket write), never before the start
      const turnUs = rate === undefined ? Math.max(nowMicros(), this.startUs) : 0;
      while (this.sentCount < due && this.sentCount - this.doneCount < this.size && !this.blocked && !this.stopped) {
        const i = this.sentCount;
        const slot = i % this.size;
        const msg = this.ring[slot]!;
        const at = rate === undefined ? turnUs : this.startUs + Math.round(i * 1e6 / rate);
        this.sched[slot] = at;
        if (this.body) msg.payload = this.withHeader(this.body(i));
        writeHeaderSeq(msg.payload, i, at);
        if (this.template) msg.topic = this.template.replaceAll('%c', String(i));
        this.sentCount++;
        c.sentAll++;
        if (at >= c.measuredFromUs) c.sent++;
        if (!this.client.write(msg, this.onDone)) this.blocked = true;
        if (rate === undefined && due === Infinity) due = this.spec.count;
      }
      if (this.sentCount > before) c.lastSendUs = Math.max(c.lastSendUs, rate === undefined ? turnUs : nowMicros());
    } finally {
      this.pumping = false;
    }
  }

  private withHeader(body: Buffer): Buffer {
    const p = Buffer.allocUnsafe(HEADER_SIZE + body.length);
    writeHeaderFixed(p, this.spec.runId, this.spec.index);
    body.copy(p, HEADER_SIZE);
    return p;
  }

  private done(err: Error | null | undefined): void {
    const slot = this.doneCount % this.size;
    this.doneCount++;
    const c = this.counters;
    const at = this.sched[slot]!;
    if (err) {
      c.errors++;
      const cause = causeOf(err);
      c.errorsByCause[cause] = (c.errorsByCause[cause] ?? 0) + 1;
    } else if (at >= c.measuredFromUs) {
      c.acked++;
      if (this.spec.qos > 0) recordUs(c.ack, nowMicros() - at);
    }
    if (!this.pumping) this.pump();
    if (this.doneCount === this.sentCount) this.checkFinished();
  }
}
