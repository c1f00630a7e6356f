// One --exec run for the responder: /bin/sh -c command, the request's payload on stdin, its stdout
// collected as the reply, its stderr passed through to ours. A command past the timeout gets
// SIGTERM, and SIGKILL a second later if it is still there, sent to its process group: the
// shell's own children (`sleep 30`) hold the stdout pipe open and would outlive the shell.
import { spawn } from 'node:child_process';

const KILL_GRACE_MS = 1000;

export interface ExecResult {
  stdout: Buffer;
  /** exit code, or undefined when a signal ended it */
  code: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  /** it could not be started at all */
  error?: Error;
}

export interface ExecRun {
  done: Promise<ExecResult>;
  kill(): void;
}

export function runCommand(command: string, payload: Buffer, env: Record<string, string>, timeoutMs: number): ExecRun {
  const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env }, detached: true });
  const killGroup = (sig: NodeJS.Signals): void => {
    try { process.kill(-child.pid!, sig); } catch { /* gone already */ }
  };
  const chunks: Buffer[] = [];
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = timeoutMs > 0 ? setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
  }, timeoutMs) : undefined;
  child.stdout!.on('data', (b: Buffer) => chunks.push(b));
  // a command that does not read its stdin (echo) closes it: EPIPE is no failure of ours
  child.stdin!.on('error', () => undefined);
  child.stdin!.end(payload);
  const done = new Promise<ExecResult>((resolve) => {
    let error: Error | undefined;
    child.once('error', (e) => { error = e; });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({ stdout: Buffer.concat(chunks), code: code ?? undefined, signal: signal ?? undefined, timedOut, error });
    });
  });
  return { done, kill: () => killGroup('SIGTERM') };
}
