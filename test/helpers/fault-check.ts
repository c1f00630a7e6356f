// What each fault scenario must guarantee (fault-run.ts runs them), and the summary rows.
//
// Broker kept its state (restart after SIGTERM, SIGSTOP/SIGCONT): nothing lost at QoS 1 and 2.
// QoS 2 has no duplicates but the broker's own: mosquitto 2.0.11 re-sends, after a restart, QoS 2
// messages it had already released (`Sending PUBLISH to <receiver> (d1, q2, ...` in its log), to
// mosquitto_sub too; duplicates up to the number of those re-sends count as the broker's. QoS 1
// duplicates are allowed (at least once) and counted. MQTT 3.1.1 without -c has no session to
// keep: unfinished QoS 1/2 messages are republished as new (at least once, QoS 2 duplicates
// allowed), and tspub says so in one stderr line per outage.
// Broker lost its state (SIGKILL): tspub exits 0 only when everything it accepted was acknowledged,
// so every line missing at the receiver must have been acknowledged by the broker before the kill.
// No session survives a kill, -c or not: the republish line applies to every combination.
// Always: tspub exits 0 (it reconnects); its stderr is the outage line, plus the republish line
// where that applies. What tspub must do follows from the broker's CONNACK after the fault
// (session present or not, from the broker log); that the broker kept tspub's session wherever
// one was asked for (-c, or MQTT 5's run session) is checked last, as its own failure.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { versionName, type Fault, type Outcome } from './fault-run.ts';

const OUTAGE = /^Connection lost \(.+\); reconnecting\.$/;
/** the whole outage line each fault gives: a closed socket (RST when the broker left data unread), or the keepalive */
const OUTAGE_LINE: Record<Fault, RegExp> = {
  restart: /^Connection lost \((connection to 127\.0\.0\.1:\d+ was reset by the peer|the broker closed the connection)\); reconnecting\.$/,
  kill: /^Connection lost \((connection to 127\.0\.0\.1:\d+ was reset by the peer|the broker closed the connection)\); reconnecting\.$/,
  stop: /^Connection lost \(no PINGRESP from the broker within 5s: connection lost\); reconnecting\.$/,
};
/**
 * The republish notice, matched loosely (its text may still change); today: "Reconnected without a
 * session on the broker: 20 unacknowledged QoS 1/2 messages published again (they may arrive twice)."
 */
export const REPUBLISH = /republish|published again/i;

interface StderrLines { outages: string[]; republished: string[]; other: string[] }

function classify(stderr: string): StderrLines {
  const out: StderrLines = { outages: [], republished: [], other: [] };
  for (const line of stderr.split('\n').filter(Boolean)) {
    if (OUTAGE.test(line)) out.outages.push(line);
    else if (REPUBLISH.test(line)) out.republished.push(line);
    else out.other.push(line);
  }
  return out;
}

const list = (ns: number[]): string => (ns.length > 12 ? `${ns.slice(0, 12).join(', ')}, ... (${ns.length})` : ns.join(', '));

/** duplicates the broker's own DUP re-sends account for, and the rest (ours) */
export function splitDuplicates(o: Outcome): { broker: number; ours: number } {
  const broker = Math.min(o.duplicates, o.brokerDupResends);
  return { broker, ours: o.duplicates - broker };
}

/** MQTT 3.1.1 without -c: no session survives the outage, by design */
const noSessionByDesign = (o: Outcome): boolean => o.scenario.version === 4 && !o.scenario.persistent;

function checkCommon(o: Outcome, republishRule: (n: number) => string | undefined): void {
  const err = classify(o.pubStderr);
  assert.equal(o.pubSignal, null, `tspub was killed by ${o.pubSignal}; stderr:\n${o.pubStderr}`);
  assert.equal(o.pubCode, 0, `tspub exit code; stderr:\n${o.pubStderr}`);
  assert.deepEqual(err.other, [], 'tspub stderr: only the outage and republish lines');
  assert.equal(err.outages.length, 1, `one outage, one 'Connection lost' line; stderr:\n${o.pubStderr}`);
  assert.match(err.outages[0]!, OUTAGE_LINE[o.scenario.fault]);
  const bad = republishRule(err.republished.length);
  if (bad) assert.fail(`${bad}; tspub stderr:\n${o.pubStderr}`);
  assert.deepEqual(o.strange.slice(0, 5), [], 'receiver output: line numbers only');
  assert.ok(o.receiverAlive, `the receiver (${o.scenario.receiver}) ran until the end; stderr:\n${o.receiverStderr}`);
  if (o.scenario.receiver === 'tssub') {
    assert.equal(o.receiverCode, 0, `tssub exit code after SIGINT; stderr:\n${o.receiverStderr}`);
    const lines = o.receiverStderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `tssub stderr: one outage line; stderr:\n${o.receiverStderr}`);
    assert.match(lines[0]!, OUTAGE_LINE[o.scenario.fault]);
  }
}

/**
 * Where no session carries the unfinished messages over (no session kept, or the broker lost it),
 * tspub republishes them as new and says so once: required when a PUBLISH had no PUBACK/PUBREC at
 * the outage; allowed when only PUBRELs were open (republishing those is a choice: the broker had
 * the message); never when nothing was open.
 */
function republishRule(o: Outcome, sessionLost: boolean): (n: number) => string | undefined {
  const u = o.unfinished;
  return (n) => {
    const open = `open at the outage: ${u.publish} PUBLISH, ${u.pubrel} PUBREL`;
    if (!sessionLost) return n === 0 ? undefined : `the session was kept: nothing to republish, found ${n} lines matching ${REPUBLISH}`;
    if (u.publish > 0 && n !== 1) return `one line matching ${REPUBLISH} per outage expected (${open}), found ${n}`;
    if (u.publish + u.pubrel === 0 && n !== 0) return `nothing was open at the outage, yet ${n} lines matching ${REPUBLISH}`;
    if (n > 1) return `one outage: at most one line matching ${REPUBLISH}, found ${n} (${open})`;
    return undefined;
  };
}

export function checkKeptState(o: Outcome): void {
  assert.notEqual(o.pubSessionPresent, undefined, 'the broker log shows tspub publishing on a new connection after the fault');
  // what tspub must do follows from what the broker answered; whether it answered right, last
  const noSession = o.pubSessionPresent === false;
  checkCommon(o, republishRule(o, noSession));
  assert.equal(o.lost.length, 0, `lines lost although the broker kept its state: ${list(o.lost)}`);
  if (o.scenario.qos === 2 && !noSession) {
    const { ours } = splitDuplicates(o);
    assert.equal(ours, 0, `QoS 2 duplicates beyond the broker's ${o.brokerDupResends} re-sends of released messages: ${o.duplicates} in all`);
  }
  const expected = !noSessionByDesign(o);
  const why = o.scenario.version === 5 && !o.scenario.persistent && o.scenario.fault === 'restart'
    ? ' (mosquitto 2.0.11 saves at shutdown only the sessions whose connection had clean start 0)' : '';
  assert.equal(o.pubSessionPresent, expected, `session present in the broker's CONNACK to tspub after the fault${why}`);
}

export function checkLostState(o: Outcome): void {
  const e = o.epochOne;
  assert.ok(e && e.publisherId, 'the broker log shows the publisher\'s PUBLISHes before the kill');
  assert.equal(e.dupSeen, false, 'one connection, no resend, before the kill (the line = order of arrival)');
  assert.ok(o.resubscribedFirst, 'test set-up: the receiver subscribed again before tspub published after the restart');
  assert.equal(o.pubSessionPresent, false, 'the killed broker has no session for tspub');
  checkCommon(o, republishRule(o, true));
  const unacked = o.lost.filter((n) => !e.acked.has(n));
  assert.deepEqual(unacked, [], `lines lost that the broker had not acknowledged before the kill: ${list(unacked)} `
    + `(acknowledged before the kill: ${e.acked.size} of ${e.received} received)`);
}

export function summaryRow(o: Outcome): string {
  const s = o.scenario;
  const d = splitDuplicates(o);
  const err = classify(o.pubStderr);
  const cols = [
    s.fault.padEnd(7), `q${s.qos}`, `v${versionName(s.version)}`.padEnd(6), (s.persistent ? '-c' : 'no-c').padEnd(4), s.receiver.padEnd(13),
    `sent ${o.sent}`, `received ${String(o.received).padStart(4)}`, `lost ${String(o.lost.length).padStart(4)}`,
    `dups ours/broker ${d.ours}/${d.broker}`, `(broker DUP re-sends ${o.brokerDupResends})`,
    `session ${o.pubSessionPresent === undefined ? '?' : o.pubSessionPresent ? 'kept' : 'lost'}`,
    `open at outage ${o.unfinished.publish}+${o.unfinished.pubrel}`, `republish ${err.republished.length}`,
    `outages ${err.outages.length}`, `exit ${o.pubCode ?? o.pubSignal}`, `seen at fault ${o.seenAtFault}`,
  ];
  if (o.epochOne) {
    const lostAcked = o.lost.filter((n) => o.epochOne!.acked.has(n)).length;
    cols.push(`acked before kill ${o.epochOne.acked.size}/${o.epochOne.received}`, `lost acked/unacked ${lostAcked}/${o.lost.length - lostAcked}`);
  }
  return cols.join('  ');
}

const ORDER: Fault[] = ['restart', 'stop', 'kill'];
const part = (f: Fault): string => `/tmp/fault-matrix-${f}.txt`;

/** Rows of one fault into /tmp/fault-matrix-<fault>.txt, then all parts into /tmp/fault-matrix.txt. */
export function writeSummary(fault: Fault, rows: string[]): void {
  writeFileSync(part(fault), `# ${fault}: ${new Date().toISOString()}\n${rows.join('\n')}\n`);
  const all = ORDER.filter((f) => existsSync(part(f))).map((f) => readFileSync(part(f), 'utf8')).join('');
  writeFileSync('/tmp/fault-matrix.txt', all);
}
