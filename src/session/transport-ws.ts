// WebSocket transport (ws:// and wss://), loaded only when used: `ws` stays off the start-up path.
import type { Duplex } from 'node:stream';
import { WebSocket, createWebSocketStream } from 'ws';
import type { TransportOptions } from './types.ts';
import { tlsConnectOptions } from './tls-options.ts';
import { describeTransportError } from './transport-errors.ts';

export function openWebSocket(t: Extract<TransportOptions, { kind: 'ws' | 'wss' }>, host: string): Promise<Duplex> {
  const tlsOpts = t.kind === 'wss' && t.tls ? tlsConnectOptions(t.tls, host) : {};
  const ws = new WebSocket(t.url, ['mqtt'], { ...tlsOpts, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => { ws.terminate(); reject(describeTransportError(err, t.url, host)); };
    ws.once('error', onError);
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(describeTransportError(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()), t.url, host));
    });
    ws.once('open', () => {
      ws.off('error', onError);
      resolve(createWebSocketStream(ws));
    });
  });
}
