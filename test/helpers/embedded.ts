// The embedded aedes broker (MQTT 3.1/3.1.1 only) in this process: a second, independent broker
// implementation for the client tests. Typed wrapper around scripts/embedded-broker.mjs (plain JS,
// shared with `npm run try`).
//
//   const b = await startEmbedded({ ws: true });   // b.port (TCP, 127.0.0.1), b.wsUrl = ws://127.0.0.1:P/mqtt
//   ... ; await b.stop();
//   (b.aedes as Aedes) gives the aedes instance (events 'client', 'publish', ...), see node_modules/aedes.
// It runs in the test's own event loop: never use execFileSync/spawnSync while it is up (the client
// would hang on CONNECT); use runBin/mosqPub, which are async.
// @ts-expect-error plain .mjs without a declaration file
import { startEmbeddedBroker } from '../../scripts/embedded-broker.mjs';

export interface Embedded {
  host: '127.0.0.1';
  port: number;
  wsUrl?: string;
  wsPort?: number;
  /** the aedes instance: cast to `import('aedes').Aedes` when needed */
  aedes: unknown;
  stop(): Promise<void>;
}

export function startEmbedded(opts: { ws?: boolean } = {}): Promise<Embedded> {
  return (startEmbeddedBroker as (o: { ws?: boolean }) => Promise<Embedded>)({ ws: opts.ws });
}
