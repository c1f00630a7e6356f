// tsdump's stdout: lines gathered and written once per event-loop turn (one write() for the
// packets of a socket chunk or a capture block), encoded straight into one buffer as they come
// (no array of strings to join, no second copy when the stream turns the text into bytes).
// Capture: full() tells the reader to wait for 'drain'; nothing is lost.
// Proxy: forwarding never waits for stdout. While more than `limit` bytes wait to be written
// (stdout slower than the traffic), packets are not rendered but counted, and once stdout has
// drained one notice line says how many were left out ("dropped"); the total is on stderr at exit.
// Memory stays bounded (the limit plus one turn's lines), the forwarded traffic untouched.
import type { Writable } from 'node:stream';

/** how far stdout may fall behind the proxy, in bytes queued: about 30,000 JSON lines of small messages */
export const PROXY_QUEUE_LIMIT = 4 << 20;

/** a turn's buffer starts at this size and grows to the largest turn seen */
const TURN_BYTES = 64 * 1024;

export class DumpOut {
  private buf = Buffer.allocUnsafe(TURN_BYTES);
  private pos = 0;
  private queued = false;
  private waiting = false;
  private shedding = false;
  private drainWaiters: Array<() => void> = [];
  /** packets left out since the last notice, the time of the first of them, and in all */
  private skipped = 0;
  private skippedMs = 0;
  skippedTotal = 0;
  /** the renderer's notice line for `count` packets left out from `ms` on (set by makeDumper) */
  notice: (ms: number, count: number) => string = () => '';

  constructor(private readonly stream: Writable, private readonly limit = Infinity) {}

  write = (text: string): void => {
    if (this.skipped > 0) this.pushNotice(); // an event after dropped packets: the notice goes first, in order
    this.append(text);
    if (!this.queued) {
      this.queued = true;
      setImmediate(this.flush);
    }
  };

  /** false while stdout is too far behind: the dumper then calls skip() instead of rendering */
  room = (): boolean => !this.shedding;

  skip = (ms: number): void => {
    if (this.skipped++ === 0) this.skippedMs = ms;
    this.skippedTotal++;
  };

  private pushNotice(): void {
    const n = this.skipped;
    this.skipped = 0;
    this.append(this.notice(this.skippedMs, n));
  }

  private append(text: string): void {
    const room = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.pos + room > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + room));
      this.buf.copy(bigger, 0, 0, this.pos);
      this.buf = bigger;
    }
    this.pos += this.buf.write(text, this.pos);
  }

  flush = (): void => {
    this.queued = false;
    if (this.pos === 0) return;
    // the stream keeps the bytes until they are written: the next turn gets a new buffer
    const bytes = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(TURN_BYTES, this.pos));
    this.pos = 0;
    if (!this.stream.write(bytes) && !this.waiting) {
      this.waiting = true;
      this.stream.once('drain', this.onDrain);
    }
    if (this.waiting && this.stream.writableLength > this.limit) this.shedding = true;
  };

  private onDrain = (): void => {
    this.waiting = false;
    this.shedding = false;
    if (this.skipped > 0) {
      // the notice, as soon as there is room for it
      this.pushNotice();
      if (!this.queued) {
        this.queued = true;
        setImmediate(this.flush);
      }
    }
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  };

  /** resolves once everything (a last notice included) has been handed to the stream and it has room again */
  async drained(): Promise<void> {
    for (;;) {
      if (this.skipped > 0) this.pushNotice();
      this.flush();
      if (!this.waiting) return;
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  get full(): boolean {
    return this.waiting || this.pos > 1 << 20;
  }
}
