// --capath without OpenSSL's lookup: which files of a directory are read (no broker needed;
// test/session-mosquitto.test.ts verifies real handshakes through hashed and plain directories).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCapath } from '../src/session/tls-options.ts';
import { TransportError } from '../src/session/errors.ts';

const pem = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
const A = pem('AAAA');
const B = pem('BBBB');
const C = pem('CCCC');

test('a hashed directory: hash links, files they point to (read once), an un-rehashed PEM, a bundle; subdirectories skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capath-'));
  writeFileSync(join(dir, 'a.pem'), `${A}\n`);
  symlinkSync('a.pem', join(dir, '1a2b3c4d.0'));
  writeFileSync(join(dir, 'b.pem'), `comment\n${B}\n`); // dropped in without openssl rehash
  writeFileSync(join(dir, 'bundle.crt'), `${A}\n${C}\n`);
  writeFileSync(join(dir, '1a2b3c4d.r0'), 'a CRL, not a certificate');
  mkdirSync(join(dir, 'java'));
  assert.deepEqual(loadCapath(dir).sort(), [A, B, C].sort());
});

test('a plain directory of PEM files, with a FIFO that must not block the read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capath-plain-'));
  writeFileSync(join(dir, 'ca.pem'), A);
  writeFileSync(join(dir, 'other.crt'), B);
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  assert.deepEqual(loadCapath(dir).sort(), [A, B].sort());
});

test('a directory without certificates, or none at all: a clear error', () => {
  const empty = mkdtempSync(join(tmpdir(), 'capath-empty-'));
  writeFileSync(join(empty, 'readme.txt'), 'no certificates here');
  assert.throws(() => loadCapath(empty), (e: unknown) => e instanceof TransportError && e.message === `--capath directory '${empty}' holds no PEM certificate`);
  const missing = join(empty, 'nope');
  assert.throws(() => loadCapath(missing), (e: unknown) => e instanceof TransportError && e.message === `cannot read --capath directory '${missing}': no such directory`);
});
