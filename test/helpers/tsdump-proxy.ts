// tsdump in proxy mode for the tests: started on a free port (--listen 0), its port read from
// the "listening on" line; stopped with SIGTERM, its output parsed.
//
//   const d = await startDump(['--to', `127.0.0.1:${m.port}`, '--json']);
//   ...clients to d.port...; const r = await d.stop();   // r.code, r.stderr, r.lines (parsed JSON)
//   const echo = await echoServer();                       // an upstream that sends every byte back
import net from 'node:net';
import { spawnBin, type BinResult, type RunningBin } from './run-bin.ts';

export interface DumpRun {
  proc: RunningBin;
  port: number;
  /** SIGTERM, then the result with stdout's JSON lines parsed (empty for line output) */
  stop(): Promise<BinResult & { lines: Array<Record<string, unknown>> }>;
}

export async function startDump(args: string[]): Promise<DumpRun> {
  const proc = spawnBin('tsdump', ['--listen', '127.0.0.1:0', ...args], { timeoutMs: 60_000 });
  await proc.waitForStderr(/listening on 127\.0\.0\.1:\d+/, 10_000);
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(proc.stderrText())![1]);
  return {
    proc, port,
    async stop() {
      proc.kill('SIGTERM');
      const r = await proc.exited();
      const lines = args.includes('--json') ? r.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      return { ...r, lines };
    },
  };
}

/** the packet lines, without what changes from run to run (time, timings, client ports) */
export function packetsOf(lines: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return lines.filter((o) => o.type !== undefined).map((o) => {
    const { tst: _t, v: _v, ms, totalMs, ...rest } = o;
    if (ms !== undefined) rest.timed = typeof ms === 'number' && typeof totalMs === 'number' && ms >= 0 && totalMs >= ms;
    return rest;
  });
}

/** an upstream that echoes every byte; received() is all it got, per connection */
export async function echoServer(): Promise<{ port: number; received: Buffer[][]; close(): Promise<void> }> {
  const received: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    const mine: Buffer[] = [];
    received.push(mine);
    sockets.add(s);
    s.on('data', (b) => { mine.push(b); s.write(b); });
    s.on('error', () => undefined);
    s.on('end', () => s.end());
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** connect, write the chunks (one write each), half-close, and collect what comes back until the close */
export function exchange(port: number, chunks: Buffer[]): Promise<{ back: Buffer; closedEarly: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const back: Buffer[] = [];
    let ended = false;
    s.on('data', (b) => back.push(b));
    s.on('error', (e) => { if ((e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE') return; reject(e); });
    s.on('close', () => resolve({ back: Buffer.concat(back), closedEarly: !ended }));
    s.on('connect', () => {
      for (const c of chunks) s.write(c);
      s.end(() => { ended = true; });
    });
  });
}
