// tsclear with a kept session (-c -i ID) whose older subscriptions still deliver, against a real
// mosquitto: only topics under -t enter the snapshot, an old subscription's queued messages neither
// end it early nor stop the run. And a broker that never sends the UNSUBACK (fake broker).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqSubRun } from './helpers/mosq-clients.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { acceptConnect, autoAck, startFakeBroker } from './helpers/fake-broker.ts';
import { branch, connect, retainedNow, seed } from './helpers/tsclear-helpers.ts';
import type { QoS } from '../src/session/types.ts';

let m: Mosquitto;

before(async () => {
  // queue_qos0_messages: an offline session also keeps its QoS 0 messages (the live-signal case)
  m = await startMosquitto({ extra: 'queue_qos0_messages true' });
});
after(async () => { await m?.stop(); });

/** A kept session `id` subscribed to `filter` (MQTT 5 unless version; Retain As Published when rap), then offline. */
async function oldSession(id: string, filter: string, qos: QoS, o: { rap?: boolean; version?: '5' | '311' } = {}): Promise<void> {
  const r = await mosqSubRun(['-h', m.host, '-p', String(m.port), '-V', o.version ?? '5', '-c', '-i', id, '-t', filter, '-q', String(qos), '-E',
    ...(o.rap ? ['--retain-as-published'] : [])]);
  assert.equal(r.code, 0, r.stderr);
}

/** n non-retained messages on topic (queued for the offline sessions that subscribe to it) */
async function publishLive(topic: string, n: number, qos: QoS, payload = 'live'): Promise<void> {
  const c = await connect(m.port);
  await new Promise<void>((resolve, reject) => {
    let i = 0;
    let done = 0;
    const cb = (e?: Error | null) => { if (e) reject(e); else if (++done === n) resolve(); };
    const go = () => {
      while (i < n) {
        i++;
        if (!c.write({ topic, payload: Buffer.from(payload), qos, retain: false }, cb)) { c.once('drain', go); return; }
      }
    };
    go();
  });
  await c.end();
}

test('a kept session: only topics under -t are cleared, not what its older subscriptions deliver', async () => {
  // Retain As Published: the broker passes the retain flag on through these subscriptions
  await oldSession('victim', 'other/#', 1, { rap: true });
  await oldSession('victim', 'side/#', 0, { rap: true });
  await oldSession('victim', 'deep/#', 2);
  await seed(m.port, [['mine/a', 'A'], ['mine/b', 'B'], ['other/live', 'hello']]);   // other/live: queued QoS 1, r1
  await publishLive('deep/q', 5, 2);   // queued QoS 2 flows of the old session
  await publishLive('other/q', 5, 1);
  const mark = m.logMark();
  const clear = spawnBin('tsclear', ['-p', String(m.port), '-c', '-i', 'victim', '-t', 'mine/#', '--yes', '-v', '--quiet-time', '1']);
  await m.waitForLog(/Sending SUBACK to victim/, 5000, mark);
  // during the snapshot: a retained publish reaches tsclear with r1 through the old QoS 0 side/# subscription
  await seed(m.port, [['side/live', 'x']]);
  const r = await clear.exited();
  assert.equal(r.stderr, "Cleared 2 retained messages under 'mine/#' (snapshot ended after 1000 ms without a retained message).\n");
  assert.equal(r.out, 'mine/a\nmine/b\n');
  assert.equal(r.code, 0);
  assert.deepEqual(await retainedNow(m.port, 'mine/#'), []);
  assert.deepEqual(await retainedNow(m.port, 'other/#'), ['other/live hello']);
  assert.deepEqual(await retainedNow(m.port, 'side/#'), ['side/live x']);
});

test('a kept session: a queued copy of a retained message since cleared is not listed', async () => {
  await oldSession('stale', 'gone/+', 1, { rap: true });
  // 500 queued QoS 1 messages first (20 in flight at a time): the stale copies come during the snapshot
  await publishLive('gone/q', 500, 1);
  await seed(m.port, [['gone/x', 'old'], ['gone/y', 'kept']]);
  await seed(m.port, [['gone/x', '']]);   // cleared: the session holds 'old' and then the empty clear, both QoS 1 r1
  const r = await runBin('tsclear', ['-p', String(m.port), '-c', '-i', 'stale', '-t', 'gone/#', '--dry-run', '--quiet-time', '1']);
  assert.equal(r.out, 'gone/y\t4\t"kept"\n');
  assert.equal(r.stderr, "Would clear 1 retained message under 'gone/#' (dry run, nothing cleared; snapshot ended after 1000 ms without a retained message).\n");
  assert.equal(r.code, 0);
});

// thousands of queued live messages of an old subscription matching the filter arrive around our
// SUBACK, before our retained ones: neither QoS 1 nor QoS 0 ones may end the snapshot as 'live'
// (MQTT 5: they lack our subscription identifier; MQTT 3.1.1: a present session ends by quiet time)
for (const version of ['5', '311'] as const) {
  for (const qos of [1, 0] as const) {
    test(`-V ${version}: a kept session's queued QoS ${qos} live messages do not end the snapshot early`, async () => {
      const id = `queue${qos}v${version}`;
      const retained = branch(`${id}/r`, 3000);
      await seed(m.port, retained);
      await oldSession(id, `${id}/+`, qos, { version });
      await publishLive(`${id}/q`, 10_000, qos, 'x'.repeat(100));
      const r = await runBin('tsclear', ['-p', String(m.port), '-V', version, '-c', '-i', id, '-t', `${id}/#`, '--dry-run']);
      assert.equal(r.stderr, `Would clear 3000 retained messages under '${id}/#' (dry run, nothing cleared; snapshot ended after 300 ms without a retained message).\n`);
      assert.equal(r.out.split('\n').length, 3001);
      assert.equal(r.code, 0);
      assert.equal((await retainedNow(m.port, `${id}/#`)).length, 3000);
      await seed(m.port, retained.map(([t]) => [t, '']));
    });
  }
}

test('-V 5, a kept session: a live message of our own subscription still ends the snapshot', async () => {
  await oldSession('ownlive', 'ownlive/q', 1);
  await publishLive('ownlive/q', 2000, 1);
  await seed(m.port, [['ownlive/r', 'kept']]);
  const pub = await connect(m.port);
  const live = setInterval(() => { void pub.publish({ topic: 'ownlive/live', payload: Buffer.from('x'), qos: 0, retain: false }); }, 20);
  try {
    const r = await runBin('tsclear', ['-p', String(m.port), '-c', '-i', 'ownlive', '-t', 'ownlive/#', '--quiet-time', '600', '--dry-run']);
    assert.equal(r.stderr, "Would clear 1 retained message under 'ownlive/#' (dry run, nothing cleared; snapshot ended by a live message on every filter).\n");
    assert.equal(r.out, 'ownlive/r\t4\t"kept"\n');
    assert.equal(r.code, 0);
  } finally {
    clearInterval(live);
    await pub.end();
  }
});

// MQTT 3.1.1 also reads the clears back: a second snapshot, a second UNSUBACK that never comes
for (const [version, cmds] of [
  ['5', ['connect', 'subscribe', 'unsubscribe', 'publish', 'publish', 'disconnect']],
  ['311', ['connect', 'subscribe', 'unsubscribe', 'publish', 'publish', 'subscribe', 'unsubscribe', 'disconnect']],
] as const) {
  test(`-V ${version}: a broker that never sends the UNSUBACK: the clears go out and tsclear ends at once, exit 0`, async () => {
    const fb = await startFakeBroker((c) => {
      acceptConnect(c);
      autoAck(c, { unsuback: false });
      void c.next('subscribe').then(() => {
        for (const t of ['u/a', 'u/b']) c.send({ cmd: 'publish', topic: t, payload: Buffer.from('v'), qos: 0, retain: true, dup: false });
      }, () => undefined);
    });
    try {
      // -k 60 (the default): before the fix it waited for the UNSUBACK until killed
      const r = await runBin('tsclear', ['-h', '127.0.0.1', '-p', String(fb.port), '-V', version, '-t', 'u/#', '--yes'], { timeoutMs: 10_000 });
      assert.equal(r.stderr, "Cleared 2 retained messages under 'u/#' (snapshot ended after 300 ms without a retained message).\n");
      assert.equal(r.code, 0);
      const c = fb.connections[0]!;
      const sent = c.received.filter((p) => p.cmd === 'publish').map((p) => p as { topic: string; payload: Buffer; retain: boolean; qos: number });
      assert.deepEqual(sent.map((p) => [p.topic, p.payload.length, p.retain, p.qos]), [['u/a', 0, true, 1], ['u/b', 0, true, 1]]);
      assert.deepEqual(c.received.map((p) => p.cmd), cmds);
    } finally {
      await fb.stop();
    }
  });
}
