// Small helpers for the session-layer tests: build options, connect, collect messages.
import { Client } from '../../src/session/client.ts';
import type { InboundMessage, ReconnectPolicy, SessionOptions, TransportOptions } from '../../src/session/types.ts';

export const NO_RECONNECT: ReconnectPolicy = { enabled: false, retryFirstConnect: false, maxRetries: 0, initialDelayMs: 100, maxDelayMs: 100 };
export const FAST_RECONNECT: ReconnectPolicy = { enabled: true, retryFirstConnect: true, maxRetries: 100, initialDelayMs: 50, maxDelayMs: 300 };

export function tcp(port: number, host = '127.0.0.1'): TransportOptions {
  return { kind: 'tcp', host, port };
}

export function opts(transport: TransportOptions, more: Partial<SessionOptions> = {}): SessionOptions {
  return { transport, protocolVersion: 4, keepalive: 60, clean: true, maxInflight: 20, connectTimeoutMs: 5000, ...more };
}

export async function connected(o: SessionOptions, policy: ReconnectPolicy = NO_RECONNECT): Promise<Client> {
  const c = new Client(o, policy);
  await c.connect();
  return c;
}

/** Collects messages; `until(n)` resolves once n have arrived (or rejects after ms). */
export function collector(c: Client): { messages: InboundMessage[]; until(n: number, ms?: number): Promise<InboundMessage[]> } {
  const messages: InboundMessage[] = [];
  let want = Infinity;
  let wake: (() => void) | undefined;
  c.on('message', (m) => {
    messages.push(m);
    if (messages.length >= want) wake?.();
  });
  return {
    messages,
    until(n, ms = 10_000) {
      if (messages.length >= n) return Promise.resolve(messages);
      want = n;
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`got ${messages.length} of ${n} messages in ${ms} ms`)), ms);
        wake = () => { clearTimeout(t); resolve(messages); };
      });
    },
  };
}

/** Writes n messages honouring back-pressure; resolves when all are acknowledged. */
export function pump(c: Client, n: number, make: (i: number) => { topic: string; payload: Buffer; qos: 0 | 1 | 2 }): Promise<number> {
  return new Promise((resolve, reject) => {
    let i = 0;
    let done = 0;
    let failed: Error | undefined;
    const cb = (e?: Error | null) => {
      if (e) failed ??= e;
      if (++done === n) (failed ? reject(failed) : resolve(done));
    };
    const go = () => {
      while (i < n) {
        const m = make(i++);
        if (!c.write({ ...m, retain: false }, cb)) { c.once('drain', go); return; }
      }
    };
    go();
  });
}

export function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(() => { throw new Error('expected a rejection'); }, (e: Error) => e);
}
