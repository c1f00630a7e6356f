// A subscribing process whose SUBACK mosquitto has sent (its log says so), so that what is
// published next reaches it.
import type { Mosquitto } from './mosquitto.ts';

export async function subscribed<T>(m: Mosquitto, start: () => T, timeoutMs = 5000): Promise<T> {
  const mark = m.logMark();
  const started = start();
  await m.waitForLog(/Sending SUBACK to/, timeoutMs, mark);
  return started;
}
