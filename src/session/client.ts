// Client: the public session API. One Connection at a time, with the reconnect policy around it.
// IMPLEMENTATION IN PROGRESS (the lead is writing it); the API below is fixed.
import { EventEmitter } from 'node:events';
import type {
  ConnackInfo, OutboundMessage, ReconnectPolicy, SessionOptions, SubscribeProperties, Subscription,
  WriteCallback, UserProperties,
} from './types.ts';

export interface ClientEvents {
  /** every inbound PUBLISH, after QoS handling (QoS 2 delivered exactly once) */
  message: [msg: import('./types.ts').InboundMessage];
  /** every successful (re)connection */
  connect: [info: ConnackInfo];
  /** the connection was lost; a reconnect is pending */
  offline: [err: Error];
  /** about to try attempt N after delayMs */
  reconnecting: [attempt: number, delayMs: number];
  /** write() may be called again after it returned false */
  drain: [];
  /** final: no more reconnects; err unset after a clean end() */
  close: [err?: Error];
}

export class Client extends EventEmitter<ClientEvents> {
  constructor(readonly options: SessionOptions, readonly policy: ReconnectPolicy) { super(); }
  /** First connection; rejects with ConnectionRefusedError | TransportError | TimeoutError. */
  connect(): Promise<ConnackInfo> { throw new Error('not implemented'); }
  get connected(): boolean { return false; }
  /** broker's v5 maximum packet size, or undefined */
  get maxPacketSize(): number | undefined { return undefined; }
  /** Queue a publish. Returns false when the caller should wait for 'drain'. cb runs once the
   *  message is written (QoS 0) or acknowledged (QoS 1/2), or with the error that failed it. */
  write(_msg: OutboundMessage, _cb?: WriteCallback): boolean { throw new Error('not implemented'); }
  publish(msg: OutboundMessage): Promise<void> {
    return new Promise((res, rej) => { this.write(msg, (e) => (e ? rej(e) : res())); });
  }
  /** Reason code per filter (granted QoS or >= 0x80). Remembered and replayed on reconnect. */
  subscribe(_subs: Subscription[], _props?: SubscribeProperties): Promise<number[]> { throw new Error('not implemented'); }
  unsubscribe(_topics: string[], _props?: { userProperties?: UserProperties }): Promise<number[]> { throw new Error('not implemented'); }
  /** Stop reading the socket (inbound back-pressure) / start again. */
  pause(): void {}
  resume(): void {}
  /** Wait for queued and in-flight writes, send DISCONNECT, close. */
  end(_opts?: { reasonCode?: number; properties?: Record<string, unknown> }): Promise<void> { throw new Error('not implemented'); }
  /** Close at once without DISCONNECT (the broker sends the will). */
  destroy(): void {}
}
