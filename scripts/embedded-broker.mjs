// An in-process aedes broker (MQTT 3.1/3.1.1 only) on 127.0.0.1: TCP, optionally WebSocket.
// Plain JS so both the tests (test/helpers/embedded.ts wraps it) and `scripts/try.mjs` can use it.
//
//   import { startEmbeddedBroker } from './embedded-broker.mjs';
//   const b = await startEmbeddedBroker({ port: 0, ws: true });  // b.port, b.wsPort, b.wsUrl, b.aedes
//   await b.stop();
//
// Run directly: `node scripts/embedded-broker.mjs [port] [--ws]` prints
// `listening on 127.0.0.1:PORT` (and `websocket on ws://127.0.0.1:WSPORT/mqtt`), stops on Ctrl+C.
import net from 'node:net';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

const HOST = '127.0.0.1';

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

/**
 * @param {{ port?: number, ws?: boolean, wsPort?: number, wsPath?: string, aedesOptions?: object }} [opts]
 * @returns {Promise<{ host: string, port: number, wsPort?: number, wsUrl?: string, aedes: Aedes, stop(): Promise<void> }>}
 */
export async function startEmbeddedBroker(opts = {}) {
  const aedes = await Aedes.createBroker(opts.aedesOptions ?? {});
  const sockets = new Set();
  const track = (s) => { sockets.add(s); s.once('close', () => sockets.delete(s)); };

  const tcp = net.createServer((socket) => { track(socket); aedes.handle(socket); });
  const port = await listen(tcp, opts.port ?? 0);

  let httpServer;
  let wss;
  let wsPort;
  let wsUrl;
  if (opts.ws) {
    const path = opts.wsPath ?? '/mqtt';
    httpServer = http.createServer((_req, res) => { res.writeHead(404).end(); });
    httpServer.on('connection', track);
    wss = new WebSocketServer({
      server: httpServer,
      path,
      // MQTT over WebSocket: the client offers 'mqtt' (or 'mqttv3.1'); accept either
      handleProtocols: (protocols) => ['mqtt', 'mqttv3.1'].find((p) => protocols.has(p)) ?? false,
    });
    wss.on('connection', (websocket, req) => {
      const stream = createWebSocketStream(websocket);
      stream.on('error', () => stream.destroy());
      aedes.handle(stream, req);
    });
    wsPort = await listen(httpServer, opts.wsPort ?? 0);
    wsUrl = `ws://${HOST}:${wsPort}${path}`;
  }

  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      const closing = [new Promise((r) => tcp.close(() => r()))];
      if (wss) {
        for (const c of wss.clients) c.terminate();
        closing.push(new Promise((r) => wss.close(() => r())), new Promise((r) => httpServer.close(() => r())));
      }
      for (const s of sockets) s.destroy();
      await new Promise((r) => aedes.close(() => r()));
      await Promise.all(closing);
    })();
    return stopped;
  };

  return { host: HOST, port, wsPort, wsUrl, aedes, stop };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const portArg = args.find((a) => /^\d+$/.test(a));
  const b = await startEmbeddedBroker({ port: portArg ? Number(portArg) : 1883, ws: args.includes('--ws') });
  process.stdout.write(`listening on ${b.host}:${b.port}\n`);
  if (b.wsUrl) process.stdout.write(`websocket on ${b.wsUrl}\n`);
  const quit = () => { b.stop().then(() => process.exit(0)); };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}
