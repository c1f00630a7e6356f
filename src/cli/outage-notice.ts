// The stderr line tspub and tssub print when the connection is lost and a reconnect is pending.
// A fixed client id dropped again and again right after connecting is the mark of another
// client using the same id (the broker closes the older connection [MQTT-3.1.4-3]): say so.
import type { Client } from '../session/client.ts';
import { monotonicMs } from './clock.ts';

/** a connection that ends sooner than this after CONNACK counts as dropped at once */
const QUICK_DROP_MS = 2000;

export function reportOutages(client: Client, notice: (text: string) => void): void {
  let connectedAt = 0;
  let quickDrops = 0;
  client.on('connect', () => { connectedAt = monotonicMs(); });
  // 'offline' follows a successful connection only, once per outage
  client.on('offline', (err) => {
    quickDrops = monotonicMs() - connectedAt < QUICK_DROP_MS ? quickDrops + 1 : 0;
    const id = client.options.clientId;
    const hint = quickDrops >= 2 && id ? ` Another client may be connected with the id '${id}' (the broker drops the older one).` : '';
    notice(`Connection lost (${err.message}); reconnecting.${hint}`);
  });
}
