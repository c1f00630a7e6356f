// TLS options → node:tls connect options. Node has no OpenSSL capath, so --capath loads every PEM
// certificate in the directory itself: hashed by `openssl rehash` or not (mosquitto#396, #2260).
// Every file is checked here, before any socket: Node takes a corrupt CA certificate without a word
// (the handshake then says "not signed by a trusted CA"), and OpenSSL 3 reports ~1 in 300 wrong
// key passphrases as "unsupported" instead of "bad decrypt".
import { createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import type { TlsOptions } from './types.ts';
import { TransportError } from './errors.ts';
import { fsErrorText } from './fs-error-text.ts';
import { isEncryptedPem, wellFormedPemCertificate as validCert, wellFormedPemKey } from './pem-check.ts';
import { KEY_PASSPHRASE_MESSAGE } from './transport-errors.ts';
import { checkKeylogFile } from './transport-keylog.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function readOption(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TransportError(`cannot read ${what} '${path}': ${fsErrorText(err)}`, code, { cause: err, retryable: false });
  }
}

/** --cafile: every certificate in it must parse (OpenSSL's load_verify_locations fails on any bad one) */
function loadCafile(path: string): string[] {
  const certs = certsIn(readOption(path, '--cafile').toString('latin1'));
  const bad = certs.findIndex((c) => !validCert(c));
  if (certs.length === 0 || (bad >= 0 && certs.length === 1)) throw new TransportError(`TLS: --cafile '${path}' holds no valid PEM certificate`, undefined, { retryable: false });
  if (bad >= 0) throw new TransportError(`TLS: --cafile '${path}': certificate ${bad + 1} of ${certs.length} is corrupt (not a valid PEM certificate)`, undefined, { retryable: false });
  return certs;
}

/** a certificate file (option: the option that named it, for the errors; tsdump's --listen-cert too) */
export function loadCert(path: string, option = '--cert'): Buffer {
  const pem = readOption(path, option);
  const first = certsIn(pem.toString('latin1'))[0];
  if (first === undefined || !validCert(first)) throw new TransportError(`TLS: ${option} '${path}' holds no valid PEM certificate`, undefined, { retryable: false });
  return pem;
}

/** The --key, decrypted here when encrypted: any failure to decrypt is the passphrase's. */
export function loadKey(path: string, passphrase: string | undefined, option = '--key'): Buffer | string {
  const pem = readOption(path, option);
  if (isEncryptedPem(pem.toString('latin1'))) {
    try {
      return createPrivateKey({ key: pem, passphrase: passphrase ?? '' }).export({ type: 'pkcs8', format: 'pem' }) as string;
    } catch (err) {
      throw new TransportError(KEY_PASSPHRASE_MESSAGE, (err as NodeJS.ErrnoException).code, { cause: err, retryable: false });
    }
  }
  // a structural check: a full parse here would cost ~1 ms more of every start, and TLS parses it anyway
  if (!wellFormedPemKey(pem.toString('latin1'))) throw new TransportError(`TLS: ${option} '${path}' holds no valid PEM private key`, undefined, { retryable: false });
  return pem;
}

function certsIn(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

/** OpenSSL's `<subject hash>.<n>` names (`.r<n>` are CRLs) */
const HASH_NAME = /^[0-9a-f]{8}\.\d+$/;

/**
 * Every distinct PEM certificate in a directory. A hashed directory is read through its hash
 * entries, as OpenSSL reads it, and a file they link to is not read a second time (in
 * /etc/ssl/certs: 145 files instead of 290, ~9 ms instead of ~12-18 ms). Every other PEM file is
 * read too, so a certificate dropped in without `openssl rehash`, or a plain directory, works.
 */
export function loadCapath(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TransportError(`cannot read --capath directory '${dir}': ${fsErrorText(err, 'directory', dir)}`, code, { cause: err, retryable: false });
  }
  const seen = new Set<string>();
  const readCerts = (p: string): void => {
    try {
      for (const c of certsIn(readFileSync(p, 'latin1'))) seen.add(c);
    } catch {
      // unreadable entries are skipped, as OpenSSL's capath lookup would
    }
  };
  const linkedTo = new Set<string>();
  for (const name of names) {
    if (!HASH_NAME.test(name)) continue;
    const p = join(dir, name);
    try {
      linkedTo.add(resolve(dir, readlinkSync(p)));
    } catch {
      // a copy (c_rehash -copy), not a link
    }
    readCerts(p);
  }
  for (const name of names) {
    const p = join(dir, name);
    if (HASH_NAME.test(name) || linkedTo.has(p)) continue;
    try {
      if (!statSync(p).isFile()) continue; // subdirectories; never block on a FIFO
    } catch {
      continue;
    }
    readCerts(p);
  }
  if (seen.size === 0) throw new TransportError(`--capath directory '${dir}' holds no PEM certificate`, undefined, { retryable: false });
  return [...seen];
}

const TLS_VERSIONS: Record<string, ConnectionOptions['minVersion']> = {
  'tlsv1.3': 'TLSv1.3', 'tlsv1.2': 'TLSv1.2', 'tlsv1.1': 'TLSv1.1', 'tlsv1': 'TLSv1',
};

export function tlsConnectOptions(t: TlsOptions, host: string): ConnectionOptions {
  const o: ConnectionOptions = {};
  const ca: string[] = [];
  if (t.cafile) ca.push(...loadCafile(t.cafile));
  if (t.capath) ca.push(...loadCapath(t.capath));
  if (ca.length > 0) o.ca = t.useOsCerts ? [...rootCertificates, ...ca] : ca;
  if (t.cert) o.cert = loadCert(t.cert);
  if (t.key) o.key = loadKey(t.key, t.passphrase);
  if (t.insecure) o.checkServerIdentity = () => undefined;
  if (t.tlsVersion) {
    const v = TLS_VERSIONS[t.tlsVersion.toLowerCase()];
    if (!v) throw new TransportError(`unknown --tls-version '${t.tlsVersion}' (use tlsv1.3, tlsv1.2 or tlsv1.1)`, undefined, { retryable: false });
    // mosquitto's --tls-version pins one version
    o.minVersion = v;
    o.maxVersion = v;
  }
  if (t.ciphers) o.ciphers = t.ciphers;
  if (t.psk) {
    const { key, identity } = t.psk;
    o.pskCallback = () => ({ psk: key, identity });
    // OpenSSL offers no PSK suite for TLS 1.2 unless asked; TLS 1.3 uses its own suites with the key
    o.ciphers = t.ciphers ?? 'PSK';
    // no certificate to check a name against [RFC 4279]
    o.checkServerIdentity = () => undefined;
  }
  if (t.alpn && t.alpn.length > 0) o.ALPNProtocols = t.alpn;
  // the sockets log their keys themselves (transport-keylog.ts); an unwritable file fails here
  if (t.keylog !== undefined) checkKeylogFile(t.keylog);
  const servername = t.servername ?? host;
  // SNI must not be an IP address (RFC 6066)
  if (!/^[\d.]+$/.test(servername) && !servername.includes(':')) o.servername = servername;
  return o;
}
