// Test certificates, generated with `openssl` at test time into a temp dir (never committed).
//
//   const certs = await makeCerts();   // memoised: one set per test process
//
// Every cert/key is a PEM file path (EC P-256 keys: fast to generate):
//   ca / caKey                 the test CA (CN=tsmqtt test CA)
//   serverCert / serverKey     CN=localhost, SAN DNS:localhost, IP:127.0.0.1, signed by ca
//   wrongHostCert / Key        signed by ca, SAN DNS:broker.example, DNS:other.example only
//   expiredCert / Key          signed by ca, for localhost/127.0.0.1, valid 2020-01-01..2020-01-02
//   clientCert / clientKey     CN=tsmqtt-client, clientAuth, signed by ca
//   clientKeyEncrypted         the same client key as PKCS#8 AES-256-CBC, passphrase clientKeyPassphrase
//   otherCa                    a self-signed CA that signed nothing ("unknown CA" tests)
//   capathHashed               dir with ca.pem + `openssl rehash` symlinks (<hash>.0)
//   capathPlain                dir with ca.pem and other-ca.pem, NOT hashed
// The temp dir is removed when the process exits.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certs {
  dir: string; ca: string; caKey: string;
  serverCert: string; serverKey: string;
  wrongHostCert: string; wrongHostKey: string;
  expiredCert: string; expiredKey: string;
  clientCert: string; clientKey: string;
  clientKeyEncrypted: string; clientKeyPassphrase: string;
  otherCa: string;
  capathHashed: string;
  capathPlain: string;
}

let memo: Promise<Certs> | undefined;

export function makeCerts(): Promise<Certs> {
  memo ??= generate().catch((e: unknown) => { memo = undefined; throw e; });
  return memo;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

const genKey = (out: string, cwd: string) =>
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out], cwd);

async function selfSignedCa(name: string, cn: string, cwd: string): Promise<void> {
  await genKey(`${name}.key`, cwd);
  await openssl(['req', '-new', '-x509', '-key', `${name}.key`, '-out', `${name}.pem`, '-days', '3650',
    '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], cwd);
}

function extFile(cwd: string, name: string, lines: string[]): string {
  const file = `${name}.ext`;
  writeFileSync(join(cwd, file), lines.join('\n') + '\n');
  return file;
}

const serverExt = (san: string) => [
  'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth', `subjectAltName=${san}`,
];

/** key + CSR + cert signed by the test CA, valid for 10 years from now. */
async function signed(name: string, cn: string, ext: string[], serial: number, cwd: string): Promise<void> {
  await genKey(`${name}.key`, cwd);
  await openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], cwd);
  await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-set_serial', String(serial), '-days', '3650', '-out', `${name}.pem`,
    '-extfile', extFile(cwd, name, ext)], cwd);
}

/** OpenSSL 3.0's `x509` has no -not_before/-not_after; `openssl ca` takes explicit dates. */
async function expired(cwd: string): Promise<void> {
  await genKey('expired.key', cwd);
  await openssl(['req', '-new', '-key', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=localhost'], cwd);
  mkdirSync(join(cwd, 'ca-db'));
  writeFileSync(join(cwd, 'ca-db', 'index.txt'), '');
  writeFileSync(join(cwd, 'ca-db', 'serial'), '1000\n');
  writeFileSync(join(cwd, 'ca.cnf'), [
    '[ ca ]', 'default_ca = testca', '[ testca ]',
    'dir = ./ca-db', 'database = $dir/index.txt', 'new_certs_dir = $dir', 'serial = $dir/serial',
    'certificate = ./ca.pem', 'private_key = ./ca.key', 'default_md = sha256',
    'policy = any', 'unique_subject = no', 'copy_extensions = none',
    '[ any ]', 'commonName = supplied',
    '[ ext ]', ...serverExt('DNS:localhost,IP:127.0.0.1'),
  ].join('\n') + '\n');
  await openssl(['ca', '-batch', '-notext', '-config', 'ca.cnf', '-extensions', 'ext',
    '-startdate', '20200101000000Z', '-enddate', '20200102000000Z',
    '-in', 'expired.csr', '-out', 'expired.pem'], cwd);
}

async function generate(): Promise<Certs> {
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-certs-'));
  process.on('exit', () => { try { rmSync(dir, { recursive: true, force: true }); } catch { /* gone */ } });
  const p = (f: string) => join(dir, f);
  const passphrase = 'tsmqtt-test-passphrase';

  await selfSignedCa('ca', 'tsmqtt test CA', dir);
  await Promise.all([
    selfSignedCa('other-ca', 'tsmqtt other CA', dir),
    signed('server', 'localhost', serverExt('DNS:localhost,IP:127.0.0.1'), 2, dir),
    signed('wronghost', 'broker.example', serverExt('DNS:broker.example,DNS:other.example'), 3, dir),
    signed('client', 'tsmqtt-client', [
      'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=clientAuth',
    ], 4, dir),
    expired(dir),
  ]);
  await openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-out', 'client-encrypted.key',
    '-passout', `pass:${passphrase}`], dir);

  const capathHashed = p('capath-hashed');
  const capathPlain = p('capath-plain');
  mkdirSync(capathHashed);
  mkdirSync(capathPlain);
  copyFileSync(p('ca.pem'), join(capathHashed, 'ca.pem'));
  copyFileSync(p('ca.pem'), join(capathPlain, 'ca.pem'));
  copyFileSync(p('other-ca.pem'), join(capathPlain, 'other-ca.pem'));
  await openssl(['rehash', capathHashed], dir);

  return {
    dir, ca: p('ca.pem'), caKey: p('ca.key'),
    serverCert: p('server.pem'), serverKey: p('server.key'),
    wrongHostCert: p('wronghost.pem'), wrongHostKey: p('wronghost.key'),
    expiredCert: p('expired.pem'), expiredKey: p('expired.key'),
    clientCert: p('client.pem'), clientKey: p('client.key'),
    clientKeyEncrypted: p('client-encrypted.key'), clientKeyPassphrase: passphrase,
    otherCa: p('other-ca.pem'),
    capathHashed, capathPlain,
  };
}
