// Runs a PubPlan over a connected Client: a single (possibly repeated) message, or one message per
// stdin line with back-pressure end to end (stdin is paused while write() says the outbox or the
// socket is full, and resumed on 'drain'). Exit status 0 only when every message was handed over
// (QoS 0) or acknowledged (QoS 1/2).
import type { Readable } from 'node:stream';
import type { Client } from '../../session/client.ts';
import { MessageTooLargeError, ReasonCodeError } from '../../session/errors.ts';
import { oversize, oversizeText } from '../../session/publish-size.ts';
import type { OutboundMessage, WriteCallback } from '../../session/types.ts';
import { LineReader } from '../messages/stdin-lines.ts';
import { readRange } from '../messages/checked-lines.ts';
import { ChangeFilter, lineParser } from '../messages/line-format.ts';
import type { PubPlan } from './check.ts';
import { compileTemplate } from '../messages/template.ts';
import { replay } from '../messages/replay.ts';

export interface PublishIo {
  /** a getter: process.stdin costs a stream set-up that -m/-f/-n never need */
  stdin: () => Readable;
  /** one runtime error line (printed unless --quiet) */
  error(text: string): void;
  v5: boolean;
  /** -D disconnect ... properties (v5) */
  disconnectProperties?: Record<string, unknown>;
}

export interface PublishResult {
  sent: number;
  failed: number;
  /** the error that ended the session early, if any */
  fatal?: Error;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Publisher {
  private failed = 0;
  private sent = 0;
  private fatal: Error | undefined;
  /** one callback for every message: no closure per message on the hot path */
  private readonly done: WriteCallback = (err) => {
    if (!err) {
      this.sent++;
      return;
    }
    this.failed++;
    // one message refused (by the broker, or too large for it): named, the others go on
    if (err instanceof ReasonCodeError || err instanceof MessageTooLargeError) this.io.error(err.message);
    else if (!this.fatal) {
      this.fatal = err;
      this.io.error(err.message);
    }
  };

  constructor(private readonly client: Client, private readonly plan: PubPlan, private readonly io: PublishIo) {
    client.on('close', (err) => {
      if (err && !this.fatal) {
        this.fatal = err;
        this.io.error(err.message);
      }
    });
  }

  /** the message's size against MQTT's limit and the broker's maximum, checked by the caller to name it */
  private tooLarge(msg: OutboundMessage): string | undefined {
    const o = oversize(msg, this.io.v5 ? 5 : 4, this.client.maxPacketSize, this.io.v5);
    return o && `the message ${oversizeText(o)}`;
  }

  async run(): Promise<PublishResult> {
    if (this.plan.mode === 'single') await this.single(this.plan);
    else if (this.plan.mode === 'replay') {
      await replay(this.plan.entries, this.plan.speed, this.plan.loop, {
        write: (msg) => this.client.write(msg, this.done), drained: () => this.drained(), stopped: () => this.fatal !== undefined,
      });
    } else await this.lines(this.plan);
    await this.client.end(this.io.disconnectProperties ? { properties: this.io.disconnectProperties } : undefined);
    return { sent: this.sent, failed: this.failed, fatal: this.fatal };
  }

  private async single(p: Extract<PubPlan, { mode: 'single' }>): Promise<void> {
    const msg: OutboundMessage = { topic: p.topic, payload: p.payload, ...p.common };
    const large = this.tooLarge(msg);
    if (large) {
      this.failed++;
      this.fatal = new Error(`${p.what}: ${large}.`);
      this.io.error(this.fatal.message);
      return;
    }
    const template = p.templated ? compileTemplate(p.payload) : undefined;
    for (let n = 1; n <= p.repeat && !this.fatal; n++) {
      const m = template ? { ...msg, payload: template.render(n) } : msg;
      const ok = this.client.write(m, this.done);
      if (p.repeatDelayMs > 0 && n < p.repeat) await sleep(p.repeatDelayMs);
      else if (!ok) await this.drained();
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const onDrain = (): void => { this.client.off('close', onClose); resolve(); };
      const onClose = (): void => { this.client.off('drain', onDrain); resolve(); };
      this.client.once('drain', onDrain);
      this.client.once('close', onClose);
    });
  }

  private lines(p: Extract<PubPlan, { mode: 'lines' }>): Promise<void> {
    const parse = lineParser(p.format, { topic: p.topic, ...p.common, v5: this.io.v5 });
    const changes = p.changesOnly ? new ChangeFilter() : undefined;
    const client = this.client;
    return new Promise<void>((resolve) => {
      let reader: LineReader;
      const sink = (line: Buffer): boolean => {
        if (this.fatal) {
          // the session is over: stop reading, and let run() end it (a paused reader would wait forever)
          stdin.pause();
          finish();
          return false;
        }
        const msg = parse(line);
        if (typeof msg === 'string') {
          // from a pipe the lines before this one are out already; a checked file has no bad line
          // unless it was rewritten since
          this.failed++;
          this.io.error(`stdin line ${reader.lineCount}: ${msg}; not published (${p.checked ? 'the file changed after it was checked' : 'the lines before it were: stdin is not a file, so lines go out as they are read'}).`);
          return true;
        }
        if (changes && changes.isRepeat(msg)) return true;
        // refused here rather than by the connection, so that the error names the line; the rest go on
        const large = this.tooLarge(msg);
        if (large) {
          this.failed++;
          this.io.error(`stdin line ${reader.lineCount}: ${large}.`);
          return true;
        }
        return client.write(msg, this.done);
      };
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        client.off('drain', onDrain);
        client.off('close', onClose);
        resolve();
      };
      const onDrain = (): void => reader.resume();
      // a regular file whose lines check.ts checked: exactly those bytes again
      const stdin = p.checked ? readRange(p.checked) : this.io.stdin();
      const onClose = (): void => {
        stdin.pause();
        finish();
      };
      client.on('drain', onDrain);
      client.on('close', onClose);
      reader = new LineReader(stdin, sink, finish, (err) => {
        if (!this.fatal) {
          this.fatal = err;
          this.io.error(`reading stdin: ${err.message}`);
        }
        finish();
      });
    });
  }
}
