// An encrypted --key (PKCS#8 AES-256-CBC, test/helpers/certs.ts) against mosquitto's listener with
// require_certificate: the passphrase from --key-passphrase-file, from TSMQTT_KEY_PASSPHRASE, or
// typed at the "Enter PEM pass phrase:" prompt on a terminal (script(1) gives the tool a pty, as for
// -P); without any of them and no terminal, or with a wrong one: one exact line, exit 1, and no
// connection is made.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, runBin, spawnProcess, type BinResult, use1 } from './helpers/run-bin.ts';
import { CLIENT_LISTENERS, startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import type { Certs } from './helpers/certs.ts';
import { tlsConnectOptions } from '../src/session/tls-options.ts';
import { TransportError } from '../src/session/errors.ts';

let m: Mosquitto;
let c: Certs;
const dir = mkdtempSync(join(tmpdir(), 'tls-pass-'));
const rightFile = join(dir, 'right');
const wrongFile = join(dir, 'wrong');
let n = 0;
const fresh = (): string => `pass/t${++n}`;

const WRONG = 'Error: TLS: cannot decrypt the --key file: wrong or missing passphrase\n';
const missing = (key: string, tool = 'tspub'): string => use1(tool, `Error: --key '${key}' is encrypted: give its passphrase with --key-passphrase-file FILE or TSMQTT_KEY_PASSPHRASE.`);

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({ listeners: [...CLIENT_LISTENERS] });
  c = m.certs!;
  writeFileSync(rightFile, `${c.clientKeyPassphrase}\n`);
  writeFileSync(wrongFile, 'not-the-passphrase\n');
});
after(() => m.stop());

/** TLS with the client certificate and the encrypted key */
const mtls = (key = c.clientKeyEncrypted): string[] => ['-h', 'localhost', '-p', String(m.ports.mtls), '--cafile', c.ca, '--cert', c.clientCert, '--key', key];

/** what the broker logged about new connections on the mTLS port since `mark` */
const connectionsSince = (mark: number): string[] => m.log().slice(mark).split('\n').filter((l) => l.includes(`on port ${m.ports.mtls}.`));

const quote = (args: string[]): string => args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');

/** Run a tool on a pseudo-terminal (util-linux script), typing `answer` once the prompt shows. */
async function onTerminal(tool: string, args: string[], answer: string): Promise<BinResult> {
  // NO_COLOR: the screen is compared byte for byte (a terminal gets a red "Error:" and coloured topics)
  const run = spawnProcess('script', ['-qec', quote([process.execPath, binPath(tool), ...args]), '/dev/null'], { env: { NO_COLOR: '1' } }, 'open');
  await run.waitForStdout('Enter PEM pass phrase:', 10_000);
  run.child.stdin!.write(`${answer}\r`);
  return run.exited();
}

test('the right passphrase from --key-passphrase-file or TSMQTT_KEY_PASSPHRASE: tspub publishes, tssub receives', async () => {
  const t = fresh();
  const pub = await runBin('tspub', [...mtls(), '--key-passphrase-file', rightFile, '-t', t, '-m', 'by file', '-r']);
  assert.deepEqual([pub.code, pub.stderr, pub.out], [0, '', '']);
  const sub = await runBin('tssub', [...mtls(), '-t', t, '-C', '1', '-v'], { env: { TSMQTT_KEY_PASSPHRASE: c.clientKeyPassphrase } });
  assert.deepEqual([sub.code, sub.stderr, sub.out], [0, '', `${t} by file\n`]);
  const t2 = fresh();
  const pub2 = await runBin('tspub', [...mtls(), '-t', t2, '-m', 'by env', '-r'], { env: { TSMQTT_KEY_PASSPHRASE: c.clientKeyPassphrase } });
  assert.deepEqual([pub2.code, pub2.stderr], [0, '']);
  const sub2 = await runBin('tssub', [...mtls(), '--key-passphrase-file', rightFile, '-t', t2, '-C', '1', '-v']);
  assert.deepEqual([sub2.code, sub2.stderr, sub2.out], [0, '', `${t2} by env\n`]);
});

test('--key-passphrase-file wins over TSMQTT_KEY_PASSPHRASE', async () => {
  const r = await runBin('tspub', [...mtls(), '--key-passphrase-file', rightFile, '-t', fresh(), '-m', 'x'], { env: { TSMQTT_KEY_PASSPHRASE: 'wrong' } });
  assert.deepEqual([r.code, r.stderr], [0, '']);
});

test('a wrong passphrase: one exact line, exit 1, no connection (file, environment, tspub and tssub)', async () => {
  const cases: Array<[string, string[], Record<string, string>]> = [
    ['tspub', ['--key-passphrase-file', wrongFile, '-t', fresh(), '-m', 'x'], {}],
    ['tspub', ['-t', fresh(), '-m', 'x'], { TSMQTT_KEY_PASSPHRASE: 'wrong' }],
    ['tssub', ['-t', fresh(), '-E'], { TSMQTT_KEY_PASSPHRASE: 'wrong' }],
    ['tssub', ['--key-passphrase-file', wrongFile, '-t', fresh(), '-E'], {}],
  ];
  for (const [tool, args, env] of cases) {
    const mark = m.logMark();
    const r = await runBin(tool, [...mtls(), ...args], { env });
    assert.deepEqual([r.code, r.stderr, r.out], [1, WRONG, ''], `${tool} ${args.join(' ')}`);
    assert.deepEqual(connectionsSince(mark), [], 'no connection may be attempted');
  }
});

test('an encrypted key, no passphrase and no terminal: the error before connecting, exit 1', async () => {
  // setsid: no controlling terminal at all, so not even /dev/tty can be opened
  const noTty = (tool: string, args: string[]) => spawnProcess('setsid', ['-w', process.execPath, binPath(tool), ...args]).exited();
  const runs: Array<[string, string, () => Promise<BinResult>]> = [
    ['tspub, stdin and stderr are pipes', 'tspub', () => runBin('tspub', [...mtls(), '-t', fresh(), '-m', 'x'])],
    ['tspub without a terminal', 'tspub', () => noTty('tspub', [...mtls(), '-t', fresh(), '-m', 'x'])],
    ['tssub without a terminal', 'tssub', () => noTty('tssub', [...mtls(), '-t', fresh(), '-E'])],
    ['tsclear without a terminal', 'tsclear', () => noTty('tsclear', [...mtls(), '-t', `${fresh()}/#`, '--dry-run'])],
  ];
  for (const [what, tool, run] of runs) {
    const mark = m.logMark();
    const r = await run();
    assert.deepEqual([r.code, r.stderr, r.out], [1, missing(c.clientKeyEncrypted, tool), ''], what);
    assert.deepEqual(connectionsSince(mark), [], `${what}: no connection may be attempted`);
  }
});

test('on a terminal: "Enter PEM pass phrase:" with echo off; the typed passphrase connects (tspub, tssub)', async () => {
  const t = fresh();
  const pub = await onTerminal('tspub', [...mtls(), '-t', t, '-m', 'typed', '-r'], c.clientKeyPassphrase);
  assert.equal(pub.code, 0, pub.out);
  assert.equal(pub.out, 'Enter PEM pass phrase:\r\n');
  const sub = await onTerminal('tssub', [...mtls(), '-t', t, '-C', '1', '-v'], c.clientKeyPassphrase);
  assert.equal(sub.code, 0, sub.out);
  assert.equal(sub.out, `Enter PEM pass phrase:\r\n${t} typed\r\n`);
});

test('on a terminal, a wrong passphrase typed: the same line and exit 1', async () => {
  const r = await onTerminal('tspub', [...mtls(), '-t', fresh(), '-m', 'x'], 'wrong');
  assert.equal(r.code, 1);
  assert.equal(r.out, `Enter PEM pass phrase:\r\n${WRONG.replace('\n', '\r\n')}`);
});

test('an unencrypted key asks for nothing, even on a terminal', async () => {
  const t = fresh();
  const sub = await mosqPub(['-h', '127.0.0.1', '-p', String(m.ports.tcp), '-t', t, '-m', 'plain', '-r']);
  assert.equal(sub.code, 0, sub.stderr);
  const cmd = quote([process.execPath, binPath('tssub'), ...mtls(c.clientKey), '-t', t, '-C', '1']);
  const r = await spawnProcess('script', ['-qec', cmd, '/dev/null']).exited();
  assert.deepEqual([r.code, r.out], [0, 'plain\r\n']);
});

test('--key-passphrase-file errors: unreadable, or without --key', async () => {
  const cases: Array<[string[], string]> = [
    [[...mtls(), '--key-passphrase-file', dir], use1('tspub', `Error: Unable to read --key-passphrase-file file "${dir}": is a directory.`)],
    [[...mtls(), '--key-passphrase-file', join(dir, 'none')], use1('tspub', `Error: Unable to read --key-passphrase-file file "${join(dir, 'none')}": no such file.`)],
    [['-p', String(m.ports.tcp), '--key-passphrase-file', rightFile], use1('tspub', 'Error: --key-passphrase-file needs --key (the encrypted client key it unlocks).')],
  ];
  for (const [args, line] of cases) {
    const r = await runBin('tspub', [...args, '-t', fresh(), '-m', 'x']);
    assert.deepEqual([r.code, r.stderr], [1, line], args.join(' '));
  }
});

test('--help lists --key-passphrase-file and TSMQTT_KEY_PASSPHRASE (tspub, tssub, tsclear)', async () => {
  for (const tool of ['tspub', 'tssub', 'tsclear']) {
    const h = await runBin(tool, ['--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /\n {2}--key-passphrase-file file {6}read the passphrase of an encrypted --key from the first line of\n/, tool);
    assert.match(h.out, /\n {2}TSMQTT_KEY_PASSPHRASE {4}passphrase of an encrypted --key, when no --key-passphrase-file is given\n/, tool);
  }
});

test('a wrong passphrase OpenSSL 3 reports as ERR_OSSL_UNSUPPORTED (not BAD_DECRYPT) is still the passphrase', () => {
  // ~1 wrong passphrase in 300 decrypts to bytes that pass the padding check: find one (bounded)
  const pem = readFileSync(c.clientKeyEncrypted);
  let unsupported: string | undefined;
  for (let i = 0; i < 5000 && unsupported === undefined; i++) {
    try {
      createPrivateKey({ key: pem, passphrase: `guess-${i}` });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_OSSL_UNSUPPORTED') unsupported = `guess-${i}`;
    }
  }
  assert.ok(unsupported !== undefined, 'no passphrase in 5000 gave ERR_OSSL_UNSUPPORTED');
  assert.throws(() => tlsConnectOptions({ cafile: c.ca, cert: c.clientCert, key: c.clientKeyEncrypted, passphrase: unsupported }, 'localhost'),
    (e: unknown) => e instanceof TransportError && e.message === 'TLS: cannot decrypt the --key file: wrong or missing passphrase');
});
