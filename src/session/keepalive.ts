// Keepalive: the gap between packets we send never exceeds the keepalive [MQTT-3.1.2-23], and a
// PINGREQ without any answer for another keepalive ends the connection [MQTT-3.1.2-24]. Four ticks
// per interval: after three ticks with nothing sent (0.75-1.0 x keepalive since the last packet),
// or four with nothing received (as libmosquitto's mosquitto__check_keepalive: a QoS 0 publisher
// hears nothing otherwise), a PINGREQ goes out, so a silent broker is found within ~2 x keepalive.
import { TimeoutError } from './errors.ts';

export interface KeepaliveIo {
  ping(): void;
  dead(err: Error): void;
  /** reading is paused by the caller (back-pressure): silence is ours, not the broker's */
  paused(): boolean;
}

export class Keepalive {
  private timer: NodeJS.Timeout | undefined;
  /** ticks since we last sent a packet: decides the PINGREQ (a receiving client must still send) */
  private quietTicks = 0;
  private sentSinceTick = false;
  /** ticks since the broker last sent anything, counted while a PINGREQ waits: decides "dead" */
  private silentTicks = 0;
  /** ticks since the broker last sent anything: a PINGREQ after a keepalive of it, even while we send */
  private rxQuietTicks = 0;
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
    this.silentTicks = 0;
    this.rxQuietTicks = 0;
  }

  /** PINGRESP */
  answered(): void {
    this.outstanding = false;
  }

  private tick(): void {
    if (this.outstanding) {
      if (++this.silentTicks >= 4 && !this.io.paused()) this.io.dead(new TimeoutError(`no PINGRESP from the broker within ${this.seconds}s: connection lost`));
      return;
    }
    const sent = this.sentSinceTick;
    this.sentSinceTick = false;
    this.quietTicks = sent ? 0 : this.quietTicks + 1;
    if (this.quietTicks >= 3 || ++this.rxQuietTicks >= 4) {
      this.outstanding = true;
      this.quietTicks = 0;
      this.silentTicks = 0;
      this.rxQuietTicks = 0;
      this.io.ping();
    }
  }
}
