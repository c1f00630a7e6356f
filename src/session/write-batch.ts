// The packets of one event-loop turn, written to the socket as one buffer: one write() per turn
// instead of one per packet (a Writable's per-write cost is most of a small packet's). Bytes above
// a bound are written at once, and a large packet alone, without being copied.
import type { Duplex } from 'node:stream';

/** queued bytes above which they are written at once (and a packet this large is written alone) */
const FLUSH_BYTES = 64 * 1024;

export class WriteBatch {
  private parts: Buffer[] = [];
  private bytes = 0;
  private queued = false;
  /** the socket's buffer is full: the caller stops sending until 'drain' */
  full = false;
  private readonly flushTurn = (): void => {
    this.queued = false;
    this.flush();
  };

  constructor(private readonly socket: Duplex) {}

  add(packet: Buffer): void {
    if (packet.length >= FLUSH_BYTES) {
      this.flush();
      this.write(packet);
      return;
    }
    this.parts.push(packet);
    this.bytes += packet.length;
    if (this.bytes >= FLUSH_BYTES) this.flush();
    else if (!this.queued) {
      this.queued = true;
      process.nextTick(this.flushTurn);
    }
  }

  /** Write what is queued now (before end(), or when the batch is big). */
  flush(): void {
    if (this.parts.length === 0) return;
    const chunk = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    this.write(chunk);
  }

  private write(chunk: Buffer): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    if (!this.socket.write(chunk)) this.full = true;
  }
}
