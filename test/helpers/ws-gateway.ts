// WebSocket → TCP gateway for ws:// and wss:// tests: Debian's mosquitto 2.0.11 has no websockets
// listener, so put this in front of its TCP port.
//
//   const gw = await startWsGateway({ targetPort: m.port });                       // gw.url = ws://127.0.0.1:P/mqtt
//   const gws = await startWsGateway({ targetPort: m.port, tls: { cert: certs.serverCert, key: certs.serverKey } });  // wss://
//   ...; await gw.stop();
//
// Every WebSocket connection on `path` (default /mqtt; other paths get HTTP 404 / a failed upgrade)
// is piped, as binary frames, to a fresh net.connect(127.0.0.1:targetPort), with back-pressure both
// ways. The subprotocol 'mqtt' or 'mqttv3.1' is selected when offered (a client offering neither
// still connects, without a subprotocol). tls.cert/key are file paths or PEM text.
// gw.upgrades lists the subprotocols offered (the Sec-WebSocket-Protocol header) per connection.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';

export interface WsGateway {
  port: number;
  /** ws(s)://127.0.0.1:PORT/mqtt */
  url: string;
  /** one entry per accepted WebSocket connection: the subprotocols it offered */
  upgrades: string[][];
  stop(): Promise<void>;
}

const pem = (s: string) => (s.includes('-----BEGIN') ? s : readFileSync(s));

export async function startWsGateway(opts: { targetPort: number; path?: string; tls?: { cert: string; key: string } }): Promise<WsGateway> {
  const path = opts.path ?? '/mqtt';
  const server = opts.tls
    ? https.createServer({ cert: pem(opts.tls.cert), key: pem(opts.tls.key) })
    : http.createServer();
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => { res.writeHead(404).end(); });
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => { sockets.add(s); s.once('close', () => sockets.delete(s)); };
  server.on(opts.tls ? 'secureConnection' : 'connection', track);
  const upgrades: string[][] = [];

  const wss = new WebSocketServer({
    server,
    path,
    handleProtocols: (protocols) => ['mqtt', 'mqttv3.1'].find((p) => protocols.has(p)) ?? false,
  });
  wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
    upgrades.push((req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    const stream = createWebSocketStream(ws);
    const tcp = net.connect({ host: '127.0.0.1', port: opts.targetPort });
    track(tcp);
    const end = () => { stream.destroy(); tcp.destroy(); };
    stream.on('error', end).on('close', end);
    tcp.on('error', end).on('close', end);
    stream.pipe(tcp);
    tcp.pipe(stream);
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `${opts.tls ? 'wss' : 'ws'}://127.0.0.1:${port}${path}`,
    upgrades,
    stop() {
      stopping ??= (async () => {
        for (const c of wss.clients) c.terminate();
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => wss.close(() => r()));
        await new Promise<void>((r) => server.close(() => r()));
      })();
      return stopping;
    },
  };
}
