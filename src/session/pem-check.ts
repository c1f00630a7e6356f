// PEM checks made before any socket, without a TLS library (the cli asks isEncryptedPem before
// deciding to prompt for a passphrase; tls-options asks both).
//
// Is a PEM certificate well-formed? Node adds a corrupt --cafile certificate to its trust store
// without a word (the handshake then fails with "not signed by a trusted CA"). A full parse
// (X509Certificate) costs ~0.2 ms per certificate: ~30 ms for the 144-certificate Debian bundle,
// doubling what the secure context already spends on it. Checking the DER lengths instead (the
// certificate, its three parts and what they hold must exactly fill each other) costs ~1 ms for that
// bundle, cold, and finds what a damaged file usually has: truncation, bad base64, another file's
// bytes. (Measured on 3000 random one-character corruptions: X509Certificate rejects ~25%, this
// ~6%, a walk of every level ~16% for 6-8 ms; the rest damage bytes no parser checks, a signature
// or a key, and fail in the handshake.)

/** PKCS#8 `ENCRYPTED PRIVATE KEY`, or a traditional key with `Proc-Type: 4,ENCRYPTED` */
export function isEncryptedPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /^Proc-Type: *4, *ENCRYPTED/m.test(pem);
}

/** A PEM `CERTIFICATE` block whose body is one structurally valid DER SEQUENCE of three values. */
export function wellFormedPemCertificate(pem: string): boolean {
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } [RFC 5280 4.1]
  return sequenceParts(pemBody(pem, /-----BEGIN CERTIFICATE-----/, '-----END CERTIFICATE-----')) === 3;
}

/** An unencrypted private key block (PKCS#8, RSA, EC, DSA) that is a structurally valid DER SEQUENCE. */
export function wellFormedPemKey(pem: string): boolean {
  // PrivateKeyInfo [RFC 5208], RSAPrivateKey [RFC 8017], ECPrivateKey [RFC 5915]: at least 3 parts
  return sequenceParts(pemBody(pem, /-----BEGIN ((?:RSA|EC|DSA) )?PRIVATE KEY-----/, (m) => `-----END ${m[1] ?? ''}PRIVATE KEY-----`)) >= 3;
}

/** the DER bytes of the first block `begin` finds (Node's decoder skips what is not base64: damage shows as lengths that disagree) */
function pemBody(pem: string, begin: RegExp, end: string | ((m: RegExpExecArray) => string)): Buffer | undefined {
  const m = begin.exec(pem);
  if (!m) return undefined;
  const from = m.index + m[0].length;
  const to = pem.indexOf(typeof end === 'string' ? end : end(m), from);
  return to < 0 ? undefined : Buffer.from(pem.slice(from, to), 'base64');
}

/** the number of values in the one SEQUENCE `der` holds, checked MAX_DEPTH levels deep; -1 when malformed */
function sequenceParts(der: Buffer | undefined): number {
  if (der === undefined || der[0] !== 0x30) return -1;
  const outer = readHeader(der, 0, der.length);
  return outer === undefined || outer.end !== der.length ? -1 : walk(der, outer.start, outer.end, MAX_DEPTH);
}

/** how deep constructed values are checked: the certificate's three parts and what they hold */
const MAX_DEPTH = 2;

/** the content range of the value whose tag is at `i`; undefined when it does not fit in [i, end) */
function readHeader(der: Buffer, i: number, end: number): { start: number; end: number } | undefined {
  if ((der[i++]! & 0x1f) === 0x1f) {
    // high tag number: base-128 digits, the last without the top bit
    while (i < end && der[i]! & 0x80) i++;
    i++;
  }
  if (i >= end) return undefined;
  let len = der[i++]!;
  if (len === 0x80) return undefined; // indefinite length is BER, not DER
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n > 4 || i + n > end) return undefined;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + der[i++]!;
  }
  return i + len > end ? undefined : { start: i, end: i + len };
}

/** number of values exactly filling der[start, end), constructed ones checked `depth - 1` levels further; -1 when malformed */
function walk(der: Buffer, start: number, end: number, depth: number): number {
  let count = 0;
  for (let i = start; i < end; count++) {
    const v = readHeader(der, i, end);
    if (v === undefined) return -1;
    if (depth > 1 && der[i]! & 0x20 && walk(der, v.start, v.end, depth - 1) < 0) return -1;
    i = v.end;
  }
  return count;
}
