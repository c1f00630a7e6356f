// Client: the public session API. One Connection at a time; the reconnect policy around it owns
// what must survive a lost connection: the outbox, inbound QoS 2 ids and the subscriptions.
import { EventEmitter } from 'node:events';
import type {
  ConnackInfo, InboundMessage, OutboundMessage, ReconnectPolicy, SessionOptions, SubscribeProperties,
  Subscription, UserProperties, WriteCallback,
} from './types.ts';
import { Connection, type ConnectionHost } from './connection.ts';
import { PacketLog } from './debug-lines.ts';
import { randomClientId } from './connect-packet.ts';
import { Outbox } from './outbox.ts';
import { ConnectionClosedError, ConnectionRefusedError, MqttError, ProtocolError } from './errors.ts';
import { backoffDelay, isRetryable, RUN_SESSION_EXPIRY_S } from './reconnect-policy.ts';

export interface ClientEvents {
  /** every inbound PUBLISH, after QoS handling (QoS 2 delivered exactly once) */
  message: [msg: InboundMessage];
  /** every successful (re)connection */
  connect: [info: ConnackInfo];
  /** the connection was lost; a reconnect is pending */
  offline: [err: Error];
  /** about to try attempt N after delayMs; lastError: why the connection failed or was lost */
  reconnecting: [attempt: number, delayMs: number, lastError: Error];
  /** the SUBACK of a subscription replayed after a reconnect: its packet id, reason codes and filters */
  resubscribed: [messageId: number, codes: number[], filters: string[]];
  /** the broker kept no session across the reconnect: this many unfinished QoS 1/2 messages went out again as new */
  republished: [count: number];
  /** write() may be called again after it returned false */
  drain: [];
  /** final: no more reconnects; err unset after a clean end() */
  close: [err?: Error];
}

/** connections lost in a row with the same oldest message unacknowledged before the client gives up */
const STUCK_CONNECTIONS = 5;

/** queued (not yet sent) messages above which write() asks the caller to wait for 'drain' */
const HIGH_WATER = 1000;

interface SubscribeCall {
  subs: Subscription[];
  props: SubscribeProperties | undefined;
}

export class Client extends EventEmitter<ClientEvents> implements ConnectionHost {
  readonly outbox = new Outbox();
  readonly qos2Received = new Set<number>();
  readonly packetLog: PacketLog | undefined;
  private conn: Connection | undefined;
  private subscriptions: SubscribeCall[] = [];
  private needDrain = false;
  private ending = false;
  private finished = false;
  /** what ended the client: a subscribe after the end names it, not just 'not connected' */
  private finishError: Error | undefined;
  private paused = false;
  private idleWaiters: Array<() => void> = [];
  private reconnectTimer: NodeJS.Timeout | undefined;
  private wakeBackoff: (() => void) | undefined;
  /** what the next CONNECT asks for: after the first CONNACK, to resume the session it opened */
  private connectOptions: SessionOptions;
  /** the broker's v5 maximum packet size as the last CONNACK gave it */
  private lastMaxPacketSize: number | undefined;
  /** the client id is ours, not the caller's: -d lines show it as one the broker assigned */
  private ownId = false;
  /** MQTT 5 without a session of the caller's: one kept for this client's life (ended by end()) */
  private readonly runSession: boolean;
  /** the oldest unacknowledged message when the last connection was lost, and how many
   *  connections in a row were lost with that same message unacknowledged */
  private oldestAtLoss: object | undefined;
  private lostWithoutProgress = 0;

  constructor(readonly options: SessionOptions, readonly policy: ReconnectPolicy) {
    super();
    this.packetLog = options.debug ? new PacketLog(options.debug) : undefined;
    // QoS 2 stays exactly once across a reconnect only in a kept session: Clean Start on the first
    // connect, an expiry that outlasts an outage, Clean Start 0 on reconnects [MQTT-3.1.2-4, -5]
    this.runSession = policy.enabled && options.protocolVersion === 5 && options.clean
      && options.connectProperties?.sessionExpiryInterval === undefined && options.keepSession !== false;
    this.connectOptions = this.runSession
      ? { ...options, connectProperties: { ...options.connectProperties, sessionExpiryInterval: RUN_SESSION_EXPIRY_S } }
      : options;
    if (this.runSession && options.clientId === undefined) {
      // mosquitto 2.0.11 saves to disk only sessions whose connection had Clean Start 0
      // (persist__client_save), so a first connect with Clean Start 1 loses the session in a broker
      // restart. A fresh id of our own has no old session to resume: Clean Start 0 from the start.
      this.connectOptions = { ...this.connectOptions, clean: false, clientId: randomClientId('v5') };
      this.ownId = true;
    }
  }

  /** First connection; rejects with ConnectionRefusedError | TransportError | TimeoutError. */
  async connect(): Promise<ConnackInfo> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.openConnection();
      } catch (err) {
        const again = this.policy.retryFirstConnect && attempt <= this.policy.maxRetries && isRetryable(err as Error) && !this.ending;
        if (!again) {
          this.finish(err as Error);
          throw err;
        }
        const delay = backoffDelay(this.policy, attempt);
        this.emit('reconnecting', attempt, delay, err as Error);
        await this.backoff(delay);
        if (this.finished) throw this.finishError ?? new ConnectionClosedError('connection closed');
      }
    }
  }

  private async openConnection(): Promise<ConnackInfo> {
    const conn = new Connection(this.connectOptions, this, this.ownId);
    this.conn = conn;
    const info = await conn.open();
    this.lastMaxPacketSize = conn.maxPacketSize;
    const o = this.connectOptions;
    if (o.clean && (o.connectProperties?.sessionExpiryInterval ?? 0) > 0 && info.clientId !== '') {
      // reconnects resume this session, under the id the broker may have assigned [MQTT-3.2.2.3.7]
      this.connectOptions = { ...o, clean: false, clientId: info.clientId };
    }
    if (this.paused) conn.setPaused(true);
    const republished = conn.resendInflight(info.sessionPresent);
    if (republished > 0) this.emit('republished', republished);
    conn.pump();
    this.onProgress();
    this.emit('connect', info);
    // re-subscribe after a reconnect, as mosquitto_sub does in its connect callback
    for (const call of this.subscriptions) {
      let mid = 0;
      this.sendSubscribe(conn, call, (id) => { mid = id; })
        .then((codes) => this.emit('resubscribed', mid, codes, call.subs.map((x) => x.topic)), () => undefined);
    }
    return info;
  }

  get connected(): boolean {
    return this.conn?.state === 'connected';
  }

  /** broker's v5 maximum packet size, or undefined */
  get maxPacketSize(): number | undefined {
    // while a reconnect waits for its CONNACK, the last broker's limit is the best guess
    return this.conn?.state === 'connected' ? this.conn.maxPacketSize : this.lastMaxPacketSize;
  }

  /** Queue a publish. Returns false when the caller should wait for 'drain'. cb runs once the
   *  message is written (QoS 0) or acknowledged (QoS 1/2), or with the error that failed it. */
  write(msg: OutboundMessage, cb?: WriteCallback): boolean {
    if (this.finished) {
      const err = new ConnectionClosedError('the client is closed');
      if (cb) process.nextTick(cb, err);
      return false;
    }
    this.outbox.push(msg, cb);
    const conn = this.conn;
    if (conn) conn.pump();
    if (this.outbox.size === 0 && this.idleWaiters.length > 0) this.onProgress();
    const ok = this.outbox.queued < HIGH_WATER && !(conn?.socketFull ?? false);
    if (!ok) this.needDrain = true;
    return ok;
  }

  publish(msg: OutboundMessage): Promise<void> {
    return new Promise((res, rej) => { this.write(msg, (e) => (e ? rej(e) : res())); });
  }

  /** Reason code per filter (granted QoS or >= 0x80). Remembered and replayed on reconnect. */
  /** `sent` learns the SUBSCRIBE's packet id (mosquitto_sub -d prints "Subscribed (mid: N)") */
  async subscribe(subs: Subscription[], props?: SubscribeProperties, sent?: (messageId: number) => void): Promise<number[]> {
    const conn = this.requireConn(); // a subscribe that throws is not remembered for the reconnect either
    const call: SubscribeCall = { subs, props };
    this.subscriptions.push(call);
    return this.sendSubscribe(conn, call, sent);
  }

  private sendSubscribe(conn: Connection, call: SubscribeCall, sent?: (messageId: number) => void): Promise<number[]> {
    const v5 = conn.version === 5;
    return conn.request((messageId) => ({
      cmd: 'subscribe',
      messageId,
      subscriptions: call.subs.map((s) => (v5
        ? { topic: s.topic, qos: s.qos, nl: s.noLocal ?? false, rap: s.retainAsPublished ?? false, rh: s.retainHandling ?? 0 }
        : { topic: s.topic, qos: s.qos })),
      ...(v5 && call.props ? { properties: call.props } : {}),
    }), call.subs.length, sent);
  }

  async unsubscribe(topics: string[], props?: { userProperties?: UserProperties }): Promise<number[]> {
    const drop = new Set(topics);
    this.subscriptions = this.subscriptions
      .map((c) => ({ ...c, subs: c.subs.filter((s) => !drop.has(s.topic)) }))
      .filter((c) => c.subs.length > 0);
    const conn = this.requireConn();
    const codes = await conn.request((messageId) => ({
      cmd: 'unsubscribe', messageId, unsubscriptions: topics,
      ...(conn.version === 5 && props ? { properties: props } : {}),
    }), topics.length);
    return codes.length ? codes : topics.map(() => 0);
  }


  private requireConn(): Connection {
    if (!this.conn || this.conn.state !== 'connected') throw this.finishError ?? this.conn?.failure ?? new MqttError('not connected');
    return this.conn;
  }

  /** Stop reading the socket (inbound back-pressure) / start again. */
  pause(): void {
    this.paused = true;
    this.conn?.setPaused(true);
  }

  resume(): void {
    this.paused = false;
    this.conn?.setPaused(false);
  }

  /** Wait for queued and in-flight writes, send DISCONNECT, close. */
  async end(opts?: { reasonCode?: number; properties?: Record<string, unknown> }): Promise<void> {
    if (this.finished) return;
    this.ending = true;
    if (this.outbox.size > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    if (this.finished) return;
    clearTimeout(this.reconnectTimer);
    const conn = this.conn;
    // the session kept for this run ends with it, as a clean session would (unless -D disconnect says otherwise)
    const properties = this.runSession ? { sessionExpiryInterval: 0, ...opts?.properties } : opts?.properties;
    if (conn && conn.state === 'connected') await conn.disconnect(opts?.reasonCode, properties);
    this.finish(undefined);
  }

  /** Close at once without DISCONNECT (the broker sends the will). */
  destroy(): void {
    clearTimeout(this.reconnectTimer);
    this.ending = true;
    this.conn?.destroy();
    this.finish(new ConnectionClosedError('connection closed'));
  }

  // ---- ConnectionHost

  onMessage(msg: InboundMessage): void {
    this.emit('message', msg);
  }

  onProgress(): void {
    if (this.outbox.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
    if (this.needDrain && this.outbox.queued < HIGH_WATER / 2 && !(this.conn?.socketFull ?? false)) {
      this.needDrain = false;
      this.emit('drain');
    }
  }

  onClose(err: Error | undefined): void {
    const conn = this.conn;
    if (!conn || conn.info === undefined || this.finished) return; // a failed open() reports through connect()
    if (err === undefined) return; // our own clean DISCONNECT
    if (!this.policy.enabled || !isRetryable(err) || (this.ending && this.outbox.size === 0)) {
      this.finish(err);
      return;
    }
    // a broker that hangs up on a message it will not take (over its size limit, say, which MQTT
    // 3.1.1 cannot announce) would have it resent forever: give up after a few such connections
    const oldest = this.outbox.oldestInflight();
    this.lostWithoutProgress = oldest !== undefined && oldest === this.oldestAtLoss ? this.lostWithoutProgress + 1 : 1;
    this.oldestAtLoss = oldest;
    if (this.lostWithoutProgress >= STUCK_CONNECTIONS) {
      this.finish(new MqttError(`the broker closed the connection ${STUCK_CONNECTIONS} times in a row without acknowledging the message resent first (topic '${this.outbox.oldestTopic()}'): does it refuse it (too large for it, not allowed)?`));
      return;
    }
    this.emit('offline', err);
    void this.reconnectLoop(err);
  }

  private async reconnectLoop(lastErr: Error): Promise<void> {
    for (let attempt = 1; attempt <= this.policy.maxRetries; attempt++) {
      if (this.finished) return;
      const delay = backoffDelay(this.policy, attempt);
      this.emit('reconnecting', attempt, delay, lastErr);
      await this.backoff(delay);
      if (this.finished) return;
      try {
        await this.openConnection();
        return;
      } catch (err) {
        if (this.finished) return;
        lastErr = err as Error;
        if ((err instanceof ConnectionRefusedError || err instanceof ProtocolError) && !isRetryable(err)) break;
      }
    }
    this.finish(lastErr);
  }

  /** the wait between attempts; finish() ends it at once */
  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeBackoff = resolve;
      this.reconnectTimer = setTimeout(resolve, ms);
    });
  }

  private finish(err: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.finishError = err;
    clearTimeout(this.reconnectTimer);
    this.wakeBackoff?.();
    // a reconnect still waiting for its CONNACK must not come alive on a finished client
    const conn = this.conn;
    if (conn && conn.state === 'connecting') conn.destroy();
    if (this.outbox.size > 0) this.outbox.failAll(err ?? new ConnectionClosedError('connection closed'));
    this.onProgress();
    for (const w of this.idleWaiters) w();
    this.idleWaiters = [];
    this.emit('close', err);
  }
}
