// The password, kept off the command line when the user wants (mosquitto issues 288, 3571):
//   -P secret              as mosquitto
//   -P (no value)          prompt on the terminal (/dev/tty, echo off); an error without a terminal
//   --password-file FILE   the first line of FILE (trailing CR/LF removed)
//   TSMQTT_PASSWORD=...    used when a username is given and no -P / --password-file
// The password never appears in any output: -d lines show neither it nor its length.
//
// The passphrase of an encrypted --key (PEM `ENCRYPTED PRIVATE KEY` or `Proc-Type: 4,ENCRYPTED`),
// kept off the command line the same ways:
//   --key-passphrase-file FILE   the first line of FILE
//   TSMQTT_KEY_PASSPHRASE=...     when no --key-passphrase-file
//   neither                       prompt "Enter PEM pass phrase:" on the terminal (OpenSSL's, as
//                                 mosquitto_pub asks), an error before connecting without one
// resolvePassword settles it too (into store.keyPassphrase, which buildSession hands to TLS), so
// every tool asks for its secrets at one point, before connecting.
import { openSync, readFileSync } from 'node:fs';
import { argError, UsageError } from '../runtime/errors.ts';
import type { CommonStore } from './common-options.ts';
import { clientKeyInUse } from './session-options.ts';
import { fsErrorText } from '../../session/fs-error-text.ts';
import { isEncryptedPem } from '../../session/pem-check.ts';

export const PASSWORD_ENV = 'TSMQTT_PASSWORD';
export const KEY_PASSPHRASE_ENV = 'TSMQTT_KEY_PASSPHRASE';

/** -P without a value and no terminal to ask on: mosquitto's missing-value error (--help tells of --password-file) */
const noTerminalForPassword = (): UsageError => argError('-P argument given but no password specified.');

export interface PasswordIo {
  env: NodeJS.ProcessEnv;
  /** prompt on the controlling terminal, failing with `noTerminal` when there is none; undefined: do not prompt */
  prompt?: (question: string, noTerminal: UsageError) => Promise<string>;
}

/** The password (-P, --password-file, TSMQTT_PASSWORD, a prompt); also settles store.keyPassphrase. */
export async function resolvePassword(store: CommonStore, io: PasswordIo): Promise<string | undefined> {
  const password = await passwordOf(store, io);
  const passphrase = await resolveKeyPassphrase(store, io);
  if (passphrase !== undefined) store.keyPassphrase = passphrase;
  return password;
}

async function passwordOf(store: CommonStore, io: PasswordIo): Promise<string | undefined> {
  const p = store.password;
  if (typeof p === 'string' && store.passwordFile !== undefined) {
    throw new UsageError('-P and --password-file cannot be used together.');
  }
  if (typeof p === 'string') return p;
  if (store.passwordFile !== undefined) return readSecretFile(store.passwordFile, '--password-file');
  if (p === true) {
    if (!io.prompt) throw noTerminalForPassword();
    const user = store.username === undefined ? '' : ` for ${store.username}`;
    return io.prompt(`Password${user}: `, noTerminalForPassword());
  }
  const fromEnv = io.env[PASSWORD_ENV];
  if (fromEnv !== undefined && store.username !== undefined) return fromEnv;
  return undefined;
}

/** The --key passphrase, or undefined when no encrypted key will be used (or it is unreadable: TLS says why). */
async function resolveKeyPassphrase(store: CommonStore, io: PasswordIo): Promise<string | undefined> {
  if (store.keyPassphraseFile !== undefined) {
    if (store.key === undefined) throw new UsageError('--key-passphrase-file needs --key (the encrypted client key it unlocks).');
    return readSecretFile(store.keyPassphraseFile, '--key-passphrase-file');
  }
  const key = store.key;
  if (key === undefined || !clientKeyInUse(store)) return undefined;
  const fromEnv = io.env[KEY_PASSPHRASE_ENV];
  if (fromEnv !== undefined) return fromEnv;
  let pem: string;
  try {
    pem = readFileSync(key, 'latin1');
  } catch {
    return undefined;
  }
  if (!isEncryptedPem(pem)) return undefined;
  const noTerminal = new UsageError(`--key '${key}' is encrypted: give its passphrase with --key-passphrase-file FILE or ${KEY_PASSPHRASE_ENV}.`);
  if (!io.prompt) throw noTerminal;
  return io.prompt('Enter PEM pass phrase:', noTerminal);
}

/** The first line of a secret's file (trailing CR removed). */
function readSecretFile(path: string, option: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Unable to read ${option} file "${path}": ${fsErrorText(err)}.`);
  }
  const nl = text.indexOf('\n');
  return (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
}

/** Reads a line from /dev/tty with echo off; fails with `noTerminal` when the process has no terminal. */
export async function ttyPrompt(question: string, noTerminal: UsageError = noTerminalForPassword()): Promise<string> {
  const tty = await import('node:tty');
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw noTerminal;
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
