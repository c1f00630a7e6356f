// One connection's life: transport, CONNECT/CONNACK, keepalive, the QoS flows both ways.
// State that must outlive the connection (outbox, inbound QoS 2 ids) belongs to the host (Client).
import type { Duplex } from 'node:stream';
import {
  Decoder, encode, MALFORMED_PACKET, PacketError, PROTOCOL_ERROR, type IConnackPacket, type IPublishPacket, type Packet, type ProtocolVersion,
} from '../protocol/codec.ts';
import { connackText, reasonText } from '../protocol/reason-codes.ts';
import { ConnectionClosedError, ConnectionRefusedError, MqttError, ProtocolError, TimeoutError } from './errors.ts';
import type { ConnackInfo, InboundMessage, SessionOptions } from './types.ts';
import type { Entry, Outbox } from './outbox.ts';
import { describeReceived, describeSent } from './debug-lines.ts';
import { openTransport, transportTarget } from './transport.ts';
import { describeTransportError } from './transport-errors.ts';
import { buildConnect, connackInfo } from './connect-packet.ts';
import { oversize, oversizeText } from './publish-size.ts';
import { handlers } from './inbound.ts';

export type ConnState = 'connecting' | 'connected' | 'disconnecting' | 'closed';

/** What a connection needs from the Client that owns it. */
export interface ConnectionHost {
  readonly outbox: Outbox;
  /** inbound QoS 2 packet ids received but not yet released (exactly-once across reconnects) */
  readonly qos2Received: Set<number>;
  onMessage(msg: InboundMessage): void;
  /** the outbox made progress or the socket drained */
  onProgress(): void;
  onClose(err: Error | undefined): void;
}

interface PendingAck {
  resolve(codes: number[]): void;
  reject(err: Error): void;
  /** topic filters in the SUBSCRIBE/UNSUBSCRIBE: its SUBACK/UNSUBACK has a reason code for each */
  filters?: number;
}

export class Connection {
  state: ConnState = 'connecting';
  version: ProtocolVersion;
  info: ConnackInfo | undefined;
  socketFull = false;
  /** max QoS 1/2 in flight: -M capped by the broker's receive maximum */
  window: number;
  maxPacketSize: number | undefined;
  readonly pendingAcks = new Map<number, PendingAck>();
  /** inbound topic aliases [MQTT-3.3.2.3.4] */
  readonly aliasesIn = new Map<number, string>();
  private aliasesOut: Map<string, number> | undefined;
  private aliasOutMax = 0;
  private socket: Duplex | undefined;
  private decoder: Decoder;
  private closeError: Error | undefined;
  private corked = false;
  private sentSinceTick = false;
  private idleTicks = 0;
  private pingOutstanding = false;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private connackWaiter: { resolve(info: ConnackInfo): void; reject(e: Error): void } | undefined;
  /** the client id in -d lines: (null) until the broker assigns one, as libmosquitto prints it */
  label: string;
  /** bound once: flushes the batch of writes made during one event-loop turn */
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket?.uncork();
  };

  constructor(readonly opts: SessionOptions, readonly host: ConnectionHost) {
    this.version = opts.protocolVersion;
    this.window = opts.maxInflight;
    this.label = opts.clientId ? opts.clientId : '(null)';
    this.decoder = new Decoder(this.version, {
      onPacket: (p) => this.onPacket(p),
      onError: (e) => (e instanceof PacketError
        ? this.protocolViolation(e.reasonCode, e.message)
        : this.protocolViolation(MALFORMED_PACKET, `malformed packet: ${e.message}`)),
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
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    socket.on('drain', () => { this.socketFull = false; this.pump(); this.host.onProgress(); });
    socket.on('error', (err) => {
      // a reset instead of a CONNACK: mosquitto's TLS listener answers plain MQTT that way
      if (this.state === 'connecting' && (err as NodeJS.ErrnoException).code === 'ECONNRESET') return this.fail(this.closedBeforeConnack());
      // TLS 1.3 reports a refused client certificate only after the handshake
      const { target, host } = transportTarget(this.opts.transport);
      this.fail(describeTransportError(err, target, host));
    });
    socket.on('close', () => this.closed());
    socket.on('end', () => socket.end());
  }

  /** Encode and write one packet; writes of one event-loop turn go out in one batch. */
  send(p: Packet): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    if (this.opts.debug) this.opts.debug(describeSent(this.label, p));
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncork);
    }
    if (!socket.write(encode(p, this.version))) this.socketFull = true;
    this.sentSinceTick = true;
  }

  /** Send queued messages while the in-flight window and the socket allow. */
  pump(): void {
    if (this.state !== 'connected') return;
    const ob = this.host.outbox;
    while (!this.socketFull) {
      const e = ob.peek();
      if (!e) break;
      if (e.msg.qos > 0 && ob.inflight.size >= this.window) break;
      ob.shift();
      if (this.tooLarge(e)) continue;
      if (e.msg.qos === 0) {
        this.sendPublish(e, false);
        e.cb?.(null);
      } else {
        e.id = ob.allocateId((id) => this.pendingAcks.has(id));
        e.state = 'publish';
        ob.inflight.set(e.id, e);
        this.sendPublish(e, false);
      }
    }
  }

  /**
   * After a reconnect: into a present session, resend unacknowledged messages with DUP and PUBRELs
   * [MQTT-4.4.0-1]; into a new one, publish every unfinished message again as new (at least once).
   * Returns how many were published again as new.
   */
  resendInflight(sessionPresent: boolean): number {
    const ob = this.host.outbox;
    const restarted = sessionPresent ? 0 : ob.restartFlights();
    for (const e of ob.inflight.values()) {
      if (e.state === 'pubrel') this.send({ cmd: 'pubrel', messageId: e.id });
      else this.sendPublish(e, sessionPresent);
    }
    return restarted;
  }

  /** A message that cannot be sent (MQTT's limit, the broker's maximum) fails alone; the rest go on. */
  private tooLarge(e: Entry): boolean {
    const o = oversize(e.msg, this.version, this.maxPacketSize, this.aliasesOut !== undefined);
    if (!o) return false;
    e.cb?.(new MqttError(`message for '${e.msg.topic}' ${oversizeText(o)}`));
    return true;
  }

  private publishPacket(e: Entry, dup: boolean): IPublishPacket {
    const m = e.msg;
    const p: IPublishPacket = { cmd: 'publish', topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain, dup, messageId: e.id || undefined };
    if (this.version === 5 && m.properties) p.properties = m.properties;
    return p;
  }

  private sendPublish(e: Entry, dup: boolean): void {
    const p = this.publishPacket(e, dup);
    const aliases = this.aliasesOut;
    if (aliases) {
      const alias = aliases.get(p.topic);
      if (alias !== undefined) {
        p.properties = { ...p.properties, topicAlias: alias };
        p.topic = '';
      } else if (aliases.size < this.aliasOutMax) {
        aliases.set(p.topic, aliases.size + 1);
        p.properties = { ...p.properties, topicAlias: aliases.size };
      }
    }
    this.send(p);
  }

  private onPacket(p: Packet): void {
    if (p.cmd === 'connack' && p.properties?.assignedClientIdentifier) this.label = p.properties.assignedClientIdentifier;
    if (this.opts.debug) this.opts.debug(describeReceived(this.label, p));
    this.idleTicks = 0;
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
    if (code === 0 && p.sessionPresent && this.opts.clean && this.version >= 4) {
      // the waiter stays: closed() rejects it with this error
      const v5 = this.version === 5;
      return this.protocolViolation(PROTOCOL_ERROR,
        `CONNACK with session present 1 answering a CONNECT with ${v5 ? 'clean start' : 'clean session'} ${v5 ? '[MQTT-3.2.2-4]' : '[MQTT-3.2.2-1]'}`);
    }
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
    if (props?.maximumPacketSize) this.maxPacketSize = props.maximumPacketSize;
    if (this.opts.sendTopicAliases && props?.topicAliasMaximum) {
      this.aliasOutMax = props.topicAliasMaximum;
      this.aliasesOut = new Map();
    }
    this.state = 'connected';
    this.startKeepalive(props?.serverKeepAlive ?? this.opts.keepalive);
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
    this.state = 'disconnecting';
    socket.end(); // flushes the DISCONNECT (end() uncorks); 'close' comes when the broker closes too
    setTimeout(() => socket.destroy(), 1000).unref();
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
    this.pingOutstanding = false;
  }

  private startKeepalive(seconds: number): void {
    if (!seconds) return;
    // four ticks per interval: a PINGREQ goes out at most 1.25 x keepalive after the last packet
    this.keepaliveTimer = setInterval(() => this.keepaliveTick(seconds), (seconds * 1000) / 4);
    this.keepaliveTimer.unref();
  }

  private keepaliveTick(seconds: number): void {
    if (this.sentSinceTick && !this.pingOutstanding) {
      this.sentSinceTick = false;
      this.idleTicks = 0;
      return;
    }
    this.idleTicks++;
    if (this.pingOutstanding) {
      if (this.idleTicks >= 4 && !this.paused) this.fail(new TimeoutError(`no PINGRESP from the broker within ${seconds}s: connection lost`));
      return;
    }
    if (this.idleTicks >= 4) {
      this.pingOutstanding = true;
      this.idleTicks = 0;
      this.send({ cmd: 'pingreq' });
    }
  }

  pause(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resume(): void {
    this.paused = false;
    this.socket?.resume();
  }

  /** Clean close: DISCONNECT then end the socket. */
  disconnect(reasonCode?: number, properties?: Record<string, unknown>): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    this.state = 'disconnecting';
    const p: Packet = { cmd: 'disconnect' };
    if (this.version === 5 && (reasonCode || properties)) {
      p.reasonCode = reasonCode ?? 0;
      if (properties) p.properties = properties;
    }
    this.send(p);
    return new Promise((resolve) => {
      const socket = this.socket!;
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 2000).unref();
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

  /** A peer that hangs up on CONNECT is mostly not an MQTT listener, or a TLS one spoken to in plain TCP. */
  private closedBeforeConnack(): ConnectionClosedError {
    const t = this.opts.transport;
    const tlsHint = t.kind === 'tcp' ? ' (a TLS listener needs --cafile, --capath or --tls-use-os-certs)' : '';
    return new ConnectionClosedError(`${transportTarget(t).target} closed the connection without answering CONNECT: is it an MQTT listener${tlsHint}?`);
  }

  private closed(): void {
    if (this.state === 'closed') return;
    const clean = this.state === 'disconnecting' && !this.closeError;
    const beforeConnack = this.state === 'connecting';
    this.state = 'closed';
    clearInterval(this.keepaliveTimer);
    const err = clean ? undefined : (this.closeError ?? (beforeConnack ? this.closedBeforeConnack() : new ConnectionClosedError('the broker closed the connection')));
    this.connackWaiter?.reject(err ?? new ConnectionClosedError('connection closed before CONNACK'));
    this.connackWaiter = undefined;
    for (const w of this.pendingAcks.values()) w.reject(err ?? new ConnectionClosedError('connection closed'));
    this.pendingAcks.clear();
    this.host.onClose(err);
  }
}

