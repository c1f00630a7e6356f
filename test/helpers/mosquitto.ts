// A real mosquitto broker per test file, on free 127.0.0.1 ports, stopped by its pid.
//
//   requireMosquitto();                       // throws (never skips) when the broker is missing
//   const m = await startMosquitto({
//     listeners: [
//       { name: 'tcp', kind: 'tcp' },                                   // anonymous allowed
//       { name: 'auth', kind: 'tcp', auth: { passwords: { u: 'p' }, acl: 'user u\ntopic readwrite a/#\n' } },
//       { name: 'tls', kind: 'tls' },                                   // cert 'good' (localhost/127.0.0.1)
//       { name: 'mtls', kind: 'tls', requireClientCert: true },
//       { name: 'wrong', kind: 'tls', cert: 'wronghost' },              // or 'expired'
//     ],
//     persistence: true,     // keeps sessions/retained messages across restart()
//     extra: 'max_keepalive 10',   // appended after the listeners (listener options apply to the last one)
//   });
//   m.port / m.ports.tls / m.certs (set when a tls listener exists) / m.log()
//   const mark = m.logMark(); ...; await m.waitForLog(/Sending SUBACK/, 5000, mark);
//   await m.restart();  await m.stop();
//
// Config: per_listener_settings true, max_queued_messages 1000000, max_inflight_messages 20,
// log_dest stderr + log_type all (or opts.logTypes, e.g. ['error', 'warning'] for load tests; captured
// by log(), the last 16-32 MB kept). Readiness = the log says
// "running" and a listener port (a tcp one if any) accepts a TCP connection. A process 'exit' hook (and
// SIGTERM/SIGHUP) kills every broker this process started and did not stop.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCerts, type Certs } from './certs.ts';

type Auth = { passwords: Record<string, string>; acl?: string };
export type ListenerSpec =
  | { name: string; kind: 'tcp'; auth?: Auth }
  | { name: string; kind: 'tls'; cert?: 'good' | 'wronghost' | 'expired'; requireClientCert?: boolean; auth?: Auth }
  /** TLS-PSK: identity -> hex key (psk_file), with an identity hint */
  | { name: string; kind: 'psk'; keys: Record<string, string>; hint?: string; auth?: Auth };

/** the listeners the black-box tests of tspub and tssub share: plain, password file, TLS, TLS with client certificates */
export const CLIENT_LISTENERS: readonly ListenerSpec[] = [
  { name: 'tcp', kind: 'tcp' },
  { name: 'auth', kind: 'tcp', auth: { passwords: { alice: 's3cret' } } },
  { name: 'tls', kind: 'tls' },
  { name: 'mtls', kind: 'tls', requireClientCert: true },
];

/** config lines for an anonymous Unix socket listener at path (for MosquittoOptions.extra) */
export const unixListener = (path: string): string => `listener 0 ${path}\nallow_anonymous true\n`;

export interface MosquittoOptions {
  listeners?: ListenerSpec[];
  persistence?: boolean;
  extra?: string;
  /** mosquitto log_type values (default ['all']: every packet is logged) */
  logTypes?: string[];
}

export interface Mosquitto {
  host: '127.0.0.1';
  /** the first tcp listener's port (0 when there is none) */
  port: number;
  ports: Record<string, number>;
  certs?: Certs;
  pid: number;
  dir: string;
  /** path of the generated mosquitto.conf */
  configFile: string;
  /** broker log so far (all runs, restarts included) */
  log(): string;
  /** position in the whole log so far (stays valid when old log text is dropped) */
  logMark(): number;
  /** resolves when the log from `since` (a logMark(); default: now) matches; default timeout 5000 ms */
  waitForLog(match: string | RegExp, timeoutMs?: number, since?: number): Promise<void>;
  /** send a signal by pid (e.g. SIGSTOP/SIGCONT to make the broker stall) */
  signal(sig: NodeJS.Signals): void;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

const LOG_CAP = 16 * 1024 * 1024;
const running = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => { for (const c of running) { try { c.kill('SIGKILL'); } catch { /* gone */ } } };
  process.on('exit', () => {
    killAll();
    for (const d of dirs) { try { rmSync(d, { recursive: true, force: true }); } catch { /* gone */ } }
  });
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => { killAll(); process.kill(process.pid, sig); });
  }
}

export function mosquittoPath(): string | undefined {
  if (existsSync('/usr/sbin/mosquitto')) return '/usr/sbin/mosquitto';
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (d && existsSync(join(d, 'mosquitto'))) return join(d, 'mosquitto');
  }
  return undefined;
}

export function requireMosquitto(): void {
  if (!mosquittoPath()) {
    throw new Error('mosquitto broker not found (/usr/sbin/mosquitto or `mosquitto` on PATH): '
      + 'install it (apt-get install mosquitto mosquitto-clients); tests never skip without it');
  }
}

/** A port that was free a moment ago (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function buildConfig(dir: string, listeners: ListenerSpec[], ports: Record<string, number>,
  certs: Certs | undefined, opts: MosquittoOptions): string {
  const lines = [
    'per_listener_settings true',
    'max_queued_messages 1000000',
    'max_inflight_messages 20',
    'log_dest stderr',
    ...(opts.logTypes ?? ['all']).map((t) => `log_type ${t}`),
    'log_timestamp_format %H:%M:%S',
    'connection_messages true',
  ];
  if (process.getuid?.() === 0) lines.push('user root');   // don't drop to `mosquitto`: our temp dir is 0700
  if (opts.persistence) lines.push('persistence true', `persistence_location ${dir}/`, 'autosave_interval 0');
  else lines.push('persistence false');
  for (const l of listeners) {
    lines.push('', `listener ${ports[l.name]} 127.0.0.1`);
    if (l.auth) {
      const pw = join(dir, `${l.name}.passwd`);
      writeFileSync(pw, Object.entries(l.auth.passwords).map(([u, p]) => `${u}:${p}\n`).join(''), { mode: 0o600 });
      execFileSync('mosquitto_passwd', ['-U', pw], { stdio: ['ignore', 'ignore', 'pipe'] });
      lines.push('allow_anonymous false', `password_file ${pw}`);
      if (l.auth.acl !== undefined) {
        const acl = join(dir, `${l.name}.acl`);
        writeFileSync(acl, l.auth.acl.endsWith('\n') ? l.auth.acl : `${l.auth.acl}\n`);
        lines.push(`acl_file ${acl}`);
      }
    } else {
      lines.push('allow_anonymous true');
    }
    if (l.kind === 'tls') {
      const c = certs!;
      const [cert, key] = l.cert === 'wronghost' ? [c.wrongHostCert, c.wrongHostKey]
        : l.cert === 'expired' ? [c.expiredCert, c.expiredKey] : [c.serverCert, c.serverKey];
      lines.push(`cafile ${c.ca}`, `certfile ${cert}`, `keyfile ${key}`);
      if (l.requireClientCert) lines.push('require_certificate true');
    }
    if (l.kind === 'psk') {
      const file = join(dir, `${l.name}.psk`);
      writeFileSync(file, Object.entries(l.keys).map(([id, key]) => `${id}:${key}\n`).join(''), { mode: 0o600 });
      lines.push(`psk_file ${file}`, `psk_hint ${l.hint ?? 'tsmqtt-test'}`);
    }
  }
  if (opts.extra) lines.push('', opts.extra);
  return lines.join('\n') + '\n';
}

interface Run { child: ChildProcess; exited: Promise<void>; done: boolean }

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  requireMosquitto();
  hookExit();
  const listeners = opts.listeners ?? [{ name: 'tcp', kind: 'tcp' }];
  if (listeners.length === 0) throw new Error('startMosquitto: at least one listener is needed');
  const names = new Set(listeners.map((l) => l.name));
  if (names.size !== listeners.length) throw new Error('startMosquitto: listener names must be unique');
  const certs = listeners.some((l) => l.kind === 'tls') ? await makeCerts() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-mosq-'));
  dirs.add(dir);
  const configFile = join(dir, 'mosquitto.conf');
  let log = '';
  let dropped = 0;   // characters trimmed off the front (amortised: trim to CAP when over 2*CAP)
  const appendLog = (s: string) => {
    log += s;
    if (log.length > 2 * LOG_CAP) { dropped += log.length - LOG_CAP; log = log.slice(log.length - LOG_CAP); }
    for (const w of waiters) w();
  };
  const tail = (mark: number) => log.slice(Math.max(0, mark - dropped));
  const waiters = new Set<() => void>();
  const ports: Record<string, number> = {};
  let cur: Run | undefined;
  const probe = listeners.find((l) => l.kind === 'tcp') ?? listeners[0];

  const launch = async (): Promise<Run> => {
    const child = spawn(mosquittoPath()!, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { child, done: false, exited: undefined as unknown as Promise<void> };
    run.exited = new Promise((resolve) => child.once('exit', () => { run.done = true; running.delete(child); resolve(); }));
    child.once('error', (e) => appendLog(`[harness] spawn error: ${e.message}\n`));
    running.add(child);
    child.stdout!.setEncoding('utf8').on('data', appendLog);
    child.stderr!.setEncoding('utf8').on('data', appendLog);
    const from = dropped + log.length;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (run.done) break;
      if (tail(from).includes(' running')) {
        // every listener is open once "running" is logged; probe one (a tcp one: no TLS noise in the log)
        if (await canConnect(ports[probe.name])) return run;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!run.done) { child.kill('SIGKILL'); await run.exited; }
    throw Object.assign(new Error(`mosquitto did not start (exit ${child.exitCode ?? child.signalCode ?? 'timeout'}):\n${tail(from).trim()}`),
      { clash: /Address already in use/.test(tail(from)) });
  };

  const stop = async () => {
    const r = cur;
    if (!r || r.done) return;
    r.child.kill('SIGTERM');
    const t = setTimeout(() => r.child.kill('SIGKILL'), 5000);
    await r.exited;
    clearTimeout(t);
  };

  for (let attempt = 1; ; attempt++) {
    for (const l of listeners) ports[l.name] = await freePort();
    writeFileSync(configFile, buildConfig(dir, listeners, ports, certs, opts));
    try {
      cur = await launch();
      break;
    } catch (e) {
      if (!(e as { clash?: boolean }).clash || attempt >= 5) throw e;
    }
  }

  const first = listeners.find((l) => l.kind === 'tcp');
  const m: Mosquitto = {
    host: '127.0.0.1',
    port: first ? ports[first.name] : 0,
    ports,
    certs,
    pid: cur.child.pid!,
    dir,
    configFile,
    log: () => log,
    logMark: () => dropped + log.length,
    waitForLog(match, timeoutMs = 5000, since = dropped + log.length) {
      const test = () => (typeof match === 'string' ? tail(since).includes(match) : match.test(tail(since)));
      if (test()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => { if (test()) { done(); resolve(); } };
        const timer = setTimeout(() => { done(); reject(new Error(`mosquitto log never matched ${match} within ${timeoutMs} ms; log since:\n${tail(since).slice(-4000)}`)); }, timeoutMs);
        const done = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
      });
    },
    signal(sig) { if (cur && !cur.done) cur.child.kill(sig); },
    stop,   // the dir stays until the process exits, so restart() still works after stop()
    async restart() {
      await stop();
      appendLog('[harness] restart\n');
      // the old listening sockets are gone; mosquitto sets SO_REUSEADDR, but retry briefly anyway
      for (let attempt = 1; ; attempt++) {
        try { cur = await launch(); break; } catch (e) {
          if (!(e as { clash?: boolean }).clash || attempt >= 10) throw e;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      m.pid = cur.child.pid!;
    },
  };
  return m;
}
