// stdout for tsrr's replies (and -d lines): one write per socket chunk, queued as a microtask as
// tssub does, and the client paused while stdout's buffer is full (back-pressure).
import type { Writable } from 'node:stream';
import type { Client } from '../../session/client.ts';
import { OutBuffer } from '../output/index.ts';

export class BatchedOut {
  readonly out = new OutBuffer();
  private queued = false;
  private paused = false;

  constructor(private readonly stdout: Writable, private readonly client: Client) {}

  readonly flush = (): void => {
    this.queued = false;
    if (this.out.len === 0) return;
    if (!this.stdout.write(this.out.take()) && !this.paused) {
      this.paused = true;
      this.client.pause();
      this.stdout.once('drain', () => { this.paused = false; this.client.resume(); });
    }
  };

  queue(): void {
    if (!this.queued) { this.queued = true; queueMicrotask(this.flush); }
  }

  line(text: string): void {
    this.out.str(`${text}\n`);
    this.queue();
  }
}
