// -L / --url: mqtt(s)://[user[:password]@]host[:port]/topic as mosquitto parses it, plus ws:// and wss://
// (mosquitto 2.1's spelling: the path is the topic; the WebSocket endpoint is /mqtt unless --ws-path).
// Like mosquitto, user and password are taken verbatim (no %-decoding); the last '@' ends them, so
// a password may contain '@'. IPv6 hosts go in brackets: mqtt://[::1]:1883/t.
// Every message shows the URL with its password masked (maskUrl): `bob:***@host`.
import { argError, UsageError } from '../runtime/errors.ts';
import { maskUrl } from '../../session/mask-url.ts';

export type UrlScheme = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export interface BrokerUrl {
  scheme: UrlScheme;
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** undefined when the URL has no '/' (-L refuses that: "topic missing", in mosquitto_pub and _sub alike) */
  topic?: string;
}

// ws:// and wss:// default to MQTT's ports, as mosquitto develop's -L does (and --ws)
const DEFAULT_PORTS: Record<UrlScheme, number> = { mqtt: 1883, mqtts: 8883, ws: 1883, wss: 8883 };

/** mosquitto's "Invalid URL for -L argument specified - ..." with our reason after the dash */
const invalid = (why: string): UsageError => new UsageError(`Invalid URL for -L argument specified - ${why}.`);

export function parseBrokerUrl(raw: string): BrokerUrl {
  const shown = maskUrl(raw);
  const m = /^([a-zA-Z]+):\/\//.exec(raw);
  const scheme = m?.[1]!.toLowerCase();
  if (!m || !(scheme! in DEFAULT_PORTS)) {
    throw argError('Unsupported URL scheme.');
  }
  let rest = raw.slice(m[0].length);
  let topic: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    topic = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  if (!rest.includes('@') && shown !== raw) {
    // the '/' ended the host part inside the password: the rest would be misread as host and port
    throw invalid("a '/' in the user name or password is not supported (it ends the host part)");
  }
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) {
      username = userinfo.slice(0, colon);
      password = userinfo.slice(colon + 1);
    } else {
      username = userinfo;
    }
  }
  let host = rest;
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) throw invalid("unclosed '[' in the host");
    portText = host.slice(close + 1).startsWith(':') ? host.slice(close + 2) : undefined;
    host = host.slice(1, close);
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) {
      portText = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
  }
  if (host === '') throw invalid('host missing');
  let port = DEFAULT_PORTS[scheme as UrlScheme];
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new UsageError(`Invalid port given: ${portText}`);
    }
    port = Number(portText);
  }
  return { scheme: scheme as UrlScheme, host, port, username, password, topic };
}

/** The ws(s):// URL the session's WebSocket transport opens. */
export function webSocketUrl(scheme: 'ws' | 'wss', host: string, port: number, path: string): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h}:${port}${path.startsWith('/') ? path : `/${path}`}`;
}
