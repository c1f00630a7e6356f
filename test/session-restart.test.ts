// A broker restart in the middle of a stream, persistent sessions on both sides: every QoS 1
// message arrives (duplicates allowed by the spec), every QoS 2 message arrives exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { collector, connected, opts, tcp, FAST_RECONNECT } from './helpers/session-helpers.ts';
import type { Client } from '../src/session/client.ts';

let broker: Mosquitto;
before(async () => { broker = await startMosquitto({ persistence: true }); });
after(() => broker.stop());

/** Writes n messages honouring back-pressure, calling `midway` once `at` are acknowledged. */
function stream(c: Client, topic: string, qos: 1 | 2, n: number, at: number, midway: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let i = 0;
    let acked = 0;
    const cb = (e?: Error | null) => {
      if (e) return reject(e);
      if (++acked === at) void midway().catch(reject);
      if (acked === n) resolve();
    };
    const go = () => {
      while (i < n) {
        if (!c.write({ topic, payload: Buffer.from(String(i++)), qos, retain: false }, cb)) { c.once('drain', go); return; }
      }
    };
    go();
  });
}

for (const qos of [1, 2] as const) {
  for (const version of [4, 5] as const) {
    test(`QoS ${qos} v${version === 4 ? '3.1.1' : '5'}: broker restart mid-stream, persistent sessions, nothing lost${qos === 2 ? ', nothing doubled' : ''}`, async () => {
      const topic = `restart/q${qos}/v${version}`;
      const persistent = {
        protocolVersion: version, clean: false,
        ...(version === 5 ? { connectProperties: { sessionExpiryInterval: 300 } } : {}),
      };
      const sub = await connected(opts(tcp(broker.port), { ...persistent, clientId: `rs-sub-${qos}-${version}` }), FAST_RECONNECT);
      const got = collector(sub);
      // for the failure message: which side came back into its old session
      const sessions: string[] = [];
      sub.on('connect', (info) => sessions.push(`sub present=${info.sessionPresent}`));
      await sub.subscribe([{ topic, qos }]);
      const pub = await connected(opts(tcp(broker.port), { ...persistent, clientId: `rs-pub-${qos}-${version}` }), FAST_RECONNECT);
      let offline = 0;
      pub.on('offline', () => offline++);
      pub.on('connect', (info) => sessions.push(`pub present=${info.sessionPresent}`));
      const N = 6000;
      await stream(pub, topic, qos, N, 2000, () => broker.restart());
      await pub.end();
      const msgs = await got.until(N, 30_000);
      await new Promise((r) => setTimeout(r, 300));
      const values = got.messages.map((m) => Number(m.payload.toString()));
      const distinct = new Set(values);
      assert.equal(offline, 1, 'the publisher saw the restart');
      assert.equal(distinct.size, N, `every one of ${N} messages arrived`);
      if (qos === 2 && values.length !== N) {
        const seen = new Set<number>();
        const doubled = values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
        assert.fail(`QoS 2: ${values.length - N} duplicates (${doubled.slice(0, 5).join(', ')}..${doubled.at(-1)}); reconnects: ${sessions.join(', ')}`);
      }
      assert.ok(msgs.length >= N);
      await sub.end();
    });
  }
}

test('QoS 0 messages written while the broker is away wait and go out after the reconnect', async () => {
  const sub = await connected(opts(tcp(broker.port)), FAST_RECONNECT);
  const got = collector(sub);
  await sub.subscribe([{ topic: 'restart/q0', qos: 0 }]);
  const subBack = new Promise((r) => sub.once('connect', r));
  // the publisher comes back later than the subscriber, which must re-subscribe first
  const pub = await connected(opts(tcp(broker.port)), { ...FAST_RECONNECT, initialDelayMs: 600, maxDelayMs: 600 });
  const offline = new Promise<void>((resolve) => pub.once('offline', () => {
    for (let i = 0; i < 100; i++) assert.equal(pub.write({ topic: 'restart/q0', payload: Buffer.from(String(i)), qos: 0, retain: false }), true);
    resolve();
  }));
  await broker.restart();
  await offline;
  await subBack;
  await pub.end();
  const msgs = await got.until(100);
  assert.deepEqual(msgs.map((m) => Number(m.payload.toString())), Array.from({ length: 100 }, (_, i) => i));
  await sub.end();
});
