// tssub's runtime over a connected Client, following mosquitto_sub 2.0.11's callbacks: subscribe
// (remembered by the Client and replayed after a reconnect), -U after it, then per message:
// --retained-only / -R / -T / --remove-retained / --random-filter, print, count for -C.
// Output is batched per socket chunk (one write, queued as a microtask: cheaper than nextTick per
// chunk, ~7% of a live drain's user CPU), so `| grep` sees each line promptly; when stdout's
// buffer is full the socket is paused until 'drain' (back-pressure).
import type { Writable } from 'node:stream';
import type { Client } from '../../session/client.ts';
import type { InboundMessage, QoS, SubscribeProperties, Subscription, UserProperties } from '../../session/types.ts';
import { isFailure } from '../../protocol/reason-codes.ts';
import { subscriptionRefused } from '../runtime/refusal.ts';
import { topicMatches } from '../../protocol/topic.ts';
import { OutBuffer, type Printer } from '../output/index.ts';
import { WatchPrinter, type WatchScreen } from '../output/watch.ts';
import { EXIT } from '../runtime/exit-codes.ts';
import { reportOutages } from '../runtime/outage-notice.ts';
import { monotonicMs } from '../runtime/clock.ts';

export interface SubPlan {
  filters: string[];
  qos: QoS;
  retainAsPublished: boolean;
  /** MQTT 5 subscription options (ignored on 3.1.1, as libmosquitto does) */
  noLocal?: boolean;
  retainHandling?: 0 | 1 | 2;
  /** -w: the first line of the watch screen ("Broker: host"); undefined without -w */
  watchHeader?: string;
  unsubscribe: string[];
  filterOut: string[];
  /** exit after this many printed messages (0 = no limit) */
  count: number;
  /** -W in ms (0 = none) */
  timeoutMs: number;
  exitAfterSub: boolean;
  noRetain: boolean;
  retainedOnly: boolean;
  /** ours: end by itself once the retained snapshot is complete */
  snapshot: boolean;
  snapshotQuietMs: number;
  removeRetained: boolean;
  /** hundredths of a percent, 10000 = all */
  randomFilter: number;
  subscribeProperties?: SubscribeProperties;
  unsubscribeProperties?: { userProperties?: UserProperties };
  disconnectProperties?: Record<string, unknown>;
  v5: boolean;
}

export interface SubIo {
  stdout: Writable;
  printer: Printer;
  /** a runtime error / notice line for stderr (already respects --quiet) */
  error(text: string): void;
  /** "Timed out" and friends: stderr without the Error: prefix */
  notice(text: string): void;
  /** mosquitto -d prints "Subscribed (mid: N): q, ..." on stdout */
  debug?: (line: string) => void;
  /** stdout is a terminal of this size (read at each message: it follows a resize); -w needs one */
  screen?: WatchScreen;
}

export class Subscriber {
  private readonly out = new OutBuffer();
  private flushQueued = false;
  private processing = true;
  private printed = 0;
  private finishing = false;
  private resolveDone!: (code: number) => void;
  private readonly done = new Promise<number>((r) => { this.resolveDone = r; });
  private timers: NodeJS.Timeout[] = [];
  private snapshotTimer: NodeJS.Timeout | undefined;
  private lastRetained = 0;
  private paused = false;

  /** run() has started: a failed first connect() is reported by the caller, not here */
  private running = false;
  /** io.printer, or -w's renderer around it on a terminal */
  private readonly printer: Printer;

  /** Listens at once: a persistent session's queued messages may arrive with the CONNACK. */
  constructor(private readonly client: Client, private readonly plan: SubPlan, private readonly io: SubIo) {
    // -w on a terminal: a cleared screen and develop's header first; elsewhere -w changes nothing
    if (plan.watchHeader !== undefined && io.screen) {
      const watch = new WatchPrinter(io.printer, io.screen);
      watch.begin(this.out, plan.watchHeader);
      this.queueFlush();
      this.printer = watch;
    } else this.printer = io.printer;
    client.on('message', this.onMessage);
    client.on('close', (err) => { if (err && this.running && !this.finishing) { io.error(err.message); this.finish(EXIT.FAILURE); } });
    reportOutages(client, io.notice);
    client.on('resubscribed', (mid, codes, filters) => { if (this.processing) this.onSubscribed(mid, codes, filters); });
    // -W counts from the start, connecting included (a broker that is down with --retry-connect)
    if (plan.timeoutMs > 0) {
      this.timers.push(setTimeout(() => { io.notice('Timed out'); this.stop(EXIT.TIMEOUT); }, plan.timeoutMs));
    }
  }

  /** stop() was called: an exit code is decided (a first connect() it ended rejects, and that is no error) */
  get stopped(): boolean {
    return !this.processing;
  }

  /** resolves with the exit code once stopped (also when stopped before run(), e.g. Ctrl+C while connecting) */
  get finished(): Promise<number> {
    return this.done;
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    if (this.out.len === 0) return;
    const ok = this.io.stdout.write(this.out.take());
    if (!ok && !this.paused) {
      this.paused = true;
      this.client.pause();
      this.io.stdout.once('drain', this.onDrain);
    }
  };

  private readonly onDrain = (): void => {
    this.paused = false;
    this.client.resume();
  };

  private readonly onMessage = (msg: InboundMessage): void => {
    const plan = this.plan;
    if (!this.processing) return;
    if (plan.retainedOnly && !msg.retain) { this.stop(EXIT.OK); return; }
    if (msg.retain && plan.noRetain) return;
    const fo = plan.filterOut;
    for (let i = 0; i < fo.length; i++) if (topicMatches(fo[i]!, msg.topic)) return;
    if (plan.removeRetained && msg.retain) {
      this.client.write({ topic: msg.topic, payload: Buffer.alloc(0), qos: 1, retain: true });
    }
    if (plan.snapshot && msg.retain) this.lastRetained = monotonicMs();
    if (plan.randomFilter < 10000 && Math.floor(Math.random() * 10000) >= plan.randomFilter) return;
    const printer = this.printer;
    printer.print(this.out, msg, printer.usesTime ? performance.timeOrigin + performance.now() : 0);
    this.queueFlush();
    if (plan.count > 0 && ++this.printed >= plan.count) this.stop(EXIT.OK);
  };

  /** one write per socket chunk: the flush runs once the chunk's packets are handled */
  private queueFlush(): void {
    if (!this.flushQueued) { this.flushQueued = true; queueMicrotask(this.flush); }
  }

  /**
   * A -d line (the session's packet lines, "Subscribed ..."), in the same batch as the messages,
   * so the order is mosquitto_sub's: received PUBLISH, sending PUBACK, the message.
   */
  readonly debugLine = (line: string): void => {
    this.out.str(`${line}\n`);
    this.queueFlush();
  };

  /** After connect(): subscribe and run until a stop condition; resolves with the exit code. */
  async run(): Promise<number> {
    const { client, plan } = this;
    this.running = true;
    const subs: Subscription[] = plan.filters.map((topic) => (plan.v5
      ? { topic, qos: plan.qos, retainAsPublished: plan.retainAsPublished, noLocal: plan.noLocal ?? false, retainHandling: plan.retainHandling ?? 0 }
      : { topic, qos: plan.qos }));
    // -U alone (mosquitto 2.1): nothing to subscribe; a kept session's subscriptions still deliver
    if (subs.length > 0) {
      let codes: number[];
      let mid = 0;
      try {
        codes = await client.subscribe(subs, plan.subscribeProperties, (id) => { mid = id; });
      } catch (err) {
        if (this.finishing) return this.done;
        throw err;
      }
      if (!this.onSubscribed(mid, codes, plan.filters)) return this.done;
    }
    if (plan.unsubscribe.length > 0) await client.unsubscribe(plan.unsubscribe, plan.unsubscribeProperties).catch(() => undefined);
    if (plan.exitAfterSub) this.stop(EXIT.OK);
    else if (plan.snapshot) this.armSnapshot();
    return this.done;
  }

  /**
   * A SUBACK, the first or one replayed after a reconnect (mosquitto_sub's subscribe callback runs
   * for both): -d line, a line per refused filter, the end when every filter was refused.
   */
  private onSubscribed(mid: number, codes: number[], filters: string[]): boolean {
    const io = this.io;
    io.debug?.(`Subscribed (mid: ${mid}): ${codes.join(', ')}`);
    let denied = 0;
    codes.forEach((rc, i) => {
      if (isFailure(rc)) {
        denied++;
        io.error(subscriptionRefused(filters[i]!, rc));
      }
    });
    if (denied < codes.length) return true;
    io.error('All subscription requests were denied.');
    this.stop(EXIT.FAILURE);
    return false;
  }

  private armSnapshot(): void {
    this.lastRetained = monotonicMs();
    const check = (): void => {
      const idle = monotonicMs() - this.lastRetained;
      if (idle >= this.plan.snapshotQuietMs) this.stop(EXIT.OK);
      else this.snapshotTimer = setTimeout(check, this.plan.snapshotQuietMs - idle);
    };
    this.snapshotTimer = setTimeout(check, this.plan.snapshotQuietMs);
  }

  /** Stop printing, send DISCONNECT (after outstanding --remove-retained clears), resolve with code. */
  stop(code: number): void {
    if (!this.processing) return;
    this.processing = false;
    void this.shutdown(code);
  }

  private async shutdown(code: number): Promise<void> {
    this.finishing = true;
    for (const t of this.timers) clearTimeout(t);
    clearTimeout(this.snapshotTimer);
    this.flush();
    if (this.paused) this.client.resume();
    const props = this.plan.v5 ? this.plan.disconnectProperties : undefined;
    const ending = this.client.end(props ? { properties: props } : undefined).catch(() => undefined);
    // a broker that never answers must not keep us alive
    await Promise.race([ending, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.finish(code);
  }

  private finish(code: number): void {
    this.processing = false;
    this.finishing = true;
    for (const t of this.timers) clearTimeout(t);
    clearTimeout(this.snapshotTimer);
    this.flush();
    this.resolveDone(code);
  }
}
