// Fuzz: a fake broker answers CONNECT with random and mutated packets (test/helpers/fuzz-gen.ts:
// valid packets with bytes flipped, truncated, random lengths, random type and flags, random v5
// properties, plain random bytes, re-chunked at random), then closes or falls silent. Most cases run
// against the session layer in-process (Client, reconnect off, keepalive 1 s), a few hundred against
// the tspub/tssub binaries (-k 5 --connect-timeout 5 --no-reconnect). Whatever comes: no uncaught exception or unhandled
// rejection, no stack trace, no hang past the keepalive, the connection ends with exactly one error
// (a MqttError in-process; one `Error: ` line and exit 1 from the binaries, or exit 0 when the
// mutation was harmless, or the CONNACK's code when it refused). The seed is printed; FUZZ_SEED=N
// repeats a run, FUZZ_SESSION_CASES / FUZZ_BIN_CASES change the counts.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBroker, type FakeConn } from './helpers/fake-broker.ts';
import { runBin } from './helpers/run-bin.ts';
import { NO_RECONNECT, opts, tcp } from './helpers/session-helpers.ts';
import { ack, brokerScript, frame, maybe, Rng, suback, unsuback, type BrokerScript } from './helpers/fuzz-gen.ts';
import { Client } from '../src/session/client.ts';
import { MqttError, ProtocolError } from '../src/session/errors.ts';
import type { Packet, ProtocolVersion } from '../src/protocol/codec.ts';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Date.now() ^ (process.pid << 12)) >>> 0;
const SESSION_CASES = Number(process.env.FUZZ_SESSION_CASES ?? 2400);
const BIN_CASES = Number(process.env.FUZZ_BIN_CASES ?? 240);

interface Case { rng: Rng; v: ProtocolVersion; script: BrokerScript; connections: number }

const caseSeed = (i: number): number => (SEED ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const uncaught: unknown[] = [];
process.on('uncaughtException', (e) => { uncaught.push(e); });
process.on('unhandledRejection', (e) => { uncaught.push(e); });

/** an answer to the client's packet: mostly the right one, sometimes mutated */
function answer(rng: Rng, v: ProtocolVersion, p: Packet): Buffer | undefined {
  const id = (p as { messageId?: number }).messageId ?? 1;
  switch (p.cmd) {
    case 'publish': return p.qos === 0 ? undefined : maybe(rng, ack(rng, v, p.qos === 1 ? 4 : 5, id), 0.8);
    case 'pubrel': return maybe(rng, ack(rng, v, 7, id), 0.8);
    case 'pubrec': return maybe(rng, ack(rng, v, 6, id), 0.8);
    case 'subscribe': return maybe(rng, suback(rng, v, id, p.subscriptions.length), 0.8);
    case 'unsubscribe': return maybe(rng, unsuback(rng, v, id, p.unsubscriptions.length), 0.8);
    case 'pingreq': return maybe(rng, frame(0xd0, Buffer.alloc(0)), 0.9);
    default: return undefined;
  }
}

/** the broker's side of a case: the script's writes, answers until it closes (none when it stalls) */
async function play(c: FakeConn, k: Case): Promise<void> {
  const answers = k.script.answers && k.script.end === 'close';
  c.onPacket((p) => {
    if (p.cmd === 'disconnect') { c.close(); return; }
    const a = answers ? answer(k.rng, k.v, p) : undefined;
    if (a) c.sendRaw(a);
  });
  for (const s of k.script.steps) {
    c.sendRaw(s);
    await new Promise((r) => setImmediate(r));
  }
  if (k.script.end === 'close') {
    await sleep(5 + k.rng.int(40));
    c.close();
  }
}

async function fuzzBroker(cases: Map<string, Case>) {
  return startFakeBroker((c) => {
    const k = cases.get(c.connect.clientId);
    if (!k || ++k.connections > 1) { c.close(); return; } // a reconnect: counted, refused
    void play(c, k);
  });
}

/** workers pull case numbers until none is left */
async function pool(count: number, width: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) await run(next++);
  }));
}

const tally = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
const report = (t: TestContext, m: Map<string, number>) => {
  for (const [k, n] of [...m].sort((a, b) => b[1] - a[1])) t.diagnostic(`${String(n).padStart(5)}  ${k}`);
};
/** the broker's side of the case goes silent (no close): only the keepalive ends it */
const brokerStalls = (k: Case): boolean => k.script.end !== 'close';

/** texts that name no cause */
const BAD_TEXT = /undefined|NaN|\[object |^(Error: )?not connected$/;

test(`fuzz: the session layer against ${SESSION_CASES} random broker answers (seed ${SEED})`, { timeout: 120_000 }, async (t) => {
  t.diagnostic(`seed ${SEED}: FUZZ_SEED=${SEED} repeats this run`);
  const cases = new Map<string, Case>();
  const fb = await fuzzBroker(cases);
  const outcomes = new Map<string, number>();
  const failures: string[] = [];
  try {
    await pool(SESSION_CASES, 24, async (i) => {
      const rng = new Rng(caseSeed(i));
      const v = rng.pick([3, 4, 5] as const);
      const id = `fz-s-${i}`;
      cases.set(id, { rng, v, script: brokerScript(rng, v), connections: 0 });
      const client = new Client(opts(tcp(fb.port), { protocolVersion: v, clientId: id, keepalive: 1, connectTimeoutMs: 1500 }), NO_RECONNECT);
      const closes: (Error | undefined)[] = [];
      client.on('close', (e) => closes.push(e));
      client.on('message', () => undefined);
      const closed = new Promise<void>((r) => client.once('close', () => r()));
      const pending: Promise<unknown>[] = [];
      const info = await client.connect().then((c) => c, () => undefined);
      const connected = info !== undefined;
      // a mutated CONNACK may carry a long Server Keep Alive, which the client must take [MQTT-3.2.2-21]:
      // a stall is then detected only after 1.5 x that; not waited for, but the keepalive taken is checked
      const serverKeepAlive = info?.properties?.serverKeepAlive as number | undefined;
      const longKeepAlive = serverKeepAlive !== undefined && (serverKeepAlive === 0 || serverKeepAlive > 5);
      if (connected) {
        pending.push(client.subscribe([{ topic: 'fz/#', qos: 2 }, { topic: 'fz/b', qos: 1 }]).catch((e: unknown) => e));
        pending.push(client.publish({ topic: 'fz/t', payload: Buffer.from('x'), qos: 1, retain: false }).catch((e: unknown) => e));
        pending.push(client.publish({ topic: 'fz/t', payload: Buffer.from('y'), qos: 2, retain: false }).catch((e: unknown) => e));
      }
      const what = `case ${i} (v${v}, seed ${SEED})`;
      // keepalive 1 s, or the CONNACK's server keep alive (1-5 s): a silent broker is detected within 2 x that
      // (a PINGREQ within one keepalive of silence, then one keepalive for its answer)
      const ended = await Promise.race([closed.then(() => true), sleep(12_000).then(() => false)]);
      if (!ended && longKeepAlive && brokerStalls(cases.get(id)!)) {
        client.destroy();
        tally(outcomes, `stalled broker with a server keep alive of ${serverKeepAlive === 0 ? 'none (0)' : 'over 5 s'}: ended by the test`);
        return;
      }
      if (!ended) { client.destroy(); failures.push(`${what}: not closed within 12 s`); return; }
      const settled = await Promise.race([Promise.all(pending).then(() => true), sleep(1000).then(() => false)]);
      if (!settled) failures.push(`${what}: a subscribe/publish promise did not settle after the close`);
      await sleep(0);
      const err = closes[0];
      if (closes.length !== 1) failures.push(`${what}: ${closes.length} close events`);
      if (!(err instanceof MqttError)) { failures.push(`${what}: closed with ${String(err)}, not a MqttError`); return; }
      if (!err.message || BAD_TEXT.test(err.message)) failures.push(`${what}: error text '${err.message}'`);
      if (err instanceof ProtocolError && !err.message.startsWith('protocol error from the broker: ')) {
        failures.push(`${what}: protocol error text '${err.message}'`);
      }
      tally(outcomes, `${err.name}: ${err.message.replace(/'[^']*'|"[^"]*"|\d+/g, '…').slice(0, 90)}`);
    });
  } finally {
    await fb.stop();
  }
  report(t, outcomes);
  assert.deepEqual(failures, [], `seed ${SEED}`);
  assert.deepEqual(uncaught, [], `seed ${SEED}`);
  assert.equal([...cases.values()].filter((k) => k.connections > 1).length, 0, `reconnects with reconnect off (seed ${SEED})`);
});

/** stderr lines that are not the end of a connection: refused subscriptions, a failed acknowledgement */
const NOT_CONNECTION = /^Error: (subscription to '.*' refused: |All subscription requests were denied\.$|(PUBACK|PUBREC|PUBCOMP) for '.*' failed: )/;

test(`fuzz: tspub and tssub against ${BIN_CASES} random broker answers (seed ${SEED})`, { timeout: 240_000 }, async (t) => {
  t.diagnostic(`seed ${SEED}: FUZZ_SEED=${SEED} repeats this run`);
  const cases = new Map<string, Case>();
  const fb = await fuzzBroker(cases);
  const outcomes = new Map<string, number>();
  const failures: string[] = [];
  try {
    await pool(BIN_CASES, 4, async (n) => {
      const i = 1_000_000 + n;
      const rng = new Rng(caseSeed(i));
      const v = rng.pick([4, 5] as const);
      const tool = n % 2 === 0 ? 'tspub' : 'tssub';
      const qos = String(rng.int(3));
      const id = `fz-b-${n}`;
      cases.set(id, { rng, v, script: brokerScript(rng, v), connections: 0 });
      const args = ['-p', String(fb.port), '-V', v === 5 ? '5' : '311', '-k', '5', '--connect-timeout', '5', '-i', id, '--no-reconnect',
        ...(tool === 'tspub' ? ['-t', 'fz/t', '-m', 'x', '-q', qos] : ['-t', 'fz/#', '-q', qos, '-C', '2'])];
      const what = `${tool} case ${n} (v${v}, seed ${SEED})`;
      const r = await runBin(tool, args, { timeoutMs: 12_000 }).catch((e: Error) => e);
      if (r instanceof Error) { failures.push(`${what}: ${r.message.split('\n')[0]}`); return; }
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      const ends = lines.filter((l) => !NOT_CONNECTION.test(l));
      if (/^\s+at |node:internal|TypeError|RangeError|ReferenceError/m.test(r.stderr)) failures.push(`${what}: a stack trace:\n${r.stderr}`);
      if (lines.some((l) => !l.startsWith('Error: ') || BAD_TEXT.test(l))) failures.push(`${what}: stderr ${JSON.stringify(r.stderr)}`);
      if (ends.length > 1) failures.push(`${what}: ${ends.length} error lines: ${JSON.stringify(r.stderr)}`);
      const refused = ends.length === 1 && ends[0]!.startsWith('Error: Connection refused');
      if (r.code === 0 ? lines.length > 0 : (r.code !== 1 && !refused) || lines.length === 0) failures.push(`${what}: exit ${r.code} with ${JSON.stringify(r.stderr)}`);
      tally(outcomes, `${tool} exit ${refused ? 'N' : r.code}: ${(ends[0] ?? lines[0] ?? '').replace(/'[^']*'|"[^"]*"|\d+/g, '…').slice(0, 90)}`);
    });
  } finally {
    await fb.stop();
  }
  report(t, outcomes);
  assert.deepEqual(failures, [], `seed ${SEED}`);
  assert.deepEqual(uncaught, [], `seed ${SEED}`);
  assert.equal([...cases.values()].filter((k) => k.connections > 1).length, 0, `reconnects with --no-reconnect (seed ${SEED})`);
});
