// Keepalive [MQTT-3.1.2-22, MQTT-3.1.2-24]: a PINGREQ after a keepalive interval with nothing sent,
// and the connection declared dead when nothing comes back within another one. Four ticks per
// interval: a PINGREQ goes out at most 1.25 x keepalive after the last packet.
import { TimeoutError } from './errors.ts';

export interface KeepaliveIo {
  ping(): void;
  dead(err: Error): void;
  /** reading is paused by the caller (back-pressure): silence is ours, not the broker's */
  paused(): boolean;
}

export class Keepalive {
  private timer: NodeJS.Timeout | undefined;
  private sentSinceTick = false;
  private idleTicks = 0;
  private outstanding = false;

  constructor(private readonly seconds: number, private readonly io: KeepaliveIo) {}

  start(): void {
    if (!this.seconds) return;
    this.timer = setInterval(() => this.tick(), (this.seconds * 1000) / 4);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** a packet went out */
  sent(): void {
    this.sentSinceTick = true;
  }

  /** a packet came in */
  received(): void {
    this.idleTicks = 0;
  }

  /** PINGRESP */
  answered(): void {
    this.outstanding = false;
  }

  private tick(): void {
    if (this.sentSinceTick && !this.outstanding) {
      this.sentSinceTick = false;
      this.idleTicks = 0;
      return;
    }
    this.idleTicks++;
    if (this.outstanding) {
      if (this.idleTicks >= 4 && !this.io.paused()) this.io.dead(new TimeoutError(`no PINGRESP from the broker within ${this.seconds}s: connection lost`));
      return;
    }
    if (this.idleTicks >= 4) {
      this.outstanding = true;
      this.idleTicks = 0;
      this.io.ping();
    }
  }
}
