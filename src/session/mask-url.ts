// A URL's password never appears in a message: every error, notice or -d line that echoes a URL
// the user gave (-L, --proxy, a ws:// target) passes it through maskUrl first.
//   mqtt://bob:hunter2@host/t  ->  mqtt://bob:***@host/t
// The user information ends at the last '@' before the first '/', as the -L and --proxy parsers
// read it. A password holding a '/' is not user information to them, but it is still a secret: when
// the part before the first '@' has a ':' followed by something that is not a port number, that is
// masked too (mqtt://bob:pa/ss@host/t -> mqtt://bob:***@host/t).
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

export function maskUrl(raw: string): string {
  const scheme = SCHEME.exec(raw)?.[0];
  if (scheme === undefined) return raw;
  const rest = raw.slice(scheme.length);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  let at = authority.lastIndexOf('@');
  if (at < 0) {
    at = rest.indexOf('@');
    if (at < 0) return raw;
    const colon = authority.indexOf(':');
    // a port ("host:1883/topic@x") is not a password
    if (colon < 0 || /^\d*(\/|$)/.test(rest.slice(colon + 1))) return raw;
  }
  const colon = rest.slice(0, at).indexOf(':');
  if (colon < 0) return raw;
  return `${scheme}${rest.slice(0, colon)}:***${rest.slice(at)}`;
}
