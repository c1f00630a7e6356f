// Reading the broker's log (log_type all) of a killed broker: which lines it had acknowledged to
// the publisher before the kill. mosquitto's log names packet ids, not payloads; before the kill
// the publisher has one connection and sends each stdin line once, in order, so the k-th
// `Received PUBLISH` on the scenario's topic is line k.
import type { Scenario } from './fault-run.ts';

export interface EpochOne {
  /** the client id the broker logged for the publisher's first connection */
  publisherId: string;
  /** lines the broker received before the kill */
  received: number;
  /** line numbers the broker acknowledged before the kill (PUBACK at QoS 1, PUBREC at QoS 2, success codes) */
  acked: Set<number>;
  /** a PUBLISH with DUP before the kill: the one-connection assumption does not hold */
  dupSeen: boolean;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The broker's own duplicates' bound: PUBLISH re-sends with DUP to the receiver after the fault.
 * At QoS 2 only the re-sends of messages the broker had already released (PUBREL sent before the
 * fault) count: it must re-send the PUBREL then, not the PUBLISH ([MQTT-4.3.3-6], part of
 * [MQTT-4.3.3-1] in 3.1.1); mosquitto 2.0.11 re-sends the PUBLISH after a restart. Any other
 * QoS 2 re-send is deduplicated by a receiver that keeps its session. At QoS 1 every re-send may
 * be a duplicate (at least once).
 */
export function brokerResends(before: string, after: string, receiverId: string, qos: 1 | 2): number {
  const id = escape(receiverId);
  const resent = [...after.matchAll(new RegExp(`Sending PUBLISH to ${id} \\(d1, q${qos}, r\\d, m(\\d+),`, 'g'))].map((m) => m[1]!);
  if (qos === 1) return resent.length;
  const released = new Set([...before.matchAll(new RegExp(`Sending PUBREL to ${id} \\(m(\\d+)\\)`, 'g'))].map((m) => m[1]!));
  return resent.filter((mid) => released.has(mid)).length;
}

/**
 * Session present in the broker's CONNACK to the publisher's connection after the fault: the last
 * CONNACK whose client then published on the topic (a stalled broker also reads the old
 * connection's PUBLISHes after SIGCONT; without -c each connection may have a new id).
 */
export function sessionPresentAfter(after: string, topic: string): boolean | undefined {
  const lastPublish = new Map<string, number>();
  const publishRe = new RegExp(`Received PUBLISH from (\\S+) \\(d\\d, q\\d, r\\d, m\\d+, '${escape(topic)}'`, 'g');
  for (const p of after.matchAll(publishRe)) lastPublish.set(p[1]!, p.index);
  const connacks = [...after.matchAll(/Sending CONNACK to (\S+) \(([01]), 0\)/g)];
  for (let i = connacks.length - 1; i >= 0; i--) {
    const c = connacks[i]!;
    if ((lastPublish.get(c[1]!) ?? -1) > c.index) return c[2] === '1';
  }
  return undefined;
}

/** The log from before the publishers connected, split at the restart after the kill. */
export function parseEpochOne(log: string, s: Scenario, topic: string, receiverId: string):
  { epochOne: EpochOne; resubscribedFirst: boolean } {
  const restart = log.indexOf('[harness] restart\n');
  const before = restart === -1 ? log : log.slice(0, restart);
  const after = restart === -1 ? '' : log.slice(restart);
  const publishRe = new RegExp(`Received PUBLISH from (\\S+) \\(d(\\d), q\\d, r\\d, m(\\d+), '${escape(topic)}'`, 'g');
  const lineOfMid = new Map<number, number>();
  let publisherId = '';
  let received = 0;
  let dupSeen = false;
  for (const match of before.matchAll(publishRe)) {
    publisherId ||= match[1]!;
    received++;
    if (match[2] !== '0') dupSeen = true;
    lineOfMid.set(Number(match[3]), received);
  }
  const ack = s.qos === 1 ? 'PUBACK' : 'PUBREC';
  const acked = new Set<number>();
  if (publisherId) {
    const ackRe = new RegExp(`Sending ${ack} to ${escape(publisherId)} \\(m(\\d+), rc(\\d+)\\)`, 'g');
    for (const match of before.matchAll(ackRe)) {
      const line = lineOfMid.get(Number(match[1]));
      if (line !== undefined && Number(match[2]) < 0x80) acked.add(line);
    }
  }
  // after the restart: the receiver's SUBACK must come before the publisher's first PUBLISH
  const sub = after.search(new RegExp(`Sending SUBACK to ${escape(receiverId)}\\b`));
  const pub = after.search(new RegExp(`Received PUBLISH from \\S+ \\(d\\d, q\\d, r\\d, m\\d+, '${escape(topic)}'`));
  return {
    epochOne: { publisherId, received, acked, dupSeen },
    resubscribedFirst: sub !== -1 && (pub === -1 || sub < pub),
  };
}

export interface Unfinished {
  /** QoS 1/2 PUBLISHes without their PUBACK/PUBREC when the first connection was lost */
  publish: number;
  /** QoS 2 PUBRELs without their PUBCOMP */
  pubrel: number;
}

/** tspub -d's transcript of its first connection (up to the next `sending CONNECT`): what was unfinished. */
export function unfinishedAtOutage(debug: string, qos: 1 | 2): Unfinished {
  const first = debug.indexOf(' sending CONNECT\n');
  const second = first === -1 ? -1 : debug.indexOf(' sending CONNECT\n', first + 1);
  const text = second === -1 ? debug : debug.slice(0, second);
  const mids = (re: RegExp): Set<string> => new Set([...text.matchAll(re)].map((m) => m[1]!));
  const sent = mids(/ sending PUBLISH \(d\d, q\d, r\d, m(\d+),/g);
  const acked = mids(qos === 1 ? / received PUBACK \(Mid: (\d+)/g : / received PUBREC \(Mid: (\d+)/g);
  const released = mids(/ sending PUBREL \(m(\d+)\)/g);
  const completed = mids(/ received PUBCOMP \(Mid: (\d+)/g);
  let publish = 0;
  for (const mid of sent) if (!acked.has(mid)) publish++;
  let pubrel = 0;
  for (const mid of released) if (!completed.has(mid)) pubrel++;
  return { publish, pubrel };
}
