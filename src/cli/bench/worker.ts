// A worker thread's side of a run: one share (runner.ts), driven by the parent's messages
// (coordinator.ts: prepare, start, published, drain, finish, interrupt), its counters posted once a
// second. The plan crossed the thread boundary by structured clone: Buffers arrive as Uint8Arrays.
import { parentPort, workerData } from 'node:worker_threads';
import { BenchShare, type ShareSpec } from './runner.ts';
import { encodeShare } from './add-up.ts';
import type { SessionOptions } from '../../session/types.ts';

export type ToWorker =
  | { op: 'prepare' } | { op: 'start'; startUs: number } | { op: 'published' }
  | { op: 'drain'; expected: number; quietMs: number } | { op: 'finish' } | { op: 'interrupt' };

const buf = (u: Uint8Array | undefined): Buffer | undefined => (u === undefined ? undefined : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** the Buffers of the session options again */
function revive(s: SessionOptions): SessionOptions {
  const out: SessionOptions = { ...s, password: buf(s.password) };
  if (s.will) out.will = { ...s.will, payload: buf(s.will.payload)! };
  const t = s.transport;
  if ((t.kind === 'tls') && t.tls.psk) out.transport = { ...t, tls: { ...t.tls, psk: { ...t.tls.psk, key: buf(t.tls.psk.key)! } } };
  if (s.connectProperties?.authenticationData) out.connectProperties = { ...s.connectProperties, authenticationData: buf(s.connectProperties.authenticationData) };
  return out;
}

export async function runBenchWorker(): Promise<number> {
  const port = parentPort!;
  const spec = workerData as ShareSpec;
  spec.plan.session = revive(spec.plan.session);
  const pp = spec.plan.publishProperties;
  if (pp?.correlationData) spec.plan.publishProperties = { ...pp, correlationData: buf(pp.correlationData) };
  const { Client } = await import('../../session/client.ts');
  const share = new BenchShare(spec, Client, (tick) => port.postMessage({ op: 'tick', value: tick }));
  return new Promise((resolve) => {
    const reply = (op: string, value?: unknown): void => port.postMessage({ op, value });
    port.on('message', (m: ToWorker) => {
      switch (m.op) {
        case 'prepare': void share.prepare().then(() => reply('prepare', share.connectedClients)); break;
        case 'start': share.start(m.startUs); break;
        case 'published': void share.published().then((n) => reply('published', n)); break;
        case 'drain': void share.drain(m.expected, m.quietMs).then(() => reply('drain')); break;
        case 'interrupt': share.interrupt(); break;
        case 'finish': void share.finish().then((r) => { reply('finish', encodeShare(r)); port.close(); resolve(0); }); break;
      }
    });
  });
}
