// Opens the byte stream a session runs over: TCP, TLS, WebSocket (ws/wss) or a Unix socket.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket, ConnectionOptions } from 'node:tls';
import type { TransportOptions } from './types.ts';
import { ConnectionClosedError, TimeoutError, TransportError } from './errors.ts';
import { describeTransportError } from './transport-errors.ts';
import { localhostAddresses } from './localhost.ts';
import { logKeys } from './transport-keylog.ts';

export function transportTarget(t: TransportOptions): { target: string; host: string } {
  switch (t.kind) {
    case 'tcp': case 'tls': return { target: `${t.host}:${t.port}`, host: t.host };
    case 'unix': return { target: t.path, host: 'localhost' };
    default: return { target: t.url, host: new URL(t.url).hostname };
  }
}

/** hostsFile: where "localhost" is looked up first (tests point it elsewhere) */
export async function openTransport(t: TransportOptions, timeoutMs: number, hostsFile = '/etc/hosts'): Promise<Duplex> {
  const { target, host } = transportTarget(t);
  if (t.kind === 'ws' || t.kind === 'wss') {
    const { openWebSocket } = await import('./transport-ws.ts');
    return withTimeout(openWebSocket(t, host, timeoutMs), timeoutMs, target);
  }
  const deadline = Date.now() + timeoutMs;
  if (t.kind !== 'tcp' && t.kind !== 'tls') return openSocket(t, {}, deadline, timeoutMs); // a Unix socket
  // built once, before any socket: a --capath is read once however many addresses are tried, and
  // an unreadable file fails before a proxy tunnel is opened. tls-options loads only for TLS.
  const tlsOpts = t.kind === 'tls' ? (await import('./tls-options.ts')).tlsConnectOptions(t.tls, host) : undefined;
  // through a SOCKS5 proxy: the TCP stream comes from the proxy, TLS (if any) runs inside it
  if (t.proxy) {
    const { openSocks } = await import('./transport-socks.ts');
    const tunnel = await openSocks(t.proxy, t.host, t.port, timeoutMs, t);
    return t.kind === 'tcp' ? tunnel : openSocket(t, { tunnel, tlsOpts }, deadline, timeoutMs);
  }
  // "localhost" (mosquitto's default host) from /etc/hosts: Node's first DNS lookup costs ~5 ms of
  // a one-shot's start (resolver set-up, thread pool, its IPv6 regex); no entry: the normal lookup.
  // A bind address (-A) can only reach addresses of its own family.
  const bind = t.bindAddress;
  const addresses = localhostAddresses(t.host, hostsFile).filter((a) => !bind || a.includes(':') === bind.includes(':'));
  if (addresses.length === 0) return openSocket(t, { tlsOpts }, deadline, timeoutMs);
  let lastErr: unknown;
  for (const address of addresses) {
    try {
      return await openSocket(t, { address, tlsOpts }, deadline, timeoutMs);
    } catch (err) {
      // as getaddrinfo's callers do: the next address when this one cannot be reached
      if (!(err instanceof TransportError) || !NEXT_ADDRESS.has(err.code ?? '')) throw err;
      lastErr = err;
    }
  }
  throw lastErr;
}

const NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EADDRNOTAVAIL', 'ENETUNREACH', 'EHOSTUNREACH', 'EAFNOSUPPORT']);

interface Via {
  /** an address of t's host name, tried instead of the name */
  address?: string;
  /** the proxy's stream to the broker */
  tunnel?: net.Socket;
  /** node:tls options for a TLS transport */
  tlsOpts?: ConnectionOptions;
}

/** One socket to t, directly, at one of its addresses or through a tunnel. */
async function openSocket(t: TransportOptions, via: Via, deadline: number, timeoutMs: number): Promise<Duplex> {
  const { target, host } = transportTarget(t);
  const { address, tunnel, tlsOpts } = via;
  let socket: net.Socket;
  let ready: string;
  if (t.kind === 'tls') {
    // node:tls and its crypto load only when used: a plain-TCP one-shot does not pay for them
    const tls = await import('node:tls');
    try {
      // tls.connect hands localAddress/noDelay on to net.connect (absent from its typings)
      socket = tls.connect(tunnel
        ? { ...tlsOpts, socket: tunnel }
        : { ...tlsOpts, host: address ?? t.host, port: t.port, localAddress: t.bindAddress, noDelay: t.noDelay } as ConnectionOptions) as TLSSocket;
    } catch (err) {
      tunnel?.destroy();
      throw describeTransportError(err, target, host); // bad key, wrong passphrase, bad cipher list
    }
    // at once, before the handshake's first key line (an await here could let one pass unlogged)
    if (t.tls.keylog !== undefined) logKeys(socket as TLSSocket, t.tls.keylog);
    ready = 'secureConnect';
  } else if (t.kind === 'tcp') {
    socket = net.connect({ host: address ?? t.host, port: t.port, localAddress: t.bindAddress, noDelay: t.noDelay });
    ready = 'connect';
  } else {
    socket = net.connect({ path: (t as { path: string }).path });
    ready = 'connect';
  }
  const opened = new Promise<Duplex>((resolve, reject) => {
    const onError = (err: Error) => {
      socket.destroy();
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (t.kind === 'tls' && t.tls.psk && code.startsWith('ERR_SSL')) {
        // a wrong key or an unknown identity both end as a handshake alert: say what to check
        reject(new TransportError(`TLS-PSK: ${target} refused the handshake (${code}): check --psk and --psk-identity against the listener's psk_file`, code, { cause: err }));
        return;
      }
      if (t.kind === 'tls' && !tunnel && (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')) {
        // Node drops the certificate before it reports the failure: read its dates over a second,
        // unverified handshake that sends nothing, so the message can say when it expired
        void peekCertificate(tlsOpts!, address ?? t.host, t.port, Math.min(2000, Math.max(1, deadline - Date.now())))
          .then((cert) => reject(describeTransportError(Object.assign(err, { cert }), target, host, true)));
        return;
      }
      reject(describeTransportError(err, target, host, t.kind === 'tls'));
    };
    socket.once('error', onError);
    socket.once(ready, () => { socket.off('error', onError); resolve(socket); });
  });
  return withTimeout(opened, Math.max(1, deadline - Date.now()), target, () => socket.destroy(), timeoutMs);
}

/** The server's certificate (undefined when it cannot be had within ms), from a handshake that checks nothing and sends no data. */
async function peekCertificate(opts: ConnectionOptions, host: string, port: number, ms: number): Promise<object | undefined> {
  const tls = await import('node:tls');
  return new Promise((resolve) => {
    const s = tls.connect({ ...opts, host, port, rejectUnauthorized: false });
    const done = (cert?: object): void => { clearTimeout(timer); s.destroy(); resolve(cert); };
    const timer = setTimeout(() => done(), ms);
    s.once('secureConnect', () => done(s.getPeerCertificate()));
    s.once('error', () => done());
  });
}

/** `ms` left of the `totalMs` the caller gave (the message names the whole) */
function withTimeout<T>(p: Promise<T>, ms: number, target: string, onTimeout?: () => void, totalMs = ms): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(`timed out after ${totalMs / 1000}s connecting to ${target}`));
    }, ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

/** A peer that hangs up on CONNECT is mostly not an MQTT listener, or a TLS one spoken to in plain TCP. */
export function noMqttAnswer(t: TransportOptions): ConnectionClosedError {
  const tlsHint = t.kind === 'tcp' ? ' (a TLS listener needs --cafile, --capath or --tls-use-os-certs)' : '';
  return new ConnectionClosedError(`${transportTarget(t).target} closed the connection without answering CONNECT: is it an MQTT listener${tlsHint}?`);
}
