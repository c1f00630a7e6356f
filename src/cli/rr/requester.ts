// tsrr's requests, following mosquitto_rr's flow: subscribe to -e, and on the SUBACK publish the
// request(s) with -e as Response Topic; then take replies until each request has its -C replies.
// MQTT 5: each request carries Correlation Data (16 random bytes, or -D's), and only a reply with a
// pending request's data is taken. MQTT 3.1.1: nothing to match; replies answer the requests in
// the order they were sent. Retained replies are stale: skipped unless --accept-retained.
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { Client } from '../../session/client.ts';
import type { InboundMessage, OutboundMessage } from '../../session/types.ts';
import { isFailure } from '../../protocol/reason-codes.ts';
import { subscriptionRefused } from '../runtime/refusal.ts';
import { LineReader } from '../messages/stdin-lines.ts';
import type { Printer } from '../output/index.ts';
import { EXIT } from '../runtime/exit-codes.ts';
import { monotonicMs } from '../runtime/clock.ts';
import { BatchedOut } from './batch-out.ts';
import type { RequestPlan } from './check.ts';
import { writeReplyJson } from './json.ts';

const CORRELATION_BYTES = 16;

export interface RrIo {
  stdout: Writable;
  stdin: () => Readable;
  printer: Printer;
  json: boolean;
  pretty: boolean;
  /** a runtime error line (already respects --quiet) */
  error(text: string): void;
  /** "Timed out" and notices: stderr without the Error: prefix */
  notice(text: string): void;
}

interface Pending {
  line: number | undefined;
  correlation: Buffer | undefined;
  sentAt: number;
  replies: number;
}

export class Requester {
  readonly batch: BatchedOut;
  /** MQTT 5: pending requests by their Correlation Data (hex); a fixed -D value may be shared */
  private readonly byCorrelation = new Map<string, Pending[]>();
  /** MQTT 3.1.1: pending requests in the order sent */
  private readonly inOrder: Pending[] = [];
  private pendingCount = 0;
  private inputDone = false;
  private failed = false;
  private processing = true;
  private timer: NodeJS.Timeout | undefined;
  private reader: LineReader | undefined;
  private resolveDone!: (code: number) => void;
  readonly finished = new Promise<number>((r) => { this.resolveDone = r; });

  constructor(private readonly client: Client, private readonly plan: RequestPlan, private readonly io: RrIo) {
    this.batch = new BatchedOut(io.stdout, client);
    client.on('message', this.onMessage);
    client.on('close', (err) => { if (err && this.processing) { io.error(err.message); this.stop(EXIT.FAILURE); } });
    client.on('drain', () => this.reader?.resume());
    // -W counts from the start, connecting included
    if (plan.timeoutMs > 0) this.timer = setTimeout(() => { io.notice('Timed out'); this.stop(EXIT.TIMEOUT); }, plan.timeoutMs);
  }

  get stopped(): boolean {
    return !this.processing;
  }

  /** After connect(): subscribe, then send; resolves with the exit code. */
  async run(): Promise<number> {
    const { plan, client } = this;
    const sub = plan.v5
      // retained replies are never wanted unless asked for: the broker need not send them (-R)
      ? { topic: plan.responseTopic, qos: plan.qos, retainAsPublished: plan.retainAsPublished, retainHandling: plan.retainHandling }
      : { topic: plan.responseTopic, qos: plan.qos };
    const codes = await client.subscribe([sub], plan.subscribeProperties);
    if (!this.processing) return this.finished;
    const rc = codes[0] ?? 0x80;
    if (isFailure(rc)) {
      this.io.error(subscriptionRefused(plan.responseTopic, rc));
      this.stop(EXIT.FAILURE);
      return this.finished;
    }
    if (plan.source.kind === 'single') {
      this.send(plan.source.payload, undefined);
      this.inputDone = true;
    } else {
      const reader: LineReader = new LineReader(this.io.stdin(), (line): boolean => this.send(line, reader.lineCount),
        () => { this.inputDone = true; this.checkDone(); },
        (err) => { this.io.error(`cannot read standard input: ${err.message}`); this.failed = true; this.inputDone = true; this.checkDone(); });
      this.reader = reader;
    }
    return this.finished;
  }

  /** publish one request; false: wait for the client's 'drain' */
  private send(payload: Buffer, line: number | undefined): boolean {
    if (!this.processing) return false;
    const { plan } = this;
    const p: Pending = { line, correlation: undefined, sentAt: 0, replies: 0 };
    const msg: OutboundMessage = { topic: plan.topic, payload, qos: plan.qos, retain: false };
    if (plan.v5) {
      const correlation = plan.fixedCorrelation ?? randomBytes(CORRELATION_BYTES);
      p.correlation = correlation;
      const key = correlation.toString('hex');
      const list = this.byCorrelation.get(key);
      if (list) list.push(p); else this.byCorrelation.set(key, [p]);
      msg.properties = { ...plan.publishProperties, responseTopic: plan.responseTopic, correlationData: correlation };
    } else {
      this.inOrder.push(p);
    }
    this.pendingCount++;
    p.sentAt = monotonicMs();
    return this.client.write(msg, (err) => {
      if (!err) return;
      this.io.error(`request${line !== undefined ? ` (line ${line})` : ''} not sent: ${err.message}`);
      this.failed = true;
      this.forget(p);
    });
  }

  private forget(p: Pending): void {
    if (p.correlation) {
      const key = p.correlation.toString('hex');
      const list = this.byCorrelation.get(key);
      const i = list ? list.indexOf(p) : -1;
      if (i < 0) return;
      list!.splice(i, 1);
      if (list!.length === 0) this.byCorrelation.delete(key);
    } else {
      // replies come in order: the oldest is the one answered (a failed send may be anywhere)
      if (this.inOrder[0] === p) this.inOrder.shift();
      else {
        const i = this.inOrder.indexOf(p);
        if (i < 0) return;
        this.inOrder.splice(i, 1);
      }
    }
    this.pendingCount--;
    this.checkDone();
  }

  private readonly onMessage = (msg: InboundMessage): void => {
    if (!this.processing || msg.topic !== this.plan.responseTopic) return;
    if (msg.retain && !this.plan.acceptRetained) return;
    let p: Pending | undefined;
    if (this.plan.v5) {
      const cd = msg.properties?.correlationData;
      if (!cd) return; // not an answer to a request of ours
      p = this.byCorrelation.get(cd.toString('hex'))?.[0];
    } else {
      p = this.inOrder[0];
    }
    if (!p) return;
    const now = monotonicMs();
    const wall = Date.now();
    const { io } = this;
    if (io.json) {
      writeReplyJson(this.batch.out, msg, wall, io.pretty, { line: p.line, correlationData: p.correlation, rttMs: now - p.sentAt });
      this.batch.out.byte(10);
    } else {
      io.printer.print(this.batch.out, msg, io.printer.usesTime ? wall : 0);
    }
    this.batch.queue();
    if (++p.replies >= this.plan.count) this.forget(p);
  };

  private checkDone(): void {
    if (this.inputDone && this.pendingCount === 0 && this.processing) this.stop(this.failed ? EXIT.FAILURE : EXIT.OK);
  }

  /** Stop taking replies, send DISCONNECT, resolve with code. */
  stop(code: number): void {
    if (!this.processing) return;
    this.processing = false;
    clearTimeout(this.timer);
    void this.shutdown(code);
  }

  private async shutdown(code: number): Promise<void> {
    this.batch.flush();
    const props = this.plan.disconnectProperties;
    const ending = this.client.end(props ? { properties: props } : undefined).catch(() => undefined);
    // a broker that never answers must not keep us alive
    await Promise.race([ending, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.batch.flush();
    this.resolveDone(code);
  }
}
