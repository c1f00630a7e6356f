// Black-box runner for the built binaries as users run them: bin/<name>.cjs (loading dist/<name>.cjs,
// made by `npm run build`, through bin/load.cjs and its code cache in the isolated HOME).
//
//   const r = await runBin('tspub', ['-p', String(m.port), '-t', 'a', '-m', 'x']);
//   assert.equal(r.code, 0); assert.equal(r.stderr, ''); assert.equal(r.out, '');  // r.stdout is the raw Buffer
//
//   const sub = spawnBin('tssub', ['-p', port, '-t', 'a', '-v']);
//   await m.waitForLog('Sending SUBACK');          // or sub.waitForStdout(...) / waitForStderr(...)
//   ...; sub.kill('SIGINT'); const res = await sub.exited();
//
// Options (both): stdin (written then closed; runBin always closes stdin, spawnBin leaves it open
// for child.stdin.write() when no stdin is given), env (merged over the base env; a value of
// undefined removes a variable), timeoutMs (default 15000: then SIGKILL, and runBin()/exited()
// reject with what was printed so far), home (default: a fresh isolatedHome() per call),
// cwd (default: the repo root).
// Child env: PATH (inherited), HOME=<home>, XDG_CONFIG_HOME=<home>/.config, nothing else
// inherited (no NO_COLOR, FORCE_COLOR, NODE_OPTIONS or test-runner variables) unless opts.env sets it;
// with opts.emptyEnv nothing at all but opts.env (`env -i`).
// linkAs('mosquitto_pub', 'tspub'): a symlink of that name to bin/tspub.cjs in a fresh temp dir, run
// with spawnProcess(link, args, ...) as a script would run mosquitto_pub.
// Every child still running when this process exits is SIGKILLed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as utf8 */
  out: string;
}

export interface BinOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  home?: string;
  cwd?: string;
  /** start with an empty environment (no PATH, no HOME), plus only what `env` sets: how scripts start clients */
  emptyEnv?: boolean;
}

export interface RunningBin {
  child: ChildProcess;
  pid: number;
  stdoutText(): string;
  stderrText(): string;
  /** resolves once stdout so far contains the string / matches the RegExp (default timeout 5000 ms) */
  waitForStdout(predicate: string | RegExp, timeoutMs?: number): Promise<void>;
  waitForStderr(predicate: string | RegExp, timeoutMs?: number): Promise<void>;
  /** resolves when the process has exited and its output is drained */
  exited(): Promise<BinResult>;
  kill(sig?: NodeJS.Signals): void;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const children = new Set<ChildProcess>();
const homes = new Set<string>();
process.on('exit', () => {
  for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } }
  for (const h of homes) { try { rmSync(h, { recursive: true, force: true }); } catch { /* gone */ } }
});

/** Fresh empty HOME (with an empty .config/), removed at process exit. */
export function isolatedHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'tsmqtt-home-'));
  mkdirSync(join(home, '.config'));
  homes.add(home);
  return home;
}

/** Absolute path of bin/<name>.cjs; throws a clear error when dist/<name>.cjs has not been built. */
export function binPath(name: string): string {
  const file = join(ROOT, 'bin', `${name}.cjs`);
  const bundle = join(ROOT, 'dist', `${name}.cjs`);
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} does not exist: run \`npm run build\` before the tests (is src/commands/${name}.ts there?)`);
  }
  return file;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** An argument error as the tools print it: the line, one blank line, "Use 'NAME --help' to see usage." */
export function use1(name: string, line: string): string {
  return `${line}\n\nUse '${name} --help' to see usage.\n`;
}

/** The same after two blank lines (mosquitto's missing-value and most value errors) */
export function use2(name: string, line: string): string {
  return `${line}\n\n\nUse '${name} --help' to see usage.\n`;
}

/** A symlink named `name` (mosquitto_pub) to bin/<tool>.cjs, in a fresh temp dir removed at exit; its path. */
export function linkAs(name: string, tool: string): string {
  binPath(tool);
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-link-'));
  homes.add(dir);
  const link = join(dir, name);
  symlinkSync(join(ROOT, 'bin', `${tool}.cjs`), link);
  return link;
}

export function binEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as Record<string, string>;
}

const show = (s: string) => (s.length > 2000 ? `${s.slice(0, 1000)}\n...\n${s.slice(-1000)}` : s);

function waitText(get: () => string, what: string, child: ChildProcess, ended: () => boolean,
  predicate: string | RegExp, timeoutMs: number): Promise<void> {
  const test = () => (typeof predicate === 'string' ? get().includes(predicate) : predicate.test(get()));
  if (test()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`${what} of pid ${child.pid} ${why} without matching ${String(predicate)}; ${what} so far:\n${show(get())}`));
    };
    const onData = () => { if (test()) { cleanup(); resolve(); } };
    const onClose = () => { if (test()) { cleanup(); resolve(); } else fail('closed'); };
    const timer = setTimeout(() => fail(`ran ${timeoutMs} ms`), timeoutMs);
    const stream = what === 'stdout' ? child.stdout! : child.stderr!;
    const cleanup = () => { clearTimeout(timer); stream.off('data', onData); child.off('close', onClose); };
    stream.on('data', onData);
    child.on('close', onClose);
    if (ended()) onClose();
  });
}

export function spawnBin(name: string, args: string[], opts: BinOptions = {}): RunningBin {
  return spawnProcess(process.execPath, [binPath(name), ...args], opts, opts.stdin === undefined ? 'open' : 'write');
}

export function runBin(name: string, args: string[], opts: BinOptions = {}): Promise<BinResult> {
  let r: RunningBin;
  try {
    r = spawnProcess(process.execPath, [binPath(name), ...args], opts, 'write');
  } catch (e) {
    return Promise.reject(e);
  }
  return r.exited();
}

/** Same machinery for any node script (e.g. a .mjs under scripts/). */
export function spawnNodeScript(file: string, args: string[], opts: BinOptions = {}): RunningBin {
  return spawnProcess(process.execPath, [file, ...args], opts, opts.stdin === undefined ? 'open' : 'write');
}

/**
 * Same machinery for any executable (mosq-clients.ts uses it for mosquitto_pub/sub).
 * stdinMode 'write': write opts.stdin (or nothing) and close; 'open': leave child.stdin open.
 */
export function spawnProcess(command: string, args: string[], opts: BinOptions = {}, stdinMode: 'open' | 'write' = 'write'): RunningBin {
  const name = command === process.execPath ? args[0] : command;
  const home = opts.home ?? isolatedHome();
  const child = spawn(command, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.emptyEnv ? definedOnly(opts.env ?? {}) : binEnv(home, opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  const out: Buffer[] = [];
  let outLen = 0;
  let outText = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => { out.push(b); outLen += b.length; outText = ''; });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { err += s; });
  child.stdin!.on('error', () => { /* EPIPE when the child exits before reading stdin: fine */ });
  if (stdinMode === 'write') child.stdin!.end(opts.stdin ?? '');

  const stdoutText = () => {
    if (outText.length === 0 && outLen > 0) outText = Buffer.concat(out, outLen).toString('utf8');
    return outText;
  };
  let ended = false;
  let timedOut = false;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  let spawnError: Error | undefined;
  const done = new Promise<BinResult>((resolve) => {
    child.once('error', (e) => { spawnError = e; });
    child.once('close', (code, signal) => {
      ended = true;
      clearTimeout(timer);
      children.delete(child);
      const stdout = Buffer.concat(out, outLen);
      resolve({ code, signal, stdout, stderr: err, out: stdout.toString('utf8') });
    });
  });

  return {
    child,
    pid: child.pid ?? -1,
    stdoutText,
    stderrText: () => err,
    waitForStdout: (p, t = 5000) => waitText(stdoutText, 'stdout', child, () => ended, p, t),
    waitForStderr: (p, t = 5000) => waitText(() => err, 'stderr', child, () => ended, p, t),
    exited: () => done.then((r) => {
      if (spawnError) throw new Error(`${name}: could not start: ${spawnError.message}`);
      if (timedOut) {
        throw new Error(`${[command, ...args].join(' ')} still running after ${timeoutMs} ms: SIGKILLed\n`
          + `stdout:\n${show(r.out)}\nstderr:\n${show(r.stderr)}`);
      }
      return r;
    }),
    kill: (sig = 'SIGTERM') => { if (!ended) child.kill(sig); },
  };
}
