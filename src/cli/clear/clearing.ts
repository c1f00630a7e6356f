// tsclear's clearing: an empty retained PUBLISH per topic [MQTT-3.3.1-10], pipelined through the
// client's in-flight window (write() + 'drain'), failures collected per topic. With MQTT 3.1.1
// (or QoS 0) a broker cannot say that it dropped a clear (mosquitto PUBACKs an unauthorised
// publish as if it had taken it), so verifyCleared() reads the cleared topics back.
import type { Client } from '../../session/client.ts';
import type { QoS } from '../../session/types.ts';
import { ReasonCodeError } from '../../session/errors.ts';
import { takeSnapshot, type Found, type SnapshotOptions } from './snapshot.ts';

export interface ClearFailure {
  topic: string;
  /** the PUBACK/PUBREC/PUBCOMP reason code, when the broker gave one */
  reasonCode?: number;
  reason: string;
}

export interface ClearResult {
  /** sorted */
  cleared: string[];
  /** sorted by topic */
  failed: ClearFailure[];
}

const EMPTY = Buffer.alloc(0);

const byTopic = (a: { topic: string }, b: { topic: string }): number => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0);

/** Publish an empty retained message to every topic; resolves once each is acknowledged or failed. */
export function clearTopics(client: Client, topics: readonly string[], qos: QoS,
  onProgress?: (done: number, total: number) => void): Promise<ClearResult> {
  const cleared: string[] = [];
  const failed: ClearFailure[] = [];
  const total = topics.length;
  if (total === 0) return Promise.resolve({ cleared, failed });
  return new Promise((resolve) => {
    let next = 0;
    let done = 0;
    const complete = (topic: string, err?: Error | null): void => {
      if (!err) cleared.push(topic);
      else if (err instanceof ReasonCodeError) failed.push({ topic, reasonCode: err.reasonCode, reason: err.reasonText });
      else failed.push({ topic, reason: err.message });
      done++;
      onProgress?.(done, total);
      if (done === total) {
        client.off('drain', pump);
        cleared.sort();
        failed.sort(byTopic);
        resolve({ cleared, failed });
      }
    };
    function pump(): void {
      while (next < total) {
        const topic = topics[next++]!;
        const more = client.write({ topic, payload: EMPTY, qos, retain: true }, (err) => complete(topic, err));
        if (!more) return; // wait for 'drain'
      }
    }
    client.on('drain', pump);
    pump();
  });
}

/**
 * Read the snapshot of `filters` again and move every cleared topic that is still retained with
 * the payload we found to the failures. A topic re-published with another payload meanwhile was
 * cleared; the new message is not ours to judge. Only topics under the filters are read back
 * (takeSnapshot drops the rest), and of those only the ones we cleared are judged.
 * `own`: how a present session tells our subscription's messages (see snapshot.ts).
 */
export async function verifyCleared(client: Client, filters: string[], quietMs: number,
  found: readonly Found[], result: ClearResult, own: Pick<SnapshotOptions, 'liveEnds' | 'subscriptionId'> = {}): Promise<ClearResult> {
  const after = await takeSnapshot(client, { filters, quietMs, ...own });
  const before = new Map(found.map((f) => [f.topic, f.payload]));
  const cleared = new Set(result.cleared);
  const failed = [...result.failed];
  for (const f of after.found) {
    const old = before.get(f.topic);
    if (old === undefined || !cleared.has(f.topic) || !old.equals(f.payload)) continue;
    cleared.delete(f.topic);
    failed.push({ topic: f.topic, reason: 'still retained after clearing (the broker accepted the clear but kept the message: denied by its ACL?)' });
  }
  failed.sort(byTopic);
  return { cleared: [...cleared].sort(), failed };
}
