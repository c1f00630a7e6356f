// Outbound state the caller handed over, kept across reconnects, with one owner: the FIFO of
// messages not yet sent, the in-flight table of QoS 1/2 messages awaiting their acknowledgement,
// and the SUBSCRIBE/UNSUBSCRIBE requests awaiting theirs. Nothing the caller handed over leaves it
// except by completion (acknowledged / written) or by failing it. The connection and the inbound
// handlers ask it to send, acknowledge and release; they never change an entry themselves.
import { reasonText } from '../protocol/reason-codes.ts';
import { ReasonCodeError } from './errors.ts';
import type { OutboundMessage, WriteCallback } from './types.ts';

export type FlightState = 'publish' | 'pubrel';

export interface Entry {
  readonly msg: OutboundMessage;
  readonly cb: WriteCallback | undefined;
  /** packet id, 0 until it flies (QoS 0 never gets one) */
  id: number;
  state: FlightState;
}

/** a SUBSCRIBE or UNSUBSCRIBE waiting for its SUBACK/UNSUBACK (lives as long as its connection) */
export interface Request {
  resolve(codes: number[]): void;
  reject(err: Error): void;
  /** topic filters in it: the acknowledgement has a reason code for each */
  filters: number;
}

/** what a PUBREC asks the connection to send back */
export type PubrecAnswer = 'pubrel' | 'pubrel-unknown' | 'nothing';

export class Outbox {
  /** not yet sent, in order */
  private queue: Entry[] = [];
  private head = 0;
  /** sent QoS 1/2 messages by packet id, in sending order (Map keeps insertion order) */
  private readonly inflight = new Map<number, Entry>();
  private readonly requests = new Map<number, Request>();
  private nextId = 1;

  get queued(): number {
    return this.queue.length - this.head;
  }

  get size(): number {
    return this.queued + this.inflight.size;
  }

  push(msg: OutboundMessage, cb: WriteCallback | undefined): void {
    this.queue.push({ msg, cb, id: 0, state: 'publish' });
  }

  /** The next message to send, unless it is QoS 1/2 and `window` are in flight already. */
  next(window: number): Entry | undefined {
    if (this.head >= this.queue.length) return undefined;
    const e = this.queue[this.head]!;
    if (e.msg.qos > 0 && this.inflight.size >= window) return undefined;
    this.head++;
    // compact now and then instead of Array.shift() per message
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  /** A QoS 1/2 message goes out: it gets a packet id and waits in flight. */
  fly(e: Entry): void {
    e.id = this.allocateId();
    e.state = 'publish';
    this.inflight.set(e.id, e);
  }

  /** A message leaves for good: written (QoS 0), refused before sending, or acknowledged. */
  done(e: Entry, err: Error | null): void {
    e.cb?.(err);
  }

  /** PUBACK: true when it completed a message of ours (a late or duplicate ack completes nothing). */
  puback(id: number, rc: number, reasonString?: string): boolean {
    const e = this.inflight.get(id);
    if (!e || e.msg.qos !== 1) return false;
    this.inflight.delete(id);
    e.cb?.(rc >= 0x80 ? new ReasonCodeError('PUBACK', rc, reasonText(rc), e.msg.topic, reasonString) : null);
    return true;
  }

  /** PUBREC: release it (PUBREL), release an id we do not know so the broker can forget it [MQTT-4.3.3], or nothing after a failure code. */
  pubrec(id: number, rc: number, reasonString?: string): PubrecAnswer {
    const e = this.inflight.get(id);
    if (!e || e.msg.qos !== 2) return 'pubrel-unknown';
    if (rc >= 0x80) {
      this.inflight.delete(id);
      e.cb?.(new ReasonCodeError('PUBREC', rc, reasonText(rc), e.msg.topic, reasonString));
      return 'nothing';
    }
    e.state = 'pubrel';
    return 'pubrel';
  }

  /** PUBCOMP: true when it completed a released message of ours. */
  pubcomp(id: number, rc: number): boolean {
    const e = this.inflight.get(id);
    if (!e || e.state !== 'pubrel') return false;
    this.inflight.delete(id);
    e.cb?.(rc >= 0x80 ? new ReasonCodeError('PUBCOMP', rc, reasonText(rc), e.msg.topic) : null);
    return true;
  }

  /** In-flight messages in sending order, for a resend after a reconnect. */
  flights(): IterableIterator<Entry> {
    return this.inflight.values();
  }

  /**
   * The broker answered with no session: the ids it had acknowledged mean nothing to it now, and a
   * QoS 2 message it had PUBREC'd but not seen released is gone (mosquitto passes one on only at
   * PUBREL). Every in-flight message goes out again as a new PUBLISH, in its order. Returns how many.
   */
  restartFlights(): number {
    for (const e of this.inflight.values()) e.state = 'publish';
    return this.inflight.size;
  }

  /** the in-flight message sent first, still unacknowledged (undefined when none) */
  oldestInflight(): Entry | undefined {
    return this.inflight.values().next().value;
  }

  oldestTopic(): string {
    return this.oldestInflight()?.msg.topic ?? '';
  }

  /** A SUBSCRIBE/UNSUBSCRIBE gets its packet id from the same allocator as the publishes. */
  openRequest(r: Request): number {
    const id = this.allocateId();
    this.requests.set(id, r);
    return id;
  }

  request(id: number): Request | undefined {
    return this.requests.get(id);
  }

  settleRequest(id: number, codes: number[]): void {
    const r = this.requests.get(id);
    if (!r) return;
    this.requests.delete(id);
    r.resolve(codes);
  }

  /** The connection ended: its requests end with it (a reconnect subscribes anew). */
  failRequests(err: Error): void {
    const all = [...this.requests.values()];
    this.requests.clear();
    for (const r of all) r.reject(err);
  }

  /** Packet ids wrap after 65535 and skip ids still in use by a message or a request [MQTT-2.2.1-3]. */
  allocateId(): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.nextId;
      this.nextId = id === 65535 ? 1 : id + 1;
      if (!this.inflight.has(id) && !this.requests.has(id)) return id;
    }
    throw new Error('no free packet identifier');
  }

  /** Fail everything (the client gave up). */
  failAll(err: Error): void {
    const entries = [...this.inflight.values(), ...this.queue.slice(this.head)];
    this.inflight.clear();
    this.queue = [];
    this.head = 0;
    for (const e of entries) e.cb?.(err);
  }
}
