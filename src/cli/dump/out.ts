// tsdump's stdout: lines gathered and written once per event-loop turn (one write() for the
// packets of a socket chunk or a capture block). full() tells the capture reader to wait for
// 'drain'; the proxy never waits: forwarding must not stall on a slow terminal.
import type { Writable } from 'node:stream';

export class DumpOut {
  private parts: string[] = [];
  private queued = false;
  private waiting = false;

  constructor(private readonly stream: Writable) {}

  write = (text: string): void => {
    this.parts.push(text);
    if (!this.queued) {
      this.queued = true;
      setImmediate(this.flush);
    }
  };

  flush = (): void => {
    this.queued = false;
    if (this.parts.length === 0) return;
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    if (!this.stream.write(text)) this.waiting = true;
  };

  /** resolves once what was written has been handed to the stream and it has room again */
  drained(): Promise<void> {
    this.flush();
    if (!this.waiting) return Promise.resolve();
    return new Promise((resolve) => this.stream.once('drain', () => { this.waiting = false; resolve(); }));
  }

  get full(): boolean {
    return this.waiting || this.parts.length > 4096;
  }
}
