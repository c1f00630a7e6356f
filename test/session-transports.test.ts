// The same client suite over WebSockets (ws:// and wss:// through a gateway in front of mosquitto),
// a Unix socket, and against the embedded aedes broker (TCP and ws).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { startWsGateway, type WsGateway } from './helpers/ws-gateway.ts';
import { startEmbedded, type Embedded } from './helpers/embedded.ts';
import { clientSuite } from './helpers/session-suite.ts';
import { connected, opts, rejection, tcp } from './helpers/session-helpers.ts';

let broker: Mosquitto;
let ws: WsGateway;
let wss: WsGateway;
let embedded: Embedded;
let unixPath: string;

before(async () => {
  const probe = await startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'tls', kind: 'tls' }] });
  await probe.stop();
  unixPath = join(probe.dir, 'mqtt.sock');
  broker = await startMosquitto({
    listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'tls', kind: 'tls' }],
    extra: `listener 0 ${unixPath}\nallow_anonymous true`,
  });
  ws = await startWsGateway({ targetPort: broker.port });
  wss = await startWsGateway({ targetPort: broker.port, tls: { cert: broker.certs!.serverCert, key: broker.certs!.serverKey } });
  embedded = await startEmbedded({ ws: true });
});
after(async () => {
  await Promise.all([ws.stop(), wss.stop(), embedded.stop()]);
  await broker.stop();
});

clientSuite('ws-gateway', () => ({ transport: () => ({ kind: 'ws', url: ws.url }), versions: [4, 5] }));
clientSuite('wss-gateway', () => ({ transport: () => ({ kind: 'wss', url: wss.url, tls: { cafile: broker.certs!.ca } }), versions: [4] }));
clientSuite('unix-socket', () => ({ transport: () => ({ kind: 'unix', path: unixPath }), versions: [4] }));
clientSuite('aedes', () => ({ transport: () => tcp(embedded.port), versions: [3, 4] }));
clientSuite('aedes-ws', () => ({ transport: () => ({ kind: 'ws', url: embedded.wsUrl! }), versions: [4] }));

test('a WebSocket path the server does not serve is a clear error', async () => {
  const err = await rejection(connected(opts({ kind: 'ws', url: ws.url.replace('/mqtt', '/nope') })));
  assert.equal(err.message, `cannot connect to ${ws.url.replace('/mqtt', '/nope')}: WebSocket upgrade refused: HTTP 400 Bad Request`);
});

test('wss:// verifies the certificate like TLS does', async () => {
  const err = await rejection(connected(opts({ kind: 'wss', url: wss.url, tls: { cafile: broker.certs!.otherCa } })));
  assert.match(err.message, /^TLS: the broker's certificate is not signed by a trusted CA/);
});
