// The options every binary shares (connection, auth, TLS, will, protocol, reconnect, output policy),
// defined once. Each binary adds its own table (see cli/pub/options.ts) and builds -t and -L
// (topic-options.ts) and -D (below), because their topic rules and allowed -D commands differ.
// The table is declared `as const`: the parsed values' type (CommonStore) derives from it.
import { argError, UsageError } from '../runtime/errors.ts';
import { decimal, intIn, qos, shownNumber, seconds, SECONDS_RANGE, type ExclusiveRule, type OptionSpec, type StoreOf } from './option-spec.ts';
import { takeProperty, type PropCommand, type PropertyArg } from './properties.ts';
import { engineUnsupported, keyForm, proxyUrl, pskKey, tlsVersion, willPayload } from './connection-values.ts';
import { willTopic } from './topic-options.ts';
import type { UrlScheme } from './url.ts';

const protocolVersion = (raw: string, name: string): 3 | 4 | 5 => {
  switch (raw) {
    case 'mqttv31': case '31': return 3;
    case 'mqttv311': case '311': return 4;
    case 'mqttv5': case '5': return 5;
    default: throw argError('Invalid protocol version argument given.');
  }
};

/** -x as mosquitto reads it (strtol, base 0: 10, 0x1f, 017): 0-4294967295 seconds; -1, 4294967295 and ∞ mean "never expires". */
const sessionExpiry = (raw: string): number => {
  if (raw === '∞') return 0xffffffff;
  const m = /^\s*([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.exec(raw);
  if (!m) throw argError('session-expiry-interval not a number.');
  const digits = m[2]!;
  const n = (m[1] === '-' ? -1 : 1) * (/^0x/i.test(digits) ? parseInt(digits.slice(2), 16) : digits.startsWith('0') ? parseInt(digits, 8) || 0 : Number(digits));
  if (n > 0xffffffff || n < -1) throw argError('session-expiry-interval out of range.');
  return n === -1 ? 0xffffffff : n;
};

/** -p: mosquitto's "Invalid port given: N"; 0 (which mosquitto passes on to fail at connect) and words are refused too */
const port = (raw: string): number => {
  const n = decimal(raw);
  if (n === undefined || n < 1 || n > 65535) throw new UsageError(`Invalid port given: ${shownNumber(raw, (v) => v < 0 || v > 65535)}`);
  return n;
};

/** -M: at least 1 (mosquitto's words), at most what the receive maximum can say */
const maxInflight = (raw: string): number => {
  const n = decimal(raw);
  if (n === undefined || n < 1) throw argError('Maximum inflight messages must be greater than 0.');
  if (n > 65535) throw argError('Maximum inflight messages must be at most 65535.');
  return n;
};

/** --will-qos: mosquitto's "Invalid will QoS 3." */
const willQos = (raw: string): 0 | 1 | 2 => {
  if (raw === '0' || raw === '1' || raw === '2') return Number(raw) as 0 | 1 | 2;
  throw argError(`Invalid will QoS ${shownNumber(raw, (n) => n < 0 || n > 2)}.`);
};

/** an empty value is no value (mosquitto would pass it on and fail later, or not at all) */
const nonEmpty = (missing: string) => (raw: string): string => {
  if (raw === '') throw argError(missing);
  return raw;
};

export const COMMON_OPTIONS = [
  // connection
  { key: 'host', names: ['-h', '--host'], kind: 'value', arg: 'host', group: 'connection', help: 'broker host (default localhost)', parse: nonEmpty('-h argument given but no host specified.') },
  { key: 'port', names: ['-p', '--port'], kind: 'value', arg: 'port', group: 'connection', help: 'broker port (default 1883; 8883 with TLS)', parse: port },
  { key: 'unix', names: ['--unix'], kind: 'value', arg: 'path', missing: '--unix argument given but no socket path specified.', group: 'connection', help: 'connect through a Unix domain socket, e.g. /tmp/mosquitto.sock', parse: nonEmpty('--unix argument given but no socket path specified.') },
  { key: 'bindAddress', names: ['-A'], kind: 'value', arg: 'address', group: 'connection', help: 'bind the outgoing socket to this local address' },
  { key: 'srv', names: ['-S'], kind: 'flag', group: 'connection', help: 'look the broker up with DNS SRV (_mqtt._tcp.<host>; _secure-mqtt._tcp with TLS)' },
  { key: 'nodelay', names: ['--nodelay'], kind: 'flag', group: 'connection', help: "disable Nagle's algorithm (TCP_NODELAY)" },
  { key: 'proxy', names: ['--proxy'], kind: 'value', arg: 'socks-url', missing: '--proxy argument given but no proxy url specified.', group: 'connection', help: 'SOCKS5 proxy: socks5h://[user[:password]@]host[:port] (port 1080; %25 %3A %40 in user/password = % : @)', parse: proxyUrl },
  { key: 'ws', names: ['--ws'], kind: 'flag', group: 'connection', help: 'MQTT over WebSockets to -h/-p (wss with TLS; default port 1883, 8883 with TLS)' },
  { key: 'wsPath', names: ['--ws-path'], kind: 'value', arg: 'path', group: 'connection', help: 'WebSocket endpoint path for --ws and ws:// / wss:// URLs (default /mqtt)' },
  { key: 'connectTimeout', names: ['--connect-timeout'], kind: 'value', arg: 'seconds', group: 'connection', help: `give up connecting after this long, ${SECONDS_RANGE} seconds (default 30)`, parse: seconds },
  // identity and session
  { key: 'clientId', names: ['-i', '--id'], kind: 'value', arg: 'id', group: 'protocol', exclusive: 'id', help: 'client id (default: empty, the broker assigns one; MQTT 3.1: random)' },
  { key: 'idPrefix', names: ['-I', '--id-prefix'], kind: 'value', arg: 'prefix', missing: '-I argument given but no id prefix specified.', group: 'protocol', exclusive: 'id', help: 'client id = prefix + process id' },
  { key: 'keepalive', names: ['-k', '--keepalive'], kind: 'value', arg: 'seconds', missing: '-k argument given but no keepalive specified.', group: 'protocol', help: 'keepalive in seconds, 5-65535 (default 60)', parse: intIn(5, 65535, 'keepalive') },
  { key: 'disableClean', names: ['-c', '--disable-clean-session'], kind: 'flag', group: 'protocol', help: 'persistent session: clean session off (needs -i)' },
  { key: 'protocolVersion', names: ['-V', '--protocol-version'], kind: 'value', arg: 'version', missing: '--protocol-version argument given but no version specified.', group: 'protocol', help: 'MQTT version: 5, 311 or 31 (default 311)', parse: protocolVersion },
  { key: 'sessionExpiry', names: ['-x'], kind: 'value', arg: 'seconds', missing: '-x argument given but no session expiry interval specified.', group: 'protocol', help: 'MQTT 5 session expiry interval; -1 or ∞ = never (default 0, or never with -c)', parse: sessionExpiry },
  { key: 'maxInflight', names: ['-M'], kind: 'value', arg: 'count', missing: '-M argument given but max_inflight not specified.', group: 'protocol', help: 'max QoS 1/2 messages in flight (default 20; capped by the broker)', parse: maxInflight },
  { key: 'qos', names: ['-q', '--qos'], kind: 'value', arg: 'qos', missing: '-q argument given but no QoS specified.', group: 'protocol', help: 'quality of service: 0, 1 or 2 (default 0)', parse: qos },
  // auth
  { key: 'username', names: ['-u', '--username'], kind: 'value', arg: 'username', group: 'auth', help: 'username' },
  { key: 'password', names: ['-P', '--pw'], kind: 'value', arg: 'password', group: 'auth', optionalValue: true, help: 'password; without a value on a terminal: prompt for it' },
  { key: 'passwordFile', names: ['--password-file'], kind: 'value', arg: 'file', group: 'auth', help: 'read the password from the first line of this file' },
  // will
  { key: 'willTopic', names: ['--will-topic'], kind: 'value', arg: 'topic', missing: '--will-topic argument given but no will topic specified.', group: 'will', help: 'topic of the Last Will', parse: willTopic },
  { key: 'willPayload', names: ['--will-payload'], kind: 'value', arg: 'payload', missing: '--will-payload argument given but no will payload specified.', group: 'will', help: 'payload of the Last Will (default empty)', parse: willPayload },
  { key: 'willQos', names: ['--will-qos'], kind: 'value', arg: 'qos', missing: '--will-qos argument given but no will QoS specified.', group: 'will', help: 'QoS of the Last Will', parse: willQos },
  { key: 'willRetain', names: ['--will-retain'], kind: 'flag', group: 'will', help: 'retain the Last Will' },
  // TLS
  { key: 'cafile', names: ['--cafile'], kind: 'value', arg: 'file', group: 'tls', help: 'trusted CA certificates (PEM); enables TLS' },
  { key: 'capath', names: ['--capath'], kind: 'value', arg: 'dir', missing: '--capath argument given but no directory specified.', group: 'tls', help: 'directory of trusted CA certificates (PEM; rehash not needed); enables TLS' },
  { key: 'cert', names: ['--cert'], kind: 'value', arg: 'file', group: 'tls', help: 'client certificate (PEM)' },
  { key: 'key', names: ['--key'], kind: 'value', arg: 'file', group: 'tls', help: 'client private key (PEM); encrypted: prompts "Enter PEM pass phrase:" on a terminal' },
  { key: 'keyPassphraseFile', names: ['--key-passphrase-file'], kind: 'value', arg: 'file', group: 'tls', help: 'read the passphrase of an encrypted --key from the first line of this file' },
  { key: 'keyform', names: ['--keyform'], kind: 'value', arg: 'pem|engine', missing: '--keyform argument given but no keyform specified.', group: 'tls', help: 'key format: pem (engine is not supported)', parse: keyForm },
  { key: 'ciphers', names: ['--ciphers'], kind: 'value', arg: 'ciphers', group: 'tls', help: 'OpenSSL cipher list' },
  { key: 'tlsVersion', names: ['--tls-version'], kind: 'value', arg: 'version', group: 'tls', help: 'tlsv1.3, tlsv1.2 or tlsv1.1', parse: tlsVersion },
  { key: 'tlsAlpn', names: ['--tls-alpn'], kind: 'value', arg: 'protocol', group: 'tls', help: 'TLS ALPN protocol' },
  { key: 'insecure', names: ['--insecure'], kind: 'flag', group: 'tls', help: "do not check the certificate's host name (unsafe)" },
  { key: 'noTls', names: ['--no-tls'], kind: 'flag', group: 'tls', help: 'no TLS, even if --cafile, --capath, --psk, --tls-use-os-certs, mqtts:// or an options file ask for it' },
  { key: 'tlsKeylog', names: ['--tls-keylog'], kind: 'value', arg: 'file', group: 'tls', help: 'append the TLS session keys to this file (NSS key log format, e.g. for Wireshark; created 0600)' },
  { key: 'tlsUseOsCerts', names: ['--tls-use-os-certs'], kind: 'flag', group: 'tls', help: "trust the operating system's CA certificates; enables TLS" },
  { key: 'tlsEngine', names: ['--tls-engine'], kind: 'value', arg: 'engine', missing: '--tls-engine argument given but no engine_id specified.', group: 'tls', help: 'OpenSSL engine (not supported)', parse: engineUnsupported },
  { key: 'tlsEngineKpass', names: ['--tls-engine-kpass-sha1'], kind: 'value', arg: 'sha1', missing: '--tls-engine-kpass-sha1 argument given but no kpass sha1 specified.', group: 'tls', help: 'engine key password SHA1 (not supported)', parse: engineUnsupported },
  { key: 'psk', names: ['--psk'], kind: 'value', arg: 'hex-key', missing: '--psk argument given but no key specified.', group: 'tls', help: 'TLS with a pre-shared key instead of certificates: the key in hex; enables TLS (default port 8883)', parse: pskKey },
  { key: 'pskIdentity', names: ['--psk-identity'], kind: 'value', arg: 'identity', group: 'tls', help: 'identity of the pre-shared key (needed with --psk)' },
  // reconnect (ours)
  { key: 'noReconnect', names: ['--no-reconnect'], kind: 'flag', group: 'reconnect', help: 'fail at once when the connection is lost (default: reconnect with backoff)' },
  { key: 'retryConnect', names: ['--retry-connect'], kind: 'flag', group: 'reconnect', help: 'also retry when the first connection fails' },
  { key: 'maxRetries', names: ['--max-retries'], kind: 'value', arg: 'count', group: 'reconnect', help: 'attempts per outage (default: no limit)', parse: intIn(0, 1_000_000, '--max-retries value') },
  { key: 'reconnectDelay', names: ['--reconnect-delay'], kind: 'value', arg: 'seconds', group: 'reconnect', help: `first backoff delay, ${SECONDS_RANGE} seconds (default 0.25)`, parse: seconds },
  { key: 'reconnectMaxDelay', names: ['--reconnect-max-delay'], kind: 'value', arg: 'seconds', group: 'reconnect', help: `longest backoff delay, ${SECONDS_RANGE} seconds (default 10)`, parse: seconds },
  // output policy
  { key: 'debug', names: ['-d', '--debug'], kind: 'flag', group: 'output', help: 'print a line per packet sent/received (and stack traces)' },
  { key: 'quiet', names: ['--quiet'], kind: 'flag', group: 'output', help: "don't print runtime error messages" },
  { key: 'noColor', names: ['--no-color'], kind: 'flag', group: 'output', help: 'no colour (also NO_COLOR=1)' },
  { key: 'help', names: ['--help'], kind: 'flag', group: 'misc', help: 'show this help' },
  { key: 'version', names: ['--version'], kind: 'flag', group: 'misc', help: 'show the version' },
  // mosquitto 2.1's -o: read before everything else (options-file.ts), in place of the default options file
  { key: 'optionsFile', names: ['-o'], kind: 'value', arg: 'file', missing: '-o argument given but no options file specified.', group: 'misc', help: 'read default options from this file instead of ~/.config/<tool>' },
  // ours: read before the command line (profiles.ts), after the options file
  { key: 'profile', names: ['--profile'], kind: 'value', arg: 'name', group: 'misc', help: 'take options from the [name] section of $XDG_CONFIG_HOME/tsmqtt/profiles (also TSMQTT_PROFILE); the command line wins' },
  { key: 'completion', names: ['--completion'], kind: 'value', arg: 'bash|zsh|fish', group: 'misc', help: 'print the shell completion script (as in completions/) and exit' },
] as const satisfies readonly OptionSpec[];

/**
 * What the shared setup reads (answerCommonFlags, resolvePassword, buildSession, applySrv): the
 * shared options, the connection part -L writes, -D's properties, and the key passphrase that
 * resolvePassword settles. Every tool's store (PubStore, SubStore, ClearStore) is one of these.
 */
export type CommonStore = StoreOf<typeof COMMON_OPTIONS> & {
  urlScheme?: UrlScheme;
  properties?: PropertyArg[];
  keyPassphrase?: string;
};

/** -i and -I together: the same refusal in every tool */
export const ID_RULE: ExclusiveRule = { set: 'id', message: () => '-i and -I argument cannot be used together.' };

/** the synopsis line of the TLS options, the same in every tool */
export const TLS_SYNOPSIS = '[{--cafile file | --capath dir | --tls-use-os-certs} [--cert file --key file] [--insecure] ...]';

/** the synopsis line of the Last Will options (tspub and tssub) */
export const WILL_SYNOPSIS = '[--will-topic topic [--will-payload payload] [--will-qos qos] [--will-retain]]';

/** -D / --property for the commands this binary sends. */
export function propertyOption(allowed: readonly PropCommand[]):
  OptionSpec<'properties', PropertyArg> & { take(words: readonly string[], i: number, name: string): [PropertyArg, number]; repeat: true; commands: readonly PropCommand[] } {
  return {
    key: 'properties', names: ['-D', '--property'], kind: 'property', arg: 'command name value', group: 'protocol', repeat: true,
    // the completions offer these, then each one's property names
    commands: allowed,
    help: `MQTT 5 property (forces -V 5): -D ${allowed.join('|')} <name> <value>; -D <cmd> user-property <key> <value>`,
    take: takeProperty(allowed),
  };
}

// -t and -L live with the topic parsers; a tool's table takes all its shared builders from here
export { filterOption, topicOption, urlOption } from './topic-options.ts';
