// The password, kept off the command line when the user wants (mosquitto issues 288, 3571):
//   -P secret              as mosquitto
//   -P (no value)          prompt on the terminal (/dev/tty, echo off); an error without a terminal
//   --password-file FILE   the first line of FILE (trailing CR/LF removed)
//   TSMQTT_PASSWORD=...    used when a username is given and no -P / --password-file
// The password never appears in any output: -d lines show neither it nor its length.
import { openSync, readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';
import type { Store } from './option-spec.ts';

export const PASSWORD_ENV = 'TSMQTT_PASSWORD';

export interface PasswordIo {
  env: NodeJS.ProcessEnv;
  /** prompt on the controlling terminal; undefined when there is none */
  prompt?: (question: string) => Promise<string>;
}

export async function resolvePassword(store: Store, io: PasswordIo): Promise<string | undefined> {
  const p = store.password;
  if (typeof p === 'string' && store.passwordFile !== undefined) {
    throw new UsageError('-P and --password-file cannot be used together.');
  }
  if (typeof p === 'string') return p;
  if (store.passwordFile !== undefined) return readPasswordFile(store.passwordFile as string);
  if (p === true) {
    if (!io.prompt) throw new UsageError(`-P argument given but no password specified (no terminal to prompt on; use --password-file FILE or ${PASSWORD_ENV}).`);
    const user = store.username === undefined ? '' : ` for ${String(store.username)}`;
    return io.prompt(`Password${user}: `);
  }
  const fromEnv = io.env[PASSWORD_ENV];
  if (fromEnv !== undefined && store.username !== undefined) return fromEnv;
  return undefined;
}

export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new UsageError(`--password-file: cannot read '${path}': ${why}.`);
  }
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
}

/** Reads a line from /dev/tty with echo off; undefined when the process has no terminal. */
export async function ttyPrompt(question: string): Promise<string> {
  const tty = await import('node:tty');
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new UsageError(`-P argument given but no password specified (no terminal to prompt on; use --password-file FILE or ${PASSWORD_ENV}).`);
  }
  const input = new tty.ReadStream(fd);
  const output = new tty.WriteStream(fd);
  // echo off before the question appears, so an answer typed at once is never echoed
  input.setRawMode(true);
  output.write(question);
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const done = (err?: Error): void => {
      input.setRawMode(false);
      input.removeAllListeners('data');
      output.write('\n');
      input.destroy();
      output.destroy();
      if (err) reject(err);
      else resolve(answer);
    };
    input.on('data', (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('password prompt interrupted.'));
        if (ch === '\u0004' && answer === '') return done();
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    });
  });
}
