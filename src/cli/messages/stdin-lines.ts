// Lines of a byte stream with back-pressure, for `-l`: one Buffer per line, '\n' removed (a '\r' is
// kept, as mosquitto_pub keeps it), an empty line is an empty Buffer, a last line without '\n' is
// still delivered, no length limit, bytes untouched (binary safe).
//
// Why not split2: it always decodes UTF-8 (invalid bytes become U+FFFD, so binary lines are
// corrupted) and allocates strings per line. This reader slices lines out of each chunk without
// copying, and stops in the middle of a chunk when the sink says so, pausing the stream until resume().
import type { Readable } from 'node:stream';

/** Return false to stop: no more lines until resume(). */
export type LineSink = (line: Buffer) => boolean;

export class LineReader {
  private carry: Buffer[] = [];
  private chunk: Buffer | undefined;
  private pos = 0;
  private stopped = false;
  private ended = false;
  private finished = false;
  /** lines delivered so far (1-based number of the last one) */
  lineCount = 0;

  constructor(
    private readonly stream: Readable,
    private readonly sink: LineSink,
    private readonly onEnd: () => void,
    onError: (err: Error) => void,
  ) {
    stream.on('data', (c: Buffer) => {
      this.chunk = c;
      this.pos = 0;
      this.work();
    });
    stream.on('end', () => {
      this.ended = true;
      this.work();
    });
    stream.on('error', onError);
  }

  /** Continue after the sink returned false (e.g. on the client's 'drain'). */
  resume(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.work();
    if (!this.stopped && !this.ended) this.stream.resume();
  }

  get paused(): boolean {
    return this.stopped;
  }

  private deliver(line: Buffer): boolean {
    this.lineCount++;
    if (this.sink(line)) return true;
    this.stopped = true;
    this.stream.pause();
    return false;
  }

  private work(): void {
    const chunk = this.chunk;
    if (chunk) {
      while (true) {
        const nl = chunk.indexOf(10, this.pos);
        if (nl < 0) {
          if (this.pos < chunk.length) this.carry.push(chunk.subarray(this.pos));
          this.chunk = undefined;
          break;
        }
        let line = chunk.subarray(this.pos, nl);
        if (this.carry.length > 0) {
          this.carry.push(line);
          line = Buffer.concat(this.carry);
          this.carry = [];
        }
        this.pos = nl + 1;
        if (!this.deliver(line)) return;
      }
    }
    if (this.ended && !this.finished) {
      if (this.carry.length > 0) {
        const last = Buffer.concat(this.carry);
        this.carry = [];
        if (!this.deliver(last)) return;
      }
      this.finished = true;
      this.onEnd();
    }
  }
}
