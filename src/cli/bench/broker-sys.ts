// The broker's own counters, read before and after a run where it offers them: mosquitto keeps
// them as retained $SYS messages (updated every sys_interval, 10 s by default), so a subscription
// gets the current values at once. A broker that sends none within the wait "does not offer" them.
import type { Client as ClientClass } from '../../session/client.ts';
import type { SessionOptions, ReconnectPolicy } from '../../session/types.ts';

const TOPICS = [
  '$SYS/broker/messages/received', '$SYS/broker/messages/sent',
  '$SYS/broker/publish/messages/received', '$SYS/broker/publish/messages/sent',
  '$SYS/broker/clients/connected',
];
/** how long to wait for the retained values after the SUBACK */
const WAIT_MS = 300;

/** the counters by name without '$SYS/broker/', or undefined when the broker sent none */
export async function readSysCounters(Client: typeof ClientClass, session: SessionOptions, policy: ReconnectPolicy): Promise<Record<string, number> | undefined> {
  const c = new Client({ ...session, debug: undefined }, { ...policy, enabled: false, retryFirstConnect: false });
  const got: Record<string, number> = {};
  let n = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((res) => { done = res; });
  c.on('message', (m) => {
    const v = Number(m.payload.toString());
    if (!Number.isFinite(v)) return;
    const k = m.topic.replace('$SYS/broker/', '');
    if (!(k in got)) n++;
    got[k] = v;
    if (n === TOPICS.length) done();
  });
  try {
    await c.connect();
    await c.subscribe(TOPICS.map((topic) => ({ topic, qos: 0 as const })));
    await Promise.race([all, new Promise((r) => setTimeout(r, WAIT_MS))]);
    await c.end().catch(() => undefined);
  } catch {
    c.destroy();
    return undefined;
  }
  return n > 0 ? got : undefined;
}

export function sysDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const k of Object.keys(after)) if (before[k] !== undefined) d[k] = after[k]! - before[k]!;
  return d;
}
