// Start-up cost of the client core: import the session layer, connect, publish one QoS 1 message,
// disconnect. Bundled like the binaries by bench/core-startup.sh.
import { Client } from '../src/session/client.ts';

const port = Number(process.argv[2] ?? 1883);
const c = new Client(
  { transport: { kind: 'tcp', host: '127.0.0.1', port }, protocolVersion: 4, keepalive: 60, clean: true, maxInflight: 20, connectTimeoutMs: 5000 },
  { enabled: false, retryFirstConnect: false, maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 },
);
// bundled as CommonJS like the binaries: no top-level await
void (async () => {
  await c.connect();
  await c.publish({ topic: 'bench/core', payload: Buffer.from('x'), qos: 1, retain: false });
  await c.end();
})();
