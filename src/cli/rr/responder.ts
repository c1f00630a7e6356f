// tsrr --respond: the other side of the pattern. Subscribes to -t; for each request runs --exec
// (at most --max-running at once, the rest wait in order) and publishes the command's stdout to
// the request's Response Topic with its Correlation Data [MQTT-4.10.0]. A failed command is
// answered with the user property exit-status, or not at all with --no-reply-on-failure.
import type { Writable } from 'node:stream';
import type { Client } from '../../session/client.ts';
import type { InboundMessage, UserProperties } from '../../session/types.ts';
import { isFailure } from '../../protocol/reason-codes.ts';
import { subscriptionRefused } from '../runtime/refusal.ts';
import type { Printer } from '../output/index.ts';
import { EXIT } from '../runtime/exit-codes.ts';
import { BatchedOut } from './batch-out.ts';
import type { RespondPlan } from './check.ts';
import { runCommand, type ExecResult, type ExecRun } from './exec.ts';

/** waiting requests above which the socket is paused (no more reads until some are answered) */
const HIGH_WATER = 1000;

export interface ResponderIo {
  stdout: Writable;
  /** prints each request taken (-v, -F given), else undefined */
  printer: Printer | undefined;
  error(text: string): void;
  notice(text: string): void;
}

interface Job {
  msg: InboundMessage;
  replyTo: string;
}

/** the user property value naming how a failed command ended */
export function exitStatus(r: ExecResult): string | undefined {
  if (r.timedOut) return 'timeout';
  if (r.error) return 'not started';
  if (r.signal) return r.signal;
  return r.code === 0 ? undefined : String(r.code);
}

export class Responder {
  readonly batch: BatchedOut;
  private readonly waiting: Job[] = [];
  private readonly running = new Set<ExecRun>();
  private handled = 0;
  private started = 0;
  private paused = false;
  private processing = true;
  private warnedNoTopic = false;
  private timer: NodeJS.Timeout | undefined;
  private resolveDone!: (code: number) => void;
  readonly finished = new Promise<number>((r) => { this.resolveDone = r; });

  constructor(private readonly client: Client, private readonly plan: RespondPlan, private readonly io: ResponderIo) {
    this.batch = new BatchedOut(io.stdout, client);
    client.on('message', this.onMessage);
    client.on('close', (err) => { if (err && this.processing) { io.error(err.message); this.stop(EXIT.FAILURE); } });
    if (plan.timeoutMs > 0) this.timer = setTimeout(() => { io.notice('Timed out'); this.stop(EXIT.TIMEOUT); }, plan.timeoutMs);
  }

  get stopped(): boolean {
    return !this.processing;
  }

  async run(): Promise<number> {
    const { plan } = this;
    const sub = plan.v5
      ? { topic: plan.filter, qos: plan.qos, retainAsPublished: plan.retainAsPublished, retainHandling: plan.retainHandling }
      : { topic: plan.filter, qos: plan.qos };
    const codes = await this.client.subscribe([sub], plan.subscribeProperties);
    const rc = codes[0] ?? 0x80;
    if (isFailure(rc) && this.processing) {
      this.io.error(subscriptionRefused(plan.filter, rc));
      this.stop(EXIT.FAILURE);
    }
    return this.finished;
  }

  private readonly onMessage = (msg: InboundMessage): void => {
    if (!this.processing) return;
    if (msg.retain && !this.plan.acceptRetained) return; // a stale request: its requester is gone
    // -C N: the first N requests are taken, later ones are left to other responders
    if (this.plan.count > 0 && this.started >= this.plan.count) return;
    const replyTo = (this.plan.v5 ? msg.properties?.responseTopic : undefined) ?? this.plan.fallbackTopic;
    if (replyTo === undefined) {
      if (!this.warnedNoTopic) {
        this.warnedNoTopic = true;
        this.io.notice(`A request on '${msg.topic}' has no Response Topic: not answered (give -e topic to answer such requests there).`);
      }
      return;
    }
    this.started++;
    if (this.io.printer) {
      this.io.printer.print(this.batch.out, msg, this.io.printer.usesTime ? Date.now() : 0);
      this.batch.queue();
    }
    this.waiting.push({ msg, replyTo });
    if (this.waiting.length > HIGH_WATER && !this.paused) { this.paused = true; this.client.pause(); }
    this.startMore();
  };

  private startMore(): void {
    while (this.processing && this.running.size < this.plan.maxRunning && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const env: Record<string, string> = { MQTT_TOPIC: job.msg.topic, MQTT_RESPONSE_TOPIC: job.replyTo };
      const run = runCommand(this.plan.command, job.msg.payload, env, this.plan.execTimeoutMs);
      this.running.add(run);
      void run.done.then((r) => { this.running.delete(run); this.answer(job, r); });
    }
    if (this.paused && this.waiting.length < HIGH_WATER / 2) { this.paused = false; this.client.resume(); }
  }

  private answer(job: Job, r: ExecResult): void {
    if (!this.processing) return;
    const status = exitStatus(r);
    if (r.error) this.io.error(`--exec: cannot run /bin/sh: ${r.error.message}`);
    const done = (): void => {
      this.handled++;
      if (this.plan.count > 0 && this.handled >= this.plan.count) this.stop(EXIT.OK);
      else this.startMore();
    };
    if (status !== undefined && !this.plan.replyOnFailure) { done(); return; }
    const { plan } = this;
    const req = job.msg.properties;
    let properties;
    if (plan.v5) {
      const userProperties: UserProperties = { ...plan.publishProperties?.userProperties };
      if (status !== undefined) userProperties['exit-status'] = status;
      properties = {
        ...plan.publishProperties,
        ...(req?.correlationData ? { correlationData: req.correlationData } : {}),
        ...(Object.keys(userProperties).length > 0 ? { userProperties } : {}),
      };
    }
    this.client.write({ topic: job.replyTo, payload: r.stdout, qos: plan.qos, retain: false, properties }, (err) => {
      if (err) this.io.error(`reply to '${job.replyTo}' not sent: ${err.message}`);
      done();
    });
  }

  stop(code: number): void {
    if (!this.processing) return;
    this.processing = false;
    clearTimeout(this.timer);
    for (const run of this.running) run.kill();
    void this.shutdown(code);
  }

  private async shutdown(code: number): Promise<void> {
    this.batch.flush();
    if (this.paused) this.client.resume();
    const props = this.plan.disconnectProperties;
    const ending = this.client.end(props ? { properties: props } : undefined).catch(() => undefined);
    await Promise.race([ending, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.batch.flush();
    this.resolveDone(code);
  }
}
