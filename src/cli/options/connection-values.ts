// Value parsers of single connection, TLS and will options. Each check of one option's value runs
// here, in the option's parser, so a bad value in an options file is reported with its file and line.
// Checks that combine options (--psk with --cafile, --proxy with --unix, ...) stay in session-options.ts.
import { argError, UsageError } from '../runtime/errors.ts';

// --proxy's URL: its own file (mosquitto's grammar and %-decoding)
export { proxyUrl } from './proxy-url.ts';

/** --psk: the pre-shared key in hex, as its bytes */
export function pskKey(raw: string, name: string): Buffer {
  if (!/^(?:[0-9a-f]{2})+$/i.test(raw)) throw argError(`${name} argument must be a key in hexadecimal, pairs of 0-9 a-f (e.g. --psk 1a2b3c4d).`);
  return Buffer.from(raw, 'hex');
}

/** --keyform: pem only (Node's TLS reads PEM keys; an engine key needs OpenSSL engines) */
export function keyForm(raw: string, name: string): 'pem' {
  // mosquitto's text (found when it sets up TLS: no Use line) for a keyform it does not know
  if (raw.toLowerCase() === 'engine') throw argError(`${name} engine is not supported by this tool (Node's TLS has no OpenSSL engine support); use a PEM key.`);
  if (raw.toLowerCase() !== 'pem') throw new UsageError("Problem setting key form, it must be one of 'pem' or 'engine'.", { tail: 'none' });
  return 'pem';
}

/** --tls-version, lower-cased: mosquitto's names (tlsv1 is accepted, as mosquitto does, though not offered) */
export function tlsVersion(raw: string, name: string): string {
  const v = raw.toLowerCase();
  // mosquitto finds it when setting up TLS: no Use line
  if (!['tlsv1.3', 'tlsv1.2', 'tlsv1.1', 'tlsv1'].includes(v)) throw new UsageError('Problem setting TLS options, check the options are valid.', { tail: 'none' });
  return v;
}

/** --tls-engine, --tls-engine-kpass-sha1: refused whatever the value */
export function engineUnsupported(_raw: string, name: string): never {
  throw argError(`${name} is not supported by this tool (Node's TLS has no OpenSSL engine support); use --cafile/--cert/--key.`);
}

/** MQTT strings and binary fields carry a 2-byte length [MQTT-1.5.3]: refuse what cannot be sent, naming the option */
export function fitsField(value: string | undefined, option: string, what: string): void {
  if (value !== undefined && Buffer.byteLength(value) > 65535) throw argError(`${option} argument: ${what} is longer than 65535 bytes.`);
}

/** --will-payload: at most 65535 bytes */
export function willPayload(raw: string, name: string): string {
  fitsField(raw, name, 'the Last Will payload');
  return raw;
}
