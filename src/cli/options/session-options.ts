// Parsed options → SessionOptions + ReconnectPolicy, with mosquitto's defaults and cross-checks
// (client_config_load / client_opts_set / client_connect in 2.0.11). Everything here runs before
// any connection is attempted, so bad input never costs a network round trip.
import { UsageError } from '../runtime/errors.ts';
import type { Store } from './option-spec.ts';
import { groupProperties, type PropertyArg, type PropertySets } from './properties.ts';
import { webSocketUrl, type UrlScheme } from './url.ts';
import { maskUrl } from '../../session/mask-url.ts';
import type {
  ProxyOptions,
  ConnectProperties, ProtocolVersion, ReconnectPolicy, SessionOptions, TlsOptions, TransportOptions, WillOptions,
} from '../../session/types.ts';
import { DEFAULT_RECONNECT } from '../../session/reconnect-policy.ts';

export interface BuiltSession {
  session: SessionOptions;
  reconnect: ReconnectPolicy;
  /** -D properties by command (publish, disconnect, subscribe, ... are the binary's to use) */
  properties: PropertySets;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** MQTT 3.1 needs a client id of at most 23 bytes; mosquitto uses `mosq-` + random, we use `<tool>-` + random.
 *  Math.random, not node:crypto: an id is not a secret, and loading crypto costs ~5 ms of start-up. */
function randomId(tool: string): string {
  let s = `${tool.slice(0, 6)}-`;
  while (s.length < 23) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
}

function protocolOf(store: Store): ProtocolVersion {
  const props = store.properties as PropertyArg[] | undefined;
  const v = store.protocolVersion as ProtocolVersion | undefined;
  if (props && props.length > 0) {
    if (v !== undefined && v !== 5) throw new UsageError(`-D sets MQTT 5 properties, but -V asks for MQTT ${v === 4 ? '3.1.1' : '3.1'}; drop -V or use -V 5.`);
    return 5;
  }
  return v ?? 4;
}

function tlsOptions(store: Store, scheme: UrlScheme | undefined, port: number | undefined): TlsOptions | undefined {
  for (const [key, opt] of [['tlsEngine', '--tls-engine'], ['tlsEngineKpass', '--tls-engine-kpass-sha1']] as const) {
    if (store[key] !== undefined) throw new UsageError(`${opt} is not supported by this tool (Node's TLS has no OpenSSL engine support); use --cafile/--cert/--key.`);
  }
  const psk = pskOption(store);
  if (store.keyform !== undefined && String(store.keyform).toLowerCase() !== 'pem') {
    throw new UsageError(`--keyform: only 'pem' is supported, not '${String(store.keyform)}'.`);
  }
  if ((store.cert === undefined) !== (store.key === undefined)) {
    throw new UsageError('Both --cert and --key must be given if one of them is set.');
  }
  const useOs = usesOsCerts(store, scheme, port);
  if (!tlsOn(store, scheme, port)) return undefined;
  const t: TlsOptions = psk ? { psk } : {};
  if (store.cafile !== undefined) t.cafile = store.cafile as string;
  if (store.capath !== undefined) t.capath = store.capath as string;
  if (useOs) t.useOsCerts = true;
  if (store.cert !== undefined) t.cert = store.cert as string;
  if (store.key !== undefined) t.key = store.key as string;
  if (store.keyPassphrase !== undefined) t.passphrase = store.keyPassphrase as string;
  if (store.insecure === true) t.insecure = true;
  if (store.tlsVersion !== undefined) {
    const v = String(store.tlsVersion).toLowerCase();
    if (!['tlsv1.3', 'tlsv1.2', 'tlsv1.1', 'tlsv1'].includes(v)) throw new UsageError(`--tls-version: unknown version '${String(store.tlsVersion)}' (use tlsv1.3, tlsv1.2 or tlsv1.1).`);
    t.tlsVersion = v;
  }
  if (store.ciphers !== undefined) t.ciphers = store.ciphers as string;
  if (store.tlsAlpn !== undefined) t.alpn = [store.tlsAlpn as string];
  return t;
}

function usesOsCerts(store: Store, scheme: UrlScheme | undefined, port: number | undefined): boolean {
  return store.psk === undefined && (store.tlsUseOsCerts === true || scheme === 'mqtts' || scheme === 'wss' || (port === 8883 && !store.cafile && !store.capath));
}

function tlsOn(store: Store, scheme: UrlScheme | undefined, port: number | undefined): boolean {
  return store.cafile !== undefined || store.capath !== undefined || store.psk !== undefined || usesOsCerts(store, scheme, port);
}

/** Will this command line present a client certificate (--cert and --key over TLS)? Asked before the passphrase is. */
export function clientKeyInUse(store: Store): boolean {
  return store.key !== undefined && store.cert !== undefined && store.unix === undefined
    && tlsOn(store, store.urlScheme as UrlScheme | undefined, store.port as number | undefined);
}

/** --psk hex-key --psk-identity id: TLS with a pre-shared key instead of certificates */
function pskOption(store: Store): TlsOptions['psk'] {
  if (store.psk === undefined) {
    if (store.pskIdentity !== undefined) throw new UsageError('--psk-identity needs --psk (the pre-shared key, in hex).');
    return undefined;
  }
  if (store.pskIdentity === undefined) throw new UsageError('--psk-identity required if --psk used.');
  if (store.cafile !== undefined || store.capath !== undefined) throw new UsageError('Only one of --psk or --cafile/--capath may be used at once.');
  const hex = String(store.psk);
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) throw new UsageError(`--psk: '${hex}' is not a key in hexadecimal (pairs of 0-9 a-f, e.g. --psk 1a2b3c4d).`);
  return { key: Buffer.from(hex, 'hex'), identity: String(store.pskIdentity) };
}

/** mosquitto's --proxy: socks5h://[user[:password]@]host[:port], port 1080 by default */
function parseProxy(raw: string): ProxyOptions {
  const form = 'use socks5h://[user[:password]@]host[:port]';
  // the password never shows (mosquitto's "Unsupported proxy protocol" line prints it whole)
  if (!/^socks5h:\/\//i.test(raw)) throw new UsageError(`--proxy: unsupported proxy URL '${maskUrl(raw)}' (${form}).`);
  const m = /^socks5h:\/\/(?:([^@/]*)@)?(\[[0-9a-f:.]+\]|[^:/@[\]]+)(?::(\d+))?\/?$/i.exec(raw);
  if (!m) throw new UsageError(`--proxy: cannot read '${maskUrl(raw)}' (${form}).`);
  const port = m[3] === undefined ? 1080 : Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`--proxy: invalid proxy port ${m[3]}.`);
  const p: ProxyOptions = { host: m[2]!.replace(/^\[(.*)\]$/, '$1'), port };
  if (m[1] !== undefined) {
    // taken literally, as mosquitto does (no %-decoding): the same --proxy works for both
    const colon = m[1].indexOf(':');
    p.username = colon < 0 ? m[1] : m[1].slice(0, colon);
    if (colon >= 0) p.password = m[1].slice(colon + 1);
  }
  return p;
}

function transport(store: Store): TransportOptions {
  const proxy = store.proxy === undefined ? undefined : parseProxy(String(store.proxy));
  if (proxy && (store.unix !== undefined || store.urlScheme === 'ws' || store.urlScheme === 'wss')) {
    throw new UsageError('--proxy works with MQTT over TCP and TLS (mqtt://, mqtts://), not with --unix or WebSockets.');
  }
  const scheme = store.urlScheme as UrlScheme | undefined;
  const host = (store.host as string | undefined) ?? 'localhost';
  const explicitPort = store.port as number | undefined;
  if (store.unix !== undefined) return { kind: 'unix', path: store.unix as string };
  const tls = tlsOptions(store, scheme, explicitPort);
  if (scheme === 'ws' || scheme === 'wss') {
    const kind = scheme === 'ws' && !tls ? 'ws' : 'wss';
    const port = explicitPort ?? (kind === 'wss' ? 443 : 80);
    const url = webSocketUrl(kind, host, port, (store.wsPath as string | undefined) ?? '/mqtt');
    return tls ? { kind, url, tls } : { kind, url };
  }
  const port = explicitPort ?? (store.cafile !== undefined || store.capath !== undefined || store.psk !== undefined ? 8883 : 1883);
  const base = { host, port, bindAddress: store.bindAddress as string | undefined, noDelay: store.nodelay === true, ...(proxy ? { proxy } : {}) };
  return tls ? { kind: 'tls', ...base, tls } : { kind: 'tcp', ...base };
}

/** MQTT strings and binary fields carry a 2-byte length [MQTT-1.5.3]: refuse what cannot be sent, naming the option */
function fitsField(value: string | undefined, option: string, what: string): void {
  if (value !== undefined && Buffer.byteLength(value) > 65535) throw new UsageError(`${option}: ${what} is longer than 65535 bytes.`);
}

function will(store: Store, version: ProtocolVersion, props: PropertySets): WillOptions | undefined {
  if (store.willTopic === undefined) {
    if (store.willPayload !== undefined) throw new UsageError('Will payload given, but no will topic given (--will-topic).');
    if (store.willRetain === true) throw new UsageError('Will retain given, but no will topic given (--will-topic).');
    if (props.will) throw new UsageError('-D will ... given, but no will topic given (--will-topic).');
    return undefined;
  }
  fitsField(store.willPayload as string | undefined, '--will-payload', 'the Last Will payload');
  const w: WillOptions = {
    topic: store.willTopic as string,
    payload: Buffer.from((store.willPayload as string | undefined) ?? ''),
    qos: (store.willQos as 0 | 1 | 2 | undefined) ?? 0,
    retain: store.willRetain === true,
  };
  if (version === 5 && props.will) w.properties = props.will as WillOptions['properties'];
  return w;
}

export interface BuildContext {
  /** short tool name used for generated client ids: 'tspub' */
  tool: string;
  pid: number;
  /** the resolved password (file / env / prompt handled by password.ts), if any */
  password?: string;
}

export function buildSession(store: Store, ctx: BuildContext): BuiltSession {
  const version = protocolOf(store);
  const properties = groupProperties(store.properties as PropertyArg[] | undefined);
  const clean = store.disableClean !== true;
  let clientId = store.clientId as string | undefined;
  const prefix = store.idPrefix as string | undefined;
  if (prefix !== undefined) clientId = `${prefix}${ctx.pid}`;
  fitsField(clientId, prefix !== undefined ? '-I' : '-i', 'the client id');
  const connectProperties: ConnectProperties = { ...(properties.connect as ConnectProperties | undefined) };
  if (version === 5) {
    let expiry = store.sessionExpiry as number | undefined;
    if (!clean && expiry === undefined) expiry = 0xffffffff;
    if (expiry !== undefined && expiry > 0) {
      if (expiry === 0xffffffff && (prefix !== undefined || clientId === undefined)) {
        throw new UsageError('You must provide a client id (-i) if you are using an infinite session expiry interval.');
      }
      connectProperties.sessionExpiryInterval = expiry;
    }
  } else if (!clean && (prefix !== undefined || clientId === undefined)) {
    throw new UsageError('You must provide a client id (-i) if you are using the -c option.');
  }
  if (clientId === undefined && version === 3) clientId = randomId(ctx.tool);
  if (clientId !== undefined && version !== 5 && clientId === '' && !clean) {
    throw new UsageError('An empty client id (-i "") needs a clean session: drop -c.');
  }
  const username = store.username as string | undefined;
  const password = ctx.password;
  fitsField(username, '-u', 'the username');
  fitsField(password, '-P', 'the password');
  if (password !== undefined && username === undefined && version !== 5) {
    throw new UsageError('A password needs a username (-u) on MQTT 3.1/3.1.1.');
  }
  const session: SessionOptions = {
    transport: transport(store),
    protocolVersion: version,
    clientId,
    keepalive: (store.keepalive as number | undefined) ?? 60,
    clean,
    // -x 0 asks for no session at all: none is kept across reconnects either
    keepSession: store.sessionExpiry !== 0,
    username,
    password: password === undefined ? undefined : Buffer.from(password),
    will: will(store, version, properties),
    connectProperties: version === 5 && Object.keys(connectProperties).length > 0 ? connectProperties : undefined,
    maxInflight: (store.maxInflight as number | undefined) ?? 20,
    connectTimeoutMs: (store.connectTimeout as number | undefined) ?? 30_000,
  };
  const reconnect: ReconnectPolicy = {
    ...DEFAULT_RECONNECT,
    enabled: store.noReconnect !== true,
    retryFirstConnect: store.retryConnect === true,
  };
  if (store.maxRetries !== undefined) reconnect.maxRetries = store.maxRetries as number;
  if (store.reconnectDelay !== undefined) reconnect.initialDelayMs = Math.max(1, store.reconnectDelay as number);
  if (store.reconnectMaxDelay !== undefined) reconnect.maxDelayMs = Math.max(reconnect.initialDelayMs, store.reconnectMaxDelay as number);
  return { session, reconnect, properties };
}
