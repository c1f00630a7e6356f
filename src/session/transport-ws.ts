// WebSocket transport (ws:// and wss://: -L ws(s):// URLs and --ws), loaded only when used: `ws`
// stays off the start-up path. Through a SOCKS5 proxy the WebSocket (and its TLS) runs inside the
// tunnel; with --tls-keylog the TLS socket logs its keys. Both need our own createConnection.
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { WebSocket, createWebSocketStream, type ClientOptions } from 'ws';
import type { TransportOptions } from './types.ts';
import { tlsConnectOptions } from './tls-options.ts';
import { describeTransportError } from './transport-errors.ts';
import { logKeys } from './transport-keylog.ts';

type WsTransport = Extract<TransportOptions, { kind: 'ws' | 'wss' }>;

export async function openWebSocket(t: WsTransport, host: string, timeoutMs: number): Promise<Duplex> {
  const tlsOpts = t.kind === 'wss' && t.tls ? tlsConnectOptions(t.tls, host) : {};
  // node:tls options, handed on by ws to tls.connect (its own typings narrow checkServerIdentity)
  const options = { ...tlsOpts, perMessageDeflate: false } as ClientOptions;
  const tunnel = t.proxy ? await openTunnel(t, timeoutMs) : undefined;
  const keylog = t.kind === 'wss' ? t.tls?.keylog : undefined;
  if (tunnel || keylog !== undefined) {
    // what ws would do itself (net.connect / tls.connect with its options), on our socket
    options.createConnection = ((o: tls.ConnectionOptions) => {
      if (t.kind === 'ws') return tunnel!;
      const s = tls.connect(tunnel ? { ...o, socket: tunnel } : o);
      // on before the handshake starts: its first key lines come with the ServerHello
      if (keylog !== undefined) logKeys(s, keylog);
      return s;
    }) as unknown as ClientOptions['createConnection'];
  }
  const ws = new WebSocket(t.url, ['mqtt'], options);
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => { ws.terminate(); tunnel?.destroy(); reject(describeTransportError(err, t.url, host)); };
    ws.once('error', onError);
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      tunnel?.destroy();
      reject(describeTransportError(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()), t.url, host));
    });
    ws.once('open', () => {
      ws.off('error', onError);
      resolve(createWebSocketStream(ws));
    });
  });
}

/** the SOCKS5 tunnel to the URL's host and port (the proxy resolves the name) */
async function openTunnel(t: WsTransport, timeoutMs: number): Promise<Socket> {
  const u = new URL(t.url);
  const port = u.port === '' ? (t.kind === 'wss' ? 443 : 80) : Number(u.port);
  const { openSocks } = await import('./transport-socks.ts');
  return openSocks(t.proxy!, u.hostname.replace(/^\[(.*)\]$/, '$1'), port, timeoutMs, {});
}
