// One connection's life: transport, CONNECT/CONNACK, keepalive, the QoS flows both ways. What must
// outlive it belongs to the host (Client); the Outbox owns every message and request. The hot path:
// one socket write per event-loop turn (WriteBatch), one window refill per socket chunk of acks.
import type { Duplex } from 'node:stream';
import {
  Decoder, encode, MALFORMED_PACKET, PacketError, PROTOCOL_ERROR, type IConnackPacket, type Packet, type ProtocolVersion,
} from '../protocol/codec.ts';
import { connackText, reasonText } from '../protocol/reason-codes.ts';
import { ConnectionClosedError, ConnectionRefusedError, ProtocolError, TimeoutError } from './errors.ts';
import { Keepalive } from './keepalive.ts';
import type { ConnackInfo, InboundMessage, SessionOptions } from './types.ts';
import type { Outbox } from './outbox.ts';
import type { PacketLog } from './debug-lines.ts';
import { endAfterFlush, unsentError } from './end-after-flush.ts';
import { noMqttAnswer, openTransport, transportTarget } from './transport.ts';
import { describeTransportError } from './transport-errors.ts';
import { buildConnect, buildDisconnect, connackInfo, connackViolation } from './connect-packet.ts';
import { PublishOut } from './publish-out.ts';
import { WriteBatch } from './write-batch.ts';
import { handlers } from './inbound.ts';

export type ConnState = 'connecting' | 'connected' | 'disconnecting' | 'closed';

/** What a connection needs from the Client that owns it. */
export interface ConnectionHost {
  readonly outbox: Outbox;
  /** inbound QoS 2 packet ids received but not yet released (exactly-once across reconnects) */
  readonly qos2Received: Set<number>;
  readonly packetLog: PacketLog | undefined; // -d lines, numbered across this client's connections
  onMessage(msg: InboundMessage): void;
  /** the outbox made progress or the socket drained */
  onProgress(): void;
  onClose(err: Error | undefined): void;
}

export class Connection {
  /** changed only by enter() */
  state: ConnState = 'connecting';
  version: ProtocolVersion;
  info: ConnackInfo | undefined;
  /** max QoS 1/2 in flight: -M capped by the broker's receive maximum */
  window: number;
  /** inbound topic aliases [MQTT-3.3.2.3.4] */
  readonly aliasesIn = new Map<number, string>();
  private readonly publishes: PublishOut;
  private batch: WriteBatch | undefined;
  private socket: Duplex | undefined;
  private decoder: Decoder;
  private closeError: Error | undefined;
  /** an acknowledgement in the chunk being decoded completed a message */
  private progress = false;
  private keepalive: Keepalive | undefined;
  private paused = false;
  private forceClose: NodeJS.Timeout | undefined; // destroys a socket the broker does not close after our DISCONNECT
  private connackWaiter: { resolve(info: ConnackInfo): void; reject(e: Error): void } | undefined;
  /** the client id in -d lines: (null) until the CONNACK when the user gave none, as libmosquitto prints it */
  label: string;

  /** ownId: a client id of the Client's own making, shown from the CONNACK on like one the broker assigned */
  constructor(readonly opts: SessionOptions, readonly host: ConnectionHost, private readonly ownId = false) {
    this.version = opts.protocolVersion;
    this.window = opts.maxInflight;
    this.label = opts.clientId && !ownId ? opts.clientId : '(null)';
    this.publishes = new PublishOut(this.version);
    this.decoder = new Decoder(this.version, {
      onPacket: (p) => this.onPacket(p),
      onError: (e) => this.protocolViolation(e instanceof PacketError ? e.reasonCode : MALFORMED_PACKET, e instanceof PacketError ? e.message : `malformed packet: ${e.message}`),
    });
  }

  async open(): Promise<ConnackInfo> {
    const deadline = setTimeout(() => this.fail(new TimeoutError(`no CONNACK from the broker within ${this.opts.connectTimeoutMs / 1000}s`)), this.opts.connectTimeoutMs);
    try {
      const socket = await openTransport(this.opts.transport, this.opts.connectTimeoutMs);
      if (this.state === 'closed') { socket.destroy(); throw this.closeError!; }
      this.attach(socket);
      const connack = new Promise<ConnackInfo>((resolve, reject) => { this.connackWaiter = { resolve, reject }; });
      this.send(buildConnect(this.opts));
      return await connack;
    } catch (err) {
      if (this.state !== 'closed') this.fail(err as Error);
      throw err;
    } finally {
      clearTimeout(deadline);
    }
  }

  private attach(socket: Duplex): void {
    this.socket = socket;
    this.batch = new WriteBatch(socket);
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk);
      if (this.progress) {
        this.progress = false;
        this.pump();
        this.host.onProgress();
      }
    });
    socket.on('drain', () => { this.batch!.full = false; this.pump(); this.host.onProgress(); });
    socket.on('error', (err) => {
      // a reset instead of a CONNACK: mosquitto's TLS listener answers plain MQTT that way
      if (this.state === 'connecting' && ['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException).code ?? '')) return this.fail(noMqttAnswer(this.opts.transport));
      // TLS 1.3 reports a refused client certificate only after the handshake
      const { target, host } = transportTarget(this.opts.transport);
      this.fail(describeTransportError(err, target, host));
    });
    socket.on('close', () => this.closed());
    socket.on('end', () => { this.batch!.flush(); socket.end(); }); // the broker half-closed: what we queued goes first
  }

  /** Encode one packet; the packets of one event-loop turn are written together. */
  send(p: Packet): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    this.host.packetLog?.sent(this.label, p);
    this.batch!.add(encode(p, this.version));
    this.keepalive?.sent();
  }

  /** the socket's buffer is full: writers wait for the Client's 'drain' */
  get socketFull(): boolean {
    return this.batch?.full ?? false;
  }

  /** broker's v5 maximum packet size, or undefined */
  get maxPacketSize(): number | undefined {
    return this.publishes.maxPacketSize;
  }

  /** Send queued messages while the in-flight window and the socket allow. */
  pump(): void {
    if (this.state !== 'connected') return;
    const ob = this.host.outbox;
    const batch = this.batch!;
    while (!batch.full) {
      const e = ob.next(this.window);
      if (!e) break;
      // a message that cannot be sent (MQTT's limit, the broker's maximum) fails alone
      const large = this.publishes.tooLarge(e);
      if (large) { ob.done(e, large); continue; }
      if (e.msg.qos > 0) ob.fly(e);
      this.send(this.publishes.packet(e, false));
      if (e.msg.qos === 0) ob.done(e, null); // handed over: QoS 0 has no acknowledgement
    }
  }

  /** SUBSCRIBE/UNSUBSCRIBE: its packet id from the Outbox, resolved with the reason codes of its acknowledgement. */
  request(build: (id: number) => Packet, filters: number, sent?: (id: number) => void): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const id = this.host.outbox.openRequest({ resolve, reject, filters });
      this.send(build(id));
      sent?.(id);
    });
  }

  /** Called by inbound handlers: an acknowledgement completed a message. */
  progressed(): void {
    this.progress = true;
  }

  /**
   * After a reconnect: into a present session, resend unacknowledged messages with DUP and PUBRELs
   * [MQTT-4.4.0-1]; into a new one, publish every unfinished message again as new (at least once).
   * Returns how many were published again as new.
   */
  resendInflight(sessionPresent: boolean): number {
    const ob = this.host.outbox;
    const restarted = sessionPresent ? 0 : ob.restartFlights();
    for (const e of ob.flights()) {
      if (e.state === 'pubrel') this.send({ cmd: 'pubrel', messageId: e.id });
      else this.send(this.publishes.packet(e, sessionPresent));
    }
    return restarted;
  }

  private onPacket(p: Packet): void {
    if (p.cmd === 'connack') this.label = p.properties?.assignedClientIdentifier ?? (this.ownId ? this.opts.clientId! : this.label);
    this.host.packetLog?.received(this.label, p);
    this.keepalive?.received();
    if (p.cmd === 'connack') return this.onConnack(p);
    if (this.state === 'connecting') return this.protocolViolation(PROTOCOL_ERROR, `${p.cmd.toUpperCase()} before CONNACK [MQTT-3.2.0-1]`);
    const handler = handlers[p.cmd];
    if (handler) handler(this, p as never);
  }

  /** Synchronous, so packets behind the CONNACK in the same chunk find the connection ready. */
  private onConnack(p: IConnackPacket): void {
    const w = this.connackWaiter;
    if (!w) return this.protocolViolation(PROTOCOL_ERROR, `a second CONNACK ${this.version === 5 ? '[MQTT-3.2.0-2]' : '[MQTT-3.2]'}`);
    const code = p.reasonCode ?? p.returnCode ?? 0;
    const wrong = connackViolation(p, this.opts);
    if (wrong) return this.protocolViolation(PROTOCOL_ERROR, wrong); // the waiter stays: closed() rejects it
    this.connackWaiter = undefined;
    if (code !== 0) {
      const err = new ConnectionRefusedError(code, connackText(code, this.version), p.properties?.reasonString);
      w.reject(err);
      return this.fail(err);
    }
    this.info = connackInfo(p, this.opts);
    // a new session: the broker starts its packet ids afresh, old unreleased QoS 2 ids mean nothing
    if (!p.sessionPresent) this.host.qos2Received.clear();
    const props = p.properties;
    if (props?.receiveMaximum) this.window = Math.min(this.window, props.receiveMaximum);
    this.publishes.limits(props?.maximumPacketSize, this.opts.sendTopicAliases ? props?.topicAliasMaximum : undefined);
    this.enter('connected');
    this.keepalive = new Keepalive(props?.serverKeepAlive ?? this.opts.keepalive, {
      ping: () => this.send({ cmd: 'pingreq' }),
      dead: (err) => this.fail(err),
      paused: () => this.paused,
    });
    this.keepalive.start();
    w.resolve(this.info);
  }

  /**
   * The broker broke the protocol: the connection ends with one ProtocolError naming what and the
   * rule (not retried: the broker will do it again). MQTT 5 sends a DISCONNECT with the reason
   * code first (0x81 malformed packet, 0x82 protocol error, ...) [MQTT-4.13.1]; nothing more is
   * decoded, so no packet behind the bad one is delivered.
   */
  protocolViolation(reasonCode: number, text: string): void {
    if (this.state === 'closed' || this.closeError) return;
    this.decoder.stop();
    const err = new ProtocolError(`protocol error from the broker: ${text}`);
    const socket = this.socket;
    if (this.version !== 5 || !socket || socket.destroyed) return this.fail(err);
    this.closeError = err;
    this.send({ cmd: 'disconnect', reasonCode });
    this.enter('disconnecting');
    this.batch!.flush();
    socket.end(); // 'close' comes when the broker closes too
    this.forceClose = setTimeout(() => socket.destroy(), 1000).unref();
  }

  /** the error this connection is ending with, once known (a v5 protocol error waits for the broker's close) */
  get failure(): Error | undefined {
    return this.closeError;
  }

  /** Called by inbound handlers: the broker asked us to go (v5 DISCONNECT). */
  brokerDisconnect(code: number, reason: string | undefined): void {
    this.fail(new ConnectionClosedError(`the broker closed the connection: ${reasonText(code)}${reason ? ` (${reason})` : ''}`, code));
  }

  pingAnswered(): void {
    this.keepalive?.answered();
  }

  /** Stop reading the socket (inbound back-pressure) or start again. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) this.socket?.pause();
    else this.socket?.resume();
  }

  /** Clean close: DISCONNECT then end the socket. */
  disconnect(reasonCode?: number, properties?: Record<string, unknown>): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.enter('disconnecting');
    this.send(buildDisconnect(this.version, reasonCode, properties));
    this.batch?.flush();
    return new Promise((resolve) => {
      const socket = this.socket!;
      socket.once('close', () => resolve()); // no progress for 1.5 keepalives: what a dead connection looks like
      endAfterFlush(socket, 2000, Math.max(10_000, 1500 * this.opts.keepalive), (err) => { this.closeError = err; socket.destroy(); });
    });
  }

  /** End the connection with an error (no DISCONNECT: the broker publishes the will). */
  fail(err: Error): void {
    if (this.state === 'closed') return;
    this.closeError ??= err;
    if (this.socket) this.socket.destroy();
    else this.closed();
  }

  destroy(): void {
    this.fail(new ConnectionClosedError('connection closed'));
  }

  private closed(): void {
    if (this.state === 'closed') return;
    if (this.state === 'disconnecting' && !this.closeError) this.closeError = unsentError(this.socket); // all of ours out?
    const clean = this.state === 'disconnecting' && !this.closeError;
    const beforeConnack = this.state === 'connecting';
    this.enter('closed');
    this.keepalive?.stop(); clearTimeout(this.forceClose);
    const err = clean ? undefined : (this.closeError ?? (beforeConnack ? noMqttAnswer(this.opts.transport) : new ConnectionClosedError('the broker closed the connection')));
    this.connackWaiter?.reject(err ?? new ConnectionClosedError('connection closed before CONNACK'));
    this.connackWaiter = undefined;
    this.host.outbox.failRequests(err ?? new ConnectionClosedError('connection closed'));
    this.host.onClose(err);
  }

  /** The one place the state changes. */
  private enter(next: ConnState): void {
    this.state = next;
  }
}

