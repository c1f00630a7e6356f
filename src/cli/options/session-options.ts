// Parsed options → SessionOptions + ReconnectPolicy, with mosquitto's defaults and cross-checks
// (client_config_load / client_opts_set / client_connect in 2.0.11). Everything here runs before
// any connection is attempted, so bad input never costs a network round trip.
import { UsageError } from '../runtime/errors.ts';
import type { CommonStore } from './common-options.ts';
import { fitsField } from './connection-values.ts';
import { groupProperties, type PropertySets } from './properties.ts';
import { webSocketUrl, type UrlScheme } from './url.ts';
import type {
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

function protocolOf(store: CommonStore): ProtocolVersion {
  const props = store.properties;
  const v = store.protocolVersion;
  if (props && props.length > 0) {
    if (v !== undefined && v !== 5) throw new UsageError(`-D sets MQTT 5 properties, but -V asks for MQTT ${v === 4 ? '3.1.1' : '3.1'}; drop -V or use -V 5.`);
    return 5;
  }
  return v ?? 4;
}

// --tls-engine, --keyform, --tls-version, --psk's hex and --proxy's URL are checked by their parsers
// (connection-values.ts); what is left here combines options.
function tlsOptions(store: CommonStore, scheme: UrlScheme | undefined, port: number | undefined): TlsOptions | undefined {
  const psk = pskOption(store);
  if ((store.cert === undefined) !== (store.key === undefined)) {
    throw new UsageError('Both certfile and keyfile must be provided if one of them is set.');
  }
  if (store.keyform !== undefined && store.key === undefined) throw new UsageError('If keyform is set, keyfile must be also specified.');
  const useOs = usesOsCerts(store, scheme, port);
  if (!tlsOn(store, scheme, port)) return undefined;
  const t: TlsOptions = psk ? { psk } : {};
  if (store.cafile !== undefined) t.cafile = store.cafile;
  if (store.capath !== undefined) t.capath = store.capath;
  if (useOs) t.useOsCerts = true;
  if (store.cert !== undefined) t.cert = store.cert;
  if (store.key !== undefined) t.key = store.key;
  if (store.keyPassphrase !== undefined) t.passphrase = store.keyPassphrase;
  if (store.insecure === true) t.insecure = true;
  if (store.tlsVersion !== undefined) t.tlsVersion = store.tlsVersion;
  if (store.ciphers !== undefined) t.ciphers = store.ciphers;
  if (store.tlsAlpn !== undefined) t.alpn = [store.tlsAlpn];
  if (store.tlsKeylog !== undefined) t.keylog = store.tlsKeylog;
  return t;
}

function usesOsCerts(store: CommonStore, scheme: UrlScheme | undefined, port: number | undefined): boolean {
  return store.psk === undefined && (store.tlsUseOsCerts === true || scheme === 'mqtts' || scheme === 'wss' || (port === 8883 && !store.cafile && !store.capath));
}

/** --no-tls (develop) turns off whatever would turn TLS on: --cafile, --capath, --psk, OS certificates, mqtts://, wss://, port 8883 */
function tlsOn(store: CommonStore, scheme: UrlScheme | undefined, port: number | undefined): boolean {
  if (store.noTls === true) return false;
  return store.cafile !== undefined || store.capath !== undefined || store.psk !== undefined || usesOsCerts(store, scheme, port);
}

/** Will this command line present a client certificate (--cert and --key over TLS)? Asked before the passphrase is. */
export function clientKeyInUse(store: CommonStore): boolean {
  return store.key !== undefined && store.cert !== undefined && store.unix === undefined
    && tlsOn(store, store.urlScheme, store.port);
}

/** --psk hex-key --psk-identity id: TLS with a pre-shared key instead of certificates */
function pskOption(store: CommonStore): TlsOptions['psk'] {
  if (store.psk === undefined) {
    if (store.pskIdentity !== undefined) throw new UsageError('--psk-identity needs --psk (the pre-shared key, in hex).');
    return undefined;
  }
  if (store.cafile !== undefined || store.capath !== undefined) throw new UsageError('Only one of --psk or --cafile/--capath may be used at once.');
  if (store.pskIdentity === undefined) throw new UsageError('--psk-identity required if --psk used.');
  return { key: store.psk, identity: store.pskIdentity };
}

function transport(store: CommonStore): TransportOptions {
  const proxy = store.proxy;
  const scheme = store.urlScheme;
  const webSockets = store.ws === true || scheme === 'ws' || scheme === 'wss';
  if (store.unix !== undefined) {
    if (proxy) throw new UsageError('--proxy cannot be used with --unix (a SOCKS proxy reaches TCP ports).');
    if (webSockets) throw new UsageError('WebSockets (--ws, ws://, wss://) cannot be used with --unix.');
    return { kind: 'unix', path: store.unix };
  }
  const host = store.host ?? 'localhost';
  const explicitPort = store.port;
  const tls = tlsOptions(store, scheme, explicitPort);
  // mosquitto's default port: 8883 when --cafile/--capath/--psk ask for TLS (not with --no-tls: ours), else 1883;
  // -L sets its scheme's port
  const port = explicitPort ?? (tls && (store.cafile !== undefined || store.capath !== undefined || store.psk !== undefined) ? 8883 : 1883);
  if (webSockets) {
    const kind = tls ? 'wss' : 'ws';
    const url = webSocketUrl(kind, host, port, store.wsPath ?? '/mqtt');
    return { kind, url, ...(tls ? { tls } : {}), ...(proxy ? { proxy } : {}) };
  }
  const base = { host, port, bindAddress: store.bindAddress, noDelay: store.nodelay === true, ...(proxy ? { proxy } : {}) };
  return tls ? { kind: 'tls', ...base, tls } : { kind: 'tcp', ...base };
}

function will(store: CommonStore, version: ProtocolVersion, props: PropertySets): WillOptions | undefined {
  if (store.willTopic === undefined) {
    if (store.willPayload !== undefined) throw new UsageError('Will payload given, but no will topic given.');
    if (store.willRetain === true) throw new UsageError('Will retain given, but no will topic given.');
    if (props.will) throw new UsageError('Will properties given (-D will), but no will topic given.');
    return undefined;
  }
  // --will-payload's length: its parser (connection-values.ts)
  const w: WillOptions = {
    topic: store.willTopic,
    payload: Buffer.from(store.willPayload ?? ''),
    qos: store.willQos ?? 0,
    retain: store.willRetain === true,
  };
  if (version === 5 && props.will) w.properties = props.will;
  return w;
}

export interface BuildContext {
  /** short tool name used for generated client ids: 'tspub' */
  tool: string;
  pid: number;
  /** the resolved password (file / env / prompt handled by password.ts), if any */
  password?: string;
}

export function buildSession(store: CommonStore, ctx: BuildContext): BuiltSession {
  const version = protocolOf(store);
  const properties = groupProperties(store.properties);
  const clean = store.disableClean !== true;
  let clientId = store.clientId;
  const prefix = store.idPrefix;
  if (prefix !== undefined) clientId = `${prefix}${ctx.pid}`;
  fitsField(clientId, prefix !== undefined ? '-I' : '-i', 'the client id');
  const connectProperties: ConnectProperties = { ...properties.connect };
  if (version === 5) {
    let expiry = store.sessionExpiry;
    if (!clean && expiry === undefined) expiry = 0xffffffff;
    if (expiry !== undefined && expiry > 0) {
      if (expiry === 0xffffffff && (prefix !== undefined || clientId === undefined)) {
        throw new UsageError('You must provide a client id if you are using an infinite session expiry interval.');
      }
      connectProperties.sessionExpiryInterval = expiry;
    }
  } else if (!clean && (prefix !== undefined || clientId === undefined)) {
    throw new UsageError('You must provide a client id if you are using the -c option.');
  }
  if (clientId === undefined && version === 3) clientId = randomId(ctx.tool);
  if (clientId !== undefined && version !== 5 && clientId === '' && !clean) {
    throw new UsageError('An empty client id (-i "") needs a clean session: drop -c.');
  }
  const username = store.username;
  const password = ctx.password;
  fitsField(username, '-u', 'the username');
  fitsField(password, '-P', 'the password');
  if (password !== undefined && username === undefined && version !== 5) {
    // mosquitto_username_pw_set refuses it when the options are set: no Use line
    throw new UsageError('Problem setting username and/or password.', { tail: 'none' });
  }
  const session: SessionOptions = {
    transport: transport(store),
    protocolVersion: version,
    clientId,
    keepalive: store.keepalive ?? 60,
    clean,
    // -x 0 asks for no session at all: none is kept across reconnects either
    keepSession: store.sessionExpiry !== 0,
    username,
    password: password === undefined ? undefined : Buffer.from(password),
    will: will(store, version, properties),
    connectProperties: version === 5 && Object.keys(connectProperties).length > 0 ? connectProperties : undefined,
    maxInflight: store.maxInflight ?? 20,
    connectTimeoutMs: store.connectTimeout ?? 30_000,
  };
  const reconnect: ReconnectPolicy = {
    ...DEFAULT_RECONNECT,
    enabled: store.noReconnect !== true,
    retryFirstConnect: store.retryConnect === true,
  };
  if (store.maxRetries !== undefined) reconnect.maxRetries = store.maxRetries;
  if (store.reconnectDelay !== undefined) reconnect.initialDelayMs = Math.max(1, store.reconnectDelay);
  if (store.reconnectMaxDelay !== undefined) reconnect.maxDelayMs = Math.max(reconnect.initialDelayMs, store.reconnectMaxDelay);
  return { session, reconnect, properties };
}
