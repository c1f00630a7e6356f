// PEM checks made before any socket, without a TLS library (the cli asks isEncryptedPem before
// deciding to prompt for a passphrase; tls-options asks both).
//
// Is a PEM certificate well-formed? Node adds a corrupt --cafile certificate to its trust store
// without a word (the handshake then fails with "not signed by a trusted CA"). A full parse
// (X509Certificate) costs ~0.2 ms per certificate: ~30 ms for a 144-certificate bundle, doubling
// what the secure context already spends on it. Walking the DER structure instead (valid base64,
// every length consistent, every constructed value exactly filled by its children) costs a few ms
// for that bundle and finds what a damaged file usually has: bad base64, truncation, garbage.

/** PKCS#8 `ENCRYPTED PRIVATE KEY`, or a traditional key with `Proc-Type: 4,ENCRYPTED` */
export function isEncryptedPem(pem: string): boolean {
  return pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /^Proc-Type: *4, *ENCRYPTED/m.test(pem);
}

const BEGIN = '-----BEGIN CERTIFICATE-----';

/** A PEM `CERTIFICATE` block whose body is one structurally valid DER SEQUENCE of three values. */
export function wellFormedPemCertificate(pem: string): boolean {
  const begin = pem.indexOf(BEGIN);
  const to = begin < 0 ? -1 : pem.indexOf('-----END CERTIFICATE-----', begin);
  if (to < 0) return false;
  const from = begin + BEGIN.length;
  const body = pem.slice(from, to).replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
  const der = Buffer.from(body, 'base64');
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } [RFC 5280 4.1]
  const outer = readHeader(der, 0, der.length);
  return outer !== undefined && der[0] === 0x30 && outer.end === der.length && walk(der, outer.start, outer.end, 1) === 3;
}

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

/** number of values exactly filling der[start, end), constructed ones checked inside; -1 when malformed */
function walk(der: Buffer, start: number, end: number, depth: number): number {
  if (depth > 32) return -1;
  let count = 0;
  for (let i = start; i < end; count++) {
    const v = readHeader(der, i, end);
    if (v === undefined) return -1;
    if (der[i]! & 0x20 && walk(der, v.start, v.end, depth + 1) < 0) return -1;
    i = v.end;
  }
  return count;
}
