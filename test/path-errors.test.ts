// Every option that names a path says what is wrong with it in words ("is a directory", "a
// component of the path is not a directory"), never Node's EISDIR/ENOTDIR, and a damaged PEM file
// is named as such before connecting (a corrupt --cafile used to surface as "not signed by a trusted
// CA"). One exact line, exit 1, no connection attempted (a fake broker counts them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, use1 } from './helpers/run-bin.ts';
import { startFakeBroker, acceptConnect, autoAck, type FakeBroker } from './helpers/fake-broker.ts';
import { makeCerts, type Certs } from './helpers/certs.ts';

let fb: FakeBroker;
let c: Certs;
const dir = mkdtempSync(join(tmpdir(), 'path-err-'));
const file = join(dir, 'file');
const under = join(file, 'x'); // a path through a regular file: ENOTDIR
const pem = (name: string) => join(dir, name);

/** the PEM with its body cut short: base64 and DER lengths no longer agree */
const truncated = (text: string): string => {
  const lines = text.trimEnd().split('\n');
  return [...lines.slice(0, 3), lines.at(-1)!].join('\n') + '\n';
};

before(async () => {
  fb = await startFakeBroker((conn) => { acceptConnect(conn); autoAck(conn); });
  c = await makeCerts();
  writeFileSync(file, 'x\n');
  const ca = readFileSync(c.ca, 'utf8');
  writeFileSync(pem('ca-truncated.pem'), truncated(ca));
  writeFileSync(pem('ca-garbage.pem'), '-----BEGIN CERTIFICATE-----\nthis is not base64!\n-----END CERTIFICATE-----\n');
  writeFileSync(pem('bundle.pem'), ca + truncated(readFileSync(c.otherCa, 'utf8')));
  writeFileSync(pem('cert-truncated.pem'), truncated(readFileSync(c.clientCert, 'utf8')));
  writeFileSync(pem('key-truncated.pem'), truncated(readFileSync(c.clientKey, 'utf8')));
});
after(async () => { await fb.stop(); });

const tls = (): string[] => ['--cafile', c.ca, '--cert', c.clientCert, '--key', c.clientKey];
/** a topic and a message, unless the case gives its own (-f) */
const msg = (args: string[]): string[] => ['-t', 'a', ...(args.includes('-f') ? [] : ['-m', 'x'])];

// [name, tspub arguments (built once the certificates exist), the stderr line]
const cases: Array<[string, () => string[], () => string]> = [
  ['--cafile a directory', () => ['--cafile', dir], () => `Error: cannot read --cafile '${dir}': is a directory`],
  ['--cafile through a file', () => ['--cafile', under], () => `Error: cannot read --cafile '${under}': a component of the path is not a directory`],
  ['--capath a file', () => ['--capath', file], () => `Error: cannot read --capath directory '${file}': is not a directory`],
  ['--capath through a file', () => ['--capath', under], () => `Error: cannot read --capath directory '${under}': a component of the path is not a directory`],
  ['--cert a directory', () => ['--cafile', c.ca, '--cert', dir, '--key', c.clientKey], () => `Error: cannot read --cert '${dir}': is a directory`],
  ['--key through a file', () => ['--cafile', c.ca, '--cert', c.clientCert, '--key', under], () => `Error: cannot read --key '${under}': a component of the path is not a directory`],
  ['--password-file through a file', () => ['-u', 'u', '--password-file', under], () => use1('tspub', `Error: Unable to read --password-file file "${under}": a component of the path is not a directory.`)],
  ['--key-passphrase-file through a file', () => [...tls(), '--key-passphrase-file', under], () => use1('tspub', `Error: Unable to read --key-passphrase-file file "${under}": a component of the path is not a directory.`)],
  ['--key-passphrase-file a directory', () => [...tls(), '--key-passphrase-file', dir], () => use1('tspub', `Error: Unable to read --key-passphrase-file file "${dir}": is a directory.`)],
  ['-f through a file', () => ['-f', under], () => `Error: -f: cannot read '${under}': a component of the path is not a directory.`],
  ['--unix a directory', () => ['--unix', dir], () => `Error: --unix: '${dir}' is not a Unix socket (it is a directory)`],
  ['--unix a regular file', () => ['--unix', file], () => `Error: --unix: '${file}' is not a Unix socket (it is a regular file)`],
  ['--unix through a file', () => ['--unix', under], () => `Error: cannot open the Unix socket ${under}: a component of the path is not a directory`],
  ['--cafile truncated', () => ['--cafile', pem('ca-truncated.pem')], () => `Error: TLS: --cafile '${pem('ca-truncated.pem')}' holds no valid PEM certificate`],
  ['--cafile not base64', () => ['--cafile', pem('ca-garbage.pem')], () => `Error: TLS: --cafile '${pem('ca-garbage.pem')}' holds no valid PEM certificate`],
  ['--cafile no certificate at all', () => ['--cafile', file], () => `Error: TLS: --cafile '${file}' holds no valid PEM certificate`],
  ['--cafile bundle with one bad', () => ['--cafile', pem('bundle.pem')], () => `Error: TLS: --cafile '${pem('bundle.pem')}': certificate 2 of 2 is corrupt (not a valid PEM certificate)`],
  ['--cert truncated', () => ['--cafile', c.ca, '--cert', pem('cert-truncated.pem'), '--key', c.clientKey], () => `Error: TLS: --cert '${pem('cert-truncated.pem')}' holds no valid PEM certificate`],
  ['--key truncated', () => ['--cafile', c.ca, '--cert', c.clientCert, '--key', pem('key-truncated.pem')], () => `Error: TLS: --key '${pem('key-truncated.pem')}' holds no valid PEM private key`],
  ['--key of another certificate', () => ['--cafile', c.ca, '--cert', c.clientCert, '--key', c.serverKey], () => 'Error: TLS: the --key file is not the private key of the --cert certificate (ERR_OSSL_X509_KEY_VALUES_MISMATCH)'],
];

for (const [name, args, line] of cases) {
  test(`tspub ${name}`, async () => {
    const before = fb.connections.length;
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), ...msg(args()), ...args()]);
    // argument errors end with the Use line (use1), the others are one line
    const want = line();
    assert.deepEqual([r.code, r.stderr, r.out], [1, want.endsWith('\n') ? want : `${want}\n`, '']);
    assert.doesNotMatch(r.stderr, /\bE[A-Z]{3,}\b/, 'no errno name');
    assert.equal(fb.connections.length, before, 'no connection may be attempted');
  });
}

test('tssub and tsclear say the same for a path through a file and a corrupt --cafile', async () => {
  for (const tool of ['tssub', 'tsclear']) {
    const base = ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'a/#'];
    const a = await runBin(tool, [...base, '--cafile', under]);
    assert.deepEqual([a.code, a.stderr], [1, `Error: cannot read --cafile '${under}': a component of the path is not a directory\n`], tool);
    const b = await runBin(tool, [...base, '--cafile', pem('ca-truncated.pem')]);
    assert.deepEqual([b.code, b.stderr], [1, `Error: TLS: --cafile '${pem('ca-truncated.pem')}' holds no valid PEM certificate\n`], tool);
  }
});
