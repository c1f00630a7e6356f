// The fault-injection matrix: `tspub -l` streams numbered lines to a persistent-session receiver
// (mosquitto_sub or tssub, -c -i, same QoS) through a real mosquitto with persistence, and a fault
// hits the broker in the middle of the stream: (a) SIGTERM + restart, (b) SIGSTOP for longer than
// the keepalive, then SIGCONT, (c) SIGKILL + restart (the broker loses what it had not saved:
// persistence is written at shutdown only, autosave_interval 0). What each case must guarantee is
// checked in fault-check.ts; this file runs the processes and counts.
//
//   const outcomes = await runFaultGroup(m, matrix('restart'));   // one Outcome per Scenario
//
// The scenarios of a group run side by side on one broker and share one fault (a SIGSTOP costs
// ~12 s: one per group, not one per scenario). Lines 1-1500 go in at once, the fault hits when
// every receiver has seen 300, lines 1501-3000 go in while the broker is away. Every wait is
// bounded; every process started here is stopped by its pid before the group returns.
import type { Mosquitto } from './mosquitto.ts';
import { spawnBin, type RunningBin } from './run-bin.ts';
import { mosqSub } from './mosq-clients.ts';
import { delay } from './wait.ts';
import { brokerResends, parseEpochOne, sessionPresentAfter, unfinishedAtOutage, type EpochOne, type Unfinished } from './fault-log.ts';

export type Fault = 'restart' | 'stop' | 'kill';
export type ReceiverKind = 'mosquitto_sub' | 'tssub';

export interface Scenario {
  fault: Fault;
  qos: 1 | 2;
  /** protocol version of tspub (and of a tssub receiver) */
  version: 4 | 5;
  /** tspub -c -i ID */
  persistent: boolean;
  receiver: ReceiverKind;
  /** unique per broker: topic and client ids derive from it */
  tag: string;
}

export interface Outcome {
  scenario: Scenario;
  sent: number;
  /** receiver stdout: how many times each line number 1..sent arrived (index 0 unused) */
  counts: number[];
  received: number;
  lost: number[];
  duplicates: number;
  /** receiver output lines that are not a line number 1..sent */
  strange: string[];
  /** the broker's re-sends with DUP to the receiver after the fault (the bound of its own duplicates) */
  brokerDupResends: number;
  /** lines the receiver had seen when the fault hit */
  seenAtFault: number;
  pubCode: number | null;
  pubSignal: string | null;
  pubStderr: string;
  /** from tspub -d: its unfinished messages when the connection was lost */
  unfinished: Unfinished;
  /** the broker's CONNACK to tspub's connection after the fault: session present (undefined: not found) */
  pubSessionPresent: boolean | undefined;
  receiverCode: number | null;
  receiverStderr: string;
  /** the receiver was still running when the test stopped it */
  receiverAlive: boolean;
  /** fault 'kill': the publisher's first connection as the broker logged it (before the kill) */
  epochOne?: EpochOne;
  /** fault 'kill': the receiver subscribed again before the publisher's first PUBLISH after the restart */
  resubscribedFirst?: boolean;
}

/** lines per stream; the fault hits once every receiver has seen FAULT_AT lines */
export const LINES = 3000;
export const FIRST_PART = 1500;
export const FAULT_AT = 300;

const VERSIONS = [4, 5] as const;
const versionArg = (v: 4 | 5): string => (v === 5 ? '5' : '311');
export const versionName = (v: 4 | 5): string => (v === 5 ? '5' : '3.1.1');

/** every combination for one fault: QoS 1/2 x MQTT 3.1.1/5 x with/without -c -i x both receivers */
export function matrix(fault: Fault): Scenario[] {
  const out: Scenario[] = [];
  for (const receiver of ['mosquitto_sub', 'tssub'] as const) {
    for (const qos of [1, 2] as const) {
      for (const version of VERSIONS) {
        for (const persistent of [false, true]) {
          out.push({ fault, qos, version, persistent, receiver, tag: `${fault}-${out.length + 1}` });
        }
      }
    }
  }
  return out;
}

export const scenarioName = (s: Scenario): string =>
  `${s.fault}: QoS ${s.qos}, MQTT ${versionName(s.version)}, ${s.persistent ? '-c -i' : 'no -c'}, receiver ${s.receiver}`;

export const topicOf = (s: Scenario): string => `faults/${s.tag}`;
export const receiverId = (s: Scenario): string => `fr-${s.tag}`;
export const publisherId = (s: Scenario): string => `fp-${s.tag}`;

const numbered = (from: number, to: number): string => {
  let text = '';
  for (let i = from; i <= to; i++) text += `${i}\n`;
  return text;
};

/** Polls cond every intervalMs (not 10 ms: counting 8 receivers' output is not free on 2 cores). */
async function pollUntil(cond: () => boolean, timeoutMs: number, what: string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}

const countLines = (t: string): number => {
  let n = 0;
  for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) n++;
  return n;
};

/** The receiving process, and the output of the one it replaced (mosquitto_sub after a kill). */
class Receiver {
  proc: RunningBin;
  private earlier = '';
  constructor(private readonly m: Mosquitto, readonly s: Scenario) { this.proc = this.spawn(); }

  private spawn(): RunningBin {
    const s = this.s;
    const common = ['-h', this.m.host, '-p', String(this.m.port), '-t', topicOf(s), '-q', String(s.qos), '-c', '-i', receiverId(s), '-k', '5'];
    // mosquitto_sub speaks 3.1.1: libmosquitto 2.0.11 as an MQTT 5 QoS 2 subscriber of a fast stream
    // quits after a few hundred messages ("A network protocol error occurred"), even with mosquitto_pub
    if (s.receiver === 'mosquitto_sub') return mosqSub([...common, '-V', '311'], { timeoutMs: 180_000 });
    return spawnBin('tssub', [...common, '-V', versionArg(s.version), '--connect-timeout', '3',
      // after a kill the receiver must be subscribed again before tspub publishes (see publisherArgs)
      ...(s.fault === 'kill' ? ['--reconnect-delay', '0.1'] : [])], { timeoutMs: 180_000 });
  }

  /**
   * mosquitto_sub is started afresh after a kill (stopped while the broker is down, started once
   * it runs): libmosquitto 2.0.11 keeps its inbound QoS 2 ids when it reconnects into a new
   * session (Session Present 0; MQTT 5 says discard them) and drops the fresh broker's messages
   * that reuse those ids: 7 of 3000 lines, each delivered by the broker with PUBREC and PUBCOMP.
   * tssub discards them (it stays).
   */
  async retire(): Promise<void> {
    if (this.s.receiver !== 'mosquitto_sub') return;
    this.proc.kill('SIGTERM');
    this.earlier += (await this.proc.exited()).out;
  }

  respawn(): void {
    if (this.s.receiver === 'mosquitto_sub') this.proc = this.spawn();
  }

  text(): string { return this.earlier + this.proc.stdoutText(); }
  lines(): number { return countLines(this.text()); }
  alive(): boolean { return this.proc.child.exitCode === null && this.proc.child.signalCode === null; }
}

function publisherArgs(m: Mosquitto, s: Scenario): string[] {
  // -d: the packet transcript says what was unfinished when the connection was lost
  return ['-h', m.host, '-p', String(m.port), '-t', topicOf(s), '-l', '-q', String(s.qos), '-k', '5', '--connect-timeout', '3', '-d',
    '-V', versionArg(s.version), ...(s.persistent ? ['-c', '-i', publisherId(s)] : []),
    // the killed broker forgets every subscription: tspub comes back after the receivers, or what
    // it publishes before they subscribe again has no subscriber to go to
    ...(s.fault === 'kill' ? ['--reconnect-delay', '3'] : [])];
}

const logSince = (m: Mosquitto, since: number): string => m.log().slice(Math.max(0, since - (m.logMark() - m.log().length)));
const countSince = (m: Mosquitto, since: number, re: RegExp): number => (logSince(m, since).match(re) ?? []).length;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const subackFor = (s: Scenario): RegExp => new RegExp(`Sending SUBACK to ${escape(receiverId(s))}\\b`);

/** Injects the fault; resolves once the broker runs again (and the stall is over). */
async function inject(m: Mosquitto, fault: Fault, receivers: Receiver[], waitOutage: () => Promise<void>): Promise<void> {
  if (fault === 'restart') return m.restart();
  if (fault === 'kill') {
    m.signal('SIGKILL');
    await Promise.all(receivers.map((r) => r.retire()));
    const mark = m.logMark();
    await m.restart();   // stop() finds the process dead (or dying) and waits for its exit
    for (const r of receivers) r.respawn();
    for (const r of receivers) await m.waitForLog(subackFor(r.s), 20_000, mark);
    return;
  }
  m.signal('SIGSTOP');
  try {
    // longer than the keepalive (5 s): until our clients have noticed the broker is gone
    await waitOutage().catch(() => undefined);   // a client that never notices fails its check
  } finally {
    m.signal('SIGCONT');
  }
}

export async function runFaultGroup(m: Mosquitto, scenarios: Scenario[]): Promise<Outcome[]> {
  const fault = scenarios[0]!.fault;
  const receivers: Receiver[] = [];
  const pubs: RunningBin[] = [];
  try {
    const subMark = m.logMark();
    for (const s of scenarios) receivers.push(new Receiver(m, s));
    for (const s of scenarios) await m.waitForLog(subackFor(s), 20_000, subMark);
    const pubMark = m.logMark();
    for (const s of scenarios) pubs.push(spawnBin('tspub', publisherArgs(m, s), { timeoutMs: 180_000 }));
    // only the publishers connect from here on: start feeding once all have their CONNACK, so the
    // streams run side by side and none is done with its first part when the fault hits
    await pollUntil(() => countSince(m, pubMark, /Sending CONNACK to /g) >= scenarios.length, 20_000, 'every tspub to connect');
    for (const p of pubs) p.child.stdin!.write(numbered(1, FIRST_PART));
    await pollUntil(() => receivers.every((r) => r.lines() >= FAULT_AT), 30_000, `every receiver to see ${FAULT_AT} lines`);
    const seenAtFault = receivers.map((r) => r.lines());
    const faultMark = m.logMark();
    const ours = [...pubs, ...receivers.filter((r) => r.s.receiver === 'tssub').map((r) => r.proc)];
    const injected = inject(m, fault, receivers,
      () => pollUntil(() => ours.every((p) => p.stderrText().includes('Connection lost')), 25_000, 'our clients to notice the outage', 200));
    // the rest goes in while the broker is away: tspub holds it (and pauses stdin when full)
    for (const p of pubs) p.child.stdin!.end(numbered(FIRST_PART + 1, LINES));
    await injected;
    const results = await Promise.all(pubs.map((p) => p.exited()));
    // the receivers are done when their output stops growing (the broker delivers queued
    // messages at once after reconnecting; lost ones never come)
    let last = -1;
    let stableSince = Date.now();
    // a receiver still short of lines counts as quiet only once it has subscribed again after the
    // fault: on a loaded box mosquitto_sub's reconnect can take longer than 2 s of silence
    await pollUntil(() => {
      const total = receivers.reduce((n, r) => n + r.text().length, 0);
      if (total !== last) { last = total; stableSince = Date.now(); }
      const allIn = receivers.every((r) => r.lines() >= LINES);
      if (Date.now() - stableSince < (allIn ? 500 : 2000)) return false;
      if (allIn) return true;
      const after = logSince(m, faultMark); // read only once quiet: the log is megabytes
      return !receivers.some((r) => r.lines() < LINES && r.alive() && !subackFor(r.s).test(after));
    }, 60_000, 'the receivers to go quiet', 100);
    const alive = receivers.map((r) => r.alive());
    for (const r of receivers) r.proc.kill('SIGINT');
    const got = await Promise.all(receivers.map((r) => r.proc.exited()));
    // mosquitto.ts keeps the last 16-32 MB of log; 16 scenarios write ~22 MB
    if (m.logMark() - m.log().length > subMark) throw new Error('the broker log of this group was trimmed: fewer scenarios per group');
    const log = logSince(m, pubMark);
    const [beforeFault, afterFault] = [log.slice(0, faultMark - pubMark), log.slice(faultMark - pubMark)];
    return scenarios.map((s, i) => {
      const counts = new Array<number>(LINES + 1).fill(0);
      const strange: string[] = [];
      for (const line of receivers[i]!.text().split('\n')) {
        if (line === '') continue;
        const n = Number(line);
        if (/^[1-9]\d*$/.test(line) && n <= LINES) counts[n]!++;
        else strange.push(line);
      }
      const lost: number[] = [];
      let duplicates = 0;
      for (let n = 1; n <= LINES; n++) {
        if (counts[n] === 0) lost.push(n);
        else duplicates += counts[n]! - 1;
      }
      const outcome: Outcome = {
        scenario: s, sent: LINES, counts, received: LINES - lost.length, lost, duplicates, strange,
        brokerDupResends: brokerResends(beforeFault, afterFault, receiverId(s), s.qos),
        seenAtFault: seenAtFault[i]!,
        pubCode: results[i]!.code, pubSignal: results[i]!.signal, pubStderr: results[i]!.stderr,
        unfinished: unfinishedAtOutage(results[i]!.out, s.qos),
        pubSessionPresent: sessionPresentAfter(afterFault, topicOf(s)),
        receiverCode: got[i]!.code, receiverStderr: got[i]!.stderr, receiverAlive: alive[i]!,
      };
      if (fault === 'kill') Object.assign(outcome, parseEpochOne(log, s, topicOf(s), receiverId(s)));
      return outcome;
    });
  } finally {
    m.signal('SIGCONT');   // never leave the broker stopped, whatever failed
    for (const p of [...pubs, ...receivers.map((r) => r.proc)]) p.kill('SIGKILL');
  }
}
