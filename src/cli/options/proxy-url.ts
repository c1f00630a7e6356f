// --proxy socks5h://[user[:password]@]host[:port], read as mosquitto (develop) reads it: the scheme
// is socks5h only (case-sensitive), the fields split at ':' and '@' (a password may hold ':'),
// %25 %3A %40 in the user name and password decode to % : @ and any other %-sequence is an error,
// the port is read like C's atoi() and defaults to 1080. Our extensions: an IPv6 host in brackets
// (socks5h://[::1]:1080) and one trailing '/'. The password never shows in a message.
import { UsageError } from '../runtime/errors.ts';
import { maskUrl } from '../../session/mask-url.ts';
import type { ProxyOptions } from '../../session/types.ts';

const SCHEME = 'socks5h://';
const DEFAULT_PORT = 1080;

interface Fields { username?: string; password?: string; host?: string; port?: string }

export function proxyUrl(raw: string, _name: string): ProxyOptions {
  if (!raw.startsWith(SCHEME)) throw new UsageError(`Unsupported proxy protocol: ${maskUrl(raw)}`);
  let rest = raw.slice(SCHEME.length);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  const f = /(^|@)\[/.test(rest) ? bracketFields(rest) : splitFields(rest);
  // mosquitto fails some malformed URLs without a message; we say "Invalid proxy." for all of them
  if (f === undefined || f.host === undefined || f.host.includes('/')) throw new UsageError('Invalid proxy.');
  const p: ProxyOptions = { host: f.host, port: DEFAULT_PORT };
  if (f.username !== undefined) {
    const u = percentDecode(f.username);
    if (u === undefined) throw new UsageError('Invalid URL encoding in username.');
    p.username = u;
  }
  if (f.password !== undefined) {
    const pw = percentDecode(f.password);
    if (pw === undefined) throw new UsageError('Invalid URL encoding in password.');
    p.password = pw;
  }
  if (f.port !== undefined) {
    const port = atoi(f.port);
    if (port < 1 || port > 65535) throw new UsageError(`Invalid proxy port ${port}`);
    p.port = port;
  }
  return p;
}

/**
 * The fields of user:password@host:port, any of user, password and port left out. The first ':'
 * before an '@' ends the user name (later ones belong to the password); after the '@' a ':' ends
 * the host. An empty field, a second '@' or a second host ':' is malformed (undefined).
 */
function splitFields(s: string): Fields | undefined {
  const f: Fields = {};
  let start = 0;
  let afterAt = false;
  let beforeColon: string | undefined; // a user name, or a host when no '@' follows
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== ':' && c !== '@') continue;
    if (i === start) return undefined;
    const field = s.slice(start, i);
    if (c === '@') {
      afterAt = true;
      if (beforeColon !== undefined) {
        f.username = beforeColon;
        f.password = field;
        beforeColon = undefined;
      } else {
        if (f.username !== undefined) return undefined;
        f.username = field;
      }
      start = i + 1;
    } else if (afterAt) {
      if (f.host !== undefined) return undefined;
      f.host = field;
      start = i + 1;
    } else if (beforeColon === undefined) {
      beforeColon = field;
      start = i + 1;
    }
  }
  const tail = s.slice(start);
  if (tail !== '') {
    if (f.host !== undefined) f.port = tail;
    else if (beforeColon !== undefined) { f.host = beforeColon; f.port = tail; }
    else f.host = tail;
  }
  return f;
}

/** [user[:password]@][v6-address][:port] (ours: mosquitto reads no IPv6 literal) */
function bracketFields(s: string): Fields | undefined {
  const m = /^(?:([^@]*)@)?\[([0-9a-fA-F:.]+)\](?::(.*))?$/.exec(s);
  if (!m) return undefined;
  const f: Fields = { host: m[2]! };
  if (m[3] !== undefined && m[3] !== '') f.port = m[3];
  if (m[1] !== undefined) {
    const colon = m[1].indexOf(':');
    f.username = colon < 0 ? m[1] : m[1].slice(0, colon);
    if (colon >= 0) f.password = m[1].slice(colon + 1);
    if (f.username === '' || f.password === '') return undefined;
  }
  return f;
}

/** %25 %3A %3a %40 -> % : : @; undefined for any other '%' */
function percentDecode(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') { out += s[i]; continue; }
    const hex = s.slice(i + 1, i + 3);
    const ch = hex === '25' ? '%' : hex === '3A' || hex === '3a' ? ':' : hex === '40' ? '@' : undefined;
    if (ch === undefined) return undefined;
    out += ch;
    i += 2;
  }
  return out;
}

/** C's atoi: leading blanks, a sign, digits; whatever follows is ignored; 0 when no digit */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}
