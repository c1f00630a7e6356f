// Node socket/TLS/DNS errors → one TransportError whose message names the cause and the fix.
import { statSync } from 'node:fs';
import { TransportError } from './errors.ts';
import { fsErrorText } from './fs-error-text.ts';
import { maskUrl } from './mask-url.ts';

interface NodeErr extends Error {
  code?: string;
  reason?: string;
  cert?: { subjectaltname?: string; valid_from?: string; valid_to?: string; subject?: { CN?: string } };
  host?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

/** the passphrase message: also for ERR_OSSL_UNSUPPORTED, OpenSSL 3's answer to ~1 in 300 wrong passphrases */
export const KEY_PASSPHRASE_MESSAGE = 'TLS: cannot decrypt the --key file: wrong or missing passphrase';

export function describeTransportError(err: unknown, rawTarget: string, host: string, inTlsHandshake = false): TransportError {
  const e = err as NodeErr;
  const code = e.code ?? '';
  // a ws:// target built from a URL the user gave: its password never shows
  const target = maskUrl(rawTarget);
  const unix = e.syscall === 'connect' && e.port === undefined && e.address === rawTarget;
  if (unix) {
    const msg = unixSocketError(e, rawTarget);
    // a path that is no socket stays so; a socket nobody listens on yet may come up
    if (msg) return new TransportError(msg, code || undefined, { cause: err, retryable: code === 'ENOENT' });
  }
  if (inTlsHandshake && code === 'ECONNRESET') {
    return new TransportError(`TLS: ${target} closed the connection during the TLS handshake: is it a TLS listener?`, code, { cause: err, retryable: false });
  }
  const msg = (() => {
    switch (code) {
      case 'ECONNREFUSED': return `Connection refused by ${target}: is the broker running and listening there?`;
      case 'ENOTFOUND': return `cannot resolve host '${host}' (DNS lookup failed)`;
      case 'EAI_AGAIN': return `cannot resolve host '${host}' (DNS temporarily unavailable)`;
      case 'ETIMEDOUT': return `connection to ${target} timed out`;
      case 'EHOSTUNREACH': case 'ENETUNREACH': return `no route to ${target} (${code})`;
      case 'ECONNRESET': return `connection to ${target} was reset by the peer`;
      case 'EADDRNOTAVAIL': return `cannot bind the local address (-A): ${e.message}`;
      case 'EINVAL':
        if ((e as { syscall?: string }).syscall === 'bind') return `cannot bind the local address (-A) for ${target}: it is not of the broker address's family (IPv4/IPv6)`;
        return `cannot connect to ${target}: ${e.message}`;
      case 'ENOENT': return `no Unix socket at ${target}`;
      case 'EACCES': return `permission denied opening ${target}`;
      case 'ERR_TLS_CERT_ALTNAME_INVALID': {
        const names = (e.cert?.subjectaltname ?? '').split(/,\s*/).filter(Boolean).map((n) => n.replace(/^(DNS|IP Address):/, ''));
        return `TLS: certificate for '${host}' has names [${names.join(', ')}]; connect to one of them, or use --insecure to skip the host name check`;
      }
      case 'CERT_HAS_EXPIRED':
        return `TLS: the broker's certificate has expired${certDate(' on', e.cert?.valid_to)} (CERT_HAS_EXPIRED): renew it on the broker, or check this machine's clock`;
      case 'CERT_NOT_YET_VALID':
        return `TLS: the broker's certificate is not valid yet${certDate(' before', e.cert?.valid_from)} (CERT_NOT_YET_VALID): check this machine's clock`;
      case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY': case 'UNABLE_TO_GET_ISSUER_CERT':
      case 'SELF_SIGNED_CERT_IN_CHAIN': case 'DEPTH_ZERO_SELF_SIGNED_CERT':
        return `TLS: the broker's certificate is not signed by a trusted CA (${code}); give its CA with --cafile or --capath`;
      case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED': case 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE':
        return `TLS: the broker requires a client certificate (${code}); give --cert and --key`;
      case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE': case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA': case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN':
        return `TLS: the broker rejected our client certificate (${code})`;
      case 'ERR_OSSL_BAD_DECRYPT': case 'ERR_OSSL_EVP_BAD_DECRYPT':
        return KEY_PASSPHRASE_MESSAGE;
      case 'ERR_OSSL_X509_KEY_VALUES_MISMATCH':
        return `TLS: the --key file is not the private key of the --cert certificate (${code})`;
      case 'ERR_SSL_WRONG_VERSION_NUMBER':
        return `TLS: ${target} did not answer with TLS (is it a plain MQTT port?)`;
      default:
        if (/bad decrypt|interrupted or cancelled|bad password/i.test(e.message)) return KEY_PASSPHRASE_MESSAGE;
        if (code.startsWith('ERR_OSSL') || code.startsWith('ERR_SSL')) return `TLS: ${e.reason ?? e.message} (${code})`;
        return `cannot connect to ${target}: ${e.message}`;
    }
  })();
  return new TransportError(msg, code || undefined, { cause: err, retryable: !isPermanent(code) && msg !== KEY_PASSPHRASE_MESSAGE });
}

/** what waiting does not heal: TLS verification and key problems, a bind address this host lacks */
function isPermanent(code: string): boolean {
  if (code === 'EADDRNOTAVAIL' || code === 'EINVAL') return true;
  return code.startsWith('ERR_OSSL') || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.startsWith('CERT_')
    || code.startsWith('UNABLE_TO_') || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'DEPTH_ZERO_SELF_SIGNED_CERT';
}

/** --unix: the path's own problem in words; undefined: a socket nobody listens on, said as for TCP */
function unixSocketError(e: NodeErr, path: string): string | undefined {
  if (e.code === 'ENOENT') return `no Unix socket at ${path}`;
  if (e.code === 'ECONNREFUSED') {
    let kind: string | undefined;
    try {
      const st = statSync(path);
      kind = st.isSocket() ? undefined : st.isDirectory() ? 'a directory' : st.isFile() ? 'a regular file' : 'not a socket';
    } catch {
      kind = undefined;
    }
    return kind === undefined ? undefined : `--unix: '${path}' is not a Unix socket (it is ${kind === 'not a socket' ? 'some other kind of file' : kind})`;
  }
  if (e.code === 'ENOTDIR' || e.code === 'ELOOP' || e.code === 'ENAMETOOLONG') return `cannot open the Unix socket ${path}: ${fsErrorText(e)}`;
  return undefined;
}

/** " on 2020-01-02 00:00:00 UTC" from OpenSSL's "Jan  2 00:00:00 2020 GMT"; empty when unknown */
function certDate(prefix: string, openssl: string | undefined): string {
  const t = openssl ? Date.parse(openssl) : NaN;
  return Number.isNaN(t) ? '' : `${prefix} ${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

