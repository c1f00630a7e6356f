// tsclear's snapshot: subscribe to the filters, collect the retained messages the broker sends,
// and decide by itself when the snapshot is complete.
//
// A broker sends a subscription's retained messages right after its SUBACK and before any live
// message for it [MQTT-3.3.1-9], so the snapshot ends when
//   - a live (non-retained) message has arrived for every filter ('live'), or
//   - no retained message has arrived for quietMs since the SUBACK or the last one ('quiet').
//
// The subscription is QoS 0 on purpose: with QoS 1/2, mosquitto (default max_queued_messages 1000)
// hands a new subscriber only about in-flight window + queue limit retained messages and drops the
// rest (measured on 2.0.11: 1020 of 10,000); at QoS 0 it sent all 10,000.
//
// With a kept session (-c -i ID) the broker also delivers through the session's older
// subscriptions, queued messages first. Only what our own subscriptions sent may count:
//   - a topic that no -t filter matches is not ours, whatever its retain flag (an old
//     subscription with Retain As Published passes retained publishes on with the flag set);
//   - MQTT 5: our SUBSCRIBE carries a subscription identifier, which the broker puts on every
//     message sent for it [MQTT-3.3.4-3]; a message without it came through another subscription
//     (an old, stale copy of a retained message, or a queued live one);
//   - MQTT 3.1.1 cannot tell: there a live message ends the snapshot only in a new session. In a
//     present one it may be an old subscription's message queued before our SUBACK and ahead of
//     our retained ones (the broker sends the SUBACK at once, the queue in order), so only the
//     quiet time ends it. (Nor can QoS tell: aedes sends retained messages to a QoS 0
//     subscription at their own QoS, against [MQTT-3.8.4-6].)
import type { Client } from '../../session/client.ts';
import type { InboundMessage, Subscription } from '../../session/types.ts';
import { ReasonCodeError } from '../../session/errors.ts';
import { isFailure, reasonText } from '../../protocol/reason-codes.ts';
import { topicMatches } from '../../protocol/topic.ts';
import { monotonicMs } from '../runtime/clock.ts';

export interface Found {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
}

export type EndedBy = 'live' | 'quiet';

export interface SnapshotOptions {
  filters: string[];
  /** end after this long without a retained message (ms) */
  quietMs: number;
  /** -T: drop topics matching any of these filters */
  exclude?: string[];
  /** --match: keep only topics this regular expression finds a match in */
  match?: RegExp;
  /** called for every retained message kept (progress display) */
  onFound?: (count: number) => void;
  /** a live message on every filter ends the snapshot (default true; false in a present MQTT 3.1.1 session) */
  liveEnds?: boolean;
  /** MQTT 5: subscribe with this identifier and ignore messages that do not carry it */
  subscriptionId?: number;
}

/** a random identifier (1..268,435,455 [MQTT-3.8.2.1.2]) no old subscription of the session is likely to use */
export function ownSubscriptionId(): number {
  return 1 + Math.floor(Math.random() * 0xffffffe);
}

const carries = (ids: number | number[] | undefined, id: number): boolean => (Array.isArray(ids) ? ids.includes(id) : ids === id);

export interface Snapshot {
  /** one entry per topic (deduplicated across filters), sorted by topic */
  found: Found[];
  endedBy: EndedBy;
  /** retained topics left out by -T / --match */
  excluded: number;
}

/** Subscribe, collect, unsubscribe. Rejects with ReasonCodeError when the broker refuses a filter. */
export async function takeSnapshot(client: Client, opts: SnapshotOptions): Promise<Snapshot> {
  const { filters, quietMs } = opts;
  const exclude = opts.exclude ?? [];
  const kept = new Map<string, Found>();
  const excludedTopics = new Set<string>();
  const live = filters.map(() => false);
  let liveCount = 0;
  let lastActivity = 0;
  let subacked = false;
  let timer: NodeJS.Timeout | undefined;
  let finish!: (how: EndedBy) => void;
  let fail!: (err: Error) => void;
  const ended = new Promise<EndedBy>((res, rej) => { finish = res; fail = rej; });
  ended.catch(() => undefined); // a close after a refused SUBACK must not become an unhandled rejection

  const liveEnds = opts.liveEnds ?? true;
  const ownId = opts.subscriptionId;
  const underFilters = (topic: string): boolean => filters.some((f) => topicMatches(f, topic));

  const onMessage = (m: InboundMessage): void => {
    if (ownId !== undefined && !carries(m.properties?.subscriptionIdentifier, ownId)) return;
    if (!m.retain) {
      if (!liveEnds) return;
      // a live message: the retained ones for every filter it matches are all in
      for (let i = 0; i < filters.length; i++) {
        if (!live[i] && topicMatches(filters[i]!, m.topic)) { live[i] = true; liveCount++; }
      }
      if (subacked && liveCount === filters.length) finish('live');
      return;
    }
    if (!underFilters(m.topic)) return;
    lastActivity = monotonicMs();
    // an empty retained payload is a deletion, not a retained message (brokers do not send them)
    if (m.payload.length === 0) return;
    if (excludedTopics.has(m.topic)) return;
    const known = kept.get(m.topic);
    // the same topic again (overlapping subscriptions, a republish): the latest payload is the retained one
    if (known) { known.payload = m.payload; return; }
    if (exclude.some((f) => topicMatches(f, m.topic)) || (opts.match !== undefined && !opts.match.test(m.topic))) {
      excludedTopics.add(m.topic);
      return;
    }
    kept.set(m.topic, { topic: m.topic, payload: m.payload, qos: m.qos });
    opts.onFound?.(kept.size);
  };
  const onClose = (err?: Error): void => fail(err ?? new Error('connection closed during the snapshot'));
  // retained messages sent before a reconnect may be lost with the connection: a snapshot across
  // an outage is not one, so fail rather than clear from a partial picture
  const onOffline = (err: Error): void => fail(new Error(`connection lost during the snapshot (${err.message}); nothing was cleared`));
  // timers run late while a burst is being parsed, so re-check the real gap instead of trusting one timeout
  const check = (): void => {
    const idle = monotonicMs() - lastActivity;
    if (idle >= quietMs) finish('quiet');
    else timer = setTimeout(check, quietMs - idle);
  };

  client.on('message', onMessage);
  client.on('close', onClose);
  client.on('offline', onOffline);
  try {
    const subs: Subscription[] = filters.map((topic) => ({ topic, qos: 0, retainAsPublished: false, retainHandling: 0 }));
    const codes = await client.subscribe(subs, ownId === undefined ? undefined : { subscriptionIdentifier: ownId });
    codes.forEach((rc, i) => {
      if (isFailure(rc)) throw new ReasonCodeError('SUBACK', rc, rc === 0x80 ? 'refused by the broker' : reasonText(rc), filters[i]);
    });
    // one SUBSCRIBE for all filters: a single SUBACK, so the quiet timer starts once for all of them
    subacked = true;
    lastActivity = monotonicMs();
    if (liveEnds && liveCount === filters.length) finish('live');
    else timer = setTimeout(check, quietMs);
    const endedBy = await ended;
    const found = [...kept.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
    return { found, endedBy, excluded: excludedTopics.size };
  } finally {
    clearTimeout(timer);
    client.off('message', onMessage);
    client.off('close', onClose);
    client.off('offline', onOffline);
    // stop the broker echoing our own clears back to us; offline, this still makes the client
    // forget the filters so that a reconnect does not subscribe again. Not awaited: the broker
    // handles the UNSUBSCRIBE before the clears we send after it (one connection is processed in
    // order), and one that never sends the UNSUBACK must not stall the run
    client.unsubscribe(filters).catch(() => undefined);
  }
}
