// Outbound messages the caller handed over, kept across reconnects: a FIFO of messages not yet
// sent and the in-flight table of QoS 1/2 messages awaiting their acknowledgement. Nothing the
// caller handed over leaves this structure except by completion (ack / written) or by failing it.
import type { OutboundMessage, WriteCallback } from './types.ts';

export type FlightState = 'publish' | 'pubrel';

export interface Entry {
  msg: OutboundMessage;
  cb: WriteCallback | undefined;
  /** packet id, 0 until assigned (QoS 0 never gets one) */
  id: number;
  state: FlightState;
}

export class Outbox {
  /** not yet sent, in order */
  private queue: Entry[] = [];
  private head = 0;
  /** sent QoS 1/2 messages by packet id, in sending order (Map keeps insertion order) */
  readonly inflight = new Map<number, Entry>();
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

  peek(): Entry | undefined {
    return this.head < this.queue.length ? this.queue[this.head] : undefined;
  }

  shift(): Entry {
    const e = this.queue[this.head++]!;
    // compact now and then instead of Array.shift() per message
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  /** Packet ids wrap after 65535 and skip ids still in use [MQTT-2.2.1-3]. */
  allocateId(inUse: (id: number) => boolean): number {
    for (let i = 0; i < 65535; i++) {
      const id = this.nextId;
      this.nextId = id === 65535 ? 1 : id + 1;
      if (!this.inflight.has(id) && !inUse(id)) return id;
    }
    throw new Error('no free packet identifier');
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

    /** Fail everything (the client gave up). */
  failAll(err: Error): void {
    const entries = [...this.inflight.values(), ...this.queue.slice(this.head)];
    this.inflight.clear();
    this.queue = [];
    this.head = 0;
    for (const e of entries) e.cb?.(err);
  }
}
