// Helpers for the tsclear tests: seed retained topics fast, and read them back with an independent
// subscriber (the real mosquitto_sub), so a tsclear bug cannot hide in its own read-back.
import { execFile } from 'node:child_process';
import { Client } from '../../src/session/client.ts';
import type { ProtocolVersion, SessionOptions } from '../../src/session/types.ts';

export const NO_RECONNECT = { enabled: false, retryFirstConnect: false, maxRetries: 0, initialDelayMs: 100, maxDelayMs: 100 };

export function sessionOptions(port: number, more: Partial<SessionOptions> = {}): SessionOptions {
  return {
    transport: { kind: 'tcp', host: '127.0.0.1', port }, protocolVersion: 5, keepalive: 60, clean: true,
    maxInflight: 20, connectTimeoutMs: 5000, ...more,
  };
}

export async function connect(port: number, more: Partial<SessionOptions> = {}): Promise<Client> {
  const c = new Client(sessionOptions(port, more), NO_RECONNECT);
  await c.connect();
  return c;
}

/** Publish retained messages (QoS 1, pipelined) and wait for every PUBACK. */
export async function seed(port: number, messages: Array<[topic: string, payload: string]>,
  auth: { username?: string; password?: string; protocolVersion?: ProtocolVersion } = {}): Promise<void> {
  const c = await connect(port, {
    username: auth.username, password: auth.password === undefined ? undefined : Buffer.from(auth.password),
    protocolVersion: auth.protocolVersion ?? 5,
  });
  await new Promise<void>((resolve, reject) => {
    let i = 0;
    let done = 0;
    const cb = (e?: Error | null) => { if (e) reject(e); else if (++done === messages.length) resolve(); };
    const go = () => {
      while (i < messages.length) {
        const [topic, payload] = messages[i++]!;
        if (!c.write({ topic, payload: Buffer.from(payload), qos: 1, retain: true }, cb)) { c.once('drain', go); return; }
      }
    };
    if (messages.length === 0) resolve(); else go();
  });
  await c.end();
}

/** `n` topics `${prefix}/<i % 10>/t<i>` with payload `${prefix} <i>` */
export function branch(prefix: string, n: number): Array<[string, string]> {
  return Array.from({ length: n }, (_, i) => [`${prefix}/${i % 10}/t${i}`, `${prefix} ${i}`]);
}

/**
 * Every retained message under `filter`, as sorted "topic payload" lines, read by mosquitto_sub
 * (QoS 0 subscription: it gets all of them, see clear-snapshot.ts). -W 1 ends it: exit 27.
 */
export function retainedNow(port: number, filter: string, extra: string[] = []): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-t', filter, '--retained-only', '-W', '1', '-F', '%t %p', ...extra],
      { maxBuffer: 64 * 1024 * 1024, timeout: 10_000 }, (err, stdout, stderr) => {
        if (err && (err as { code?: unknown }).code !== 27) { reject(new Error(`mosquitto_sub failed: ${err.message} ${stderr}`)); return; }
        resolve(stdout.split('\n').filter((l) => l !== '').sort());
      });
  });
}

export function lines(messages: Array<[string, string]>): string[] {
  return messages.map(([t, p]) => `${t} ${p}`).sort();
}
