// tsclear's snapshot and clear runner against a real mosquitto, through the session Client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { takeSnapshot } from '../src/cli/clear/snapshot.ts';
import { clearTopics, verifyCleared } from '../src/cli/clear/clearing.ts';
import { preview, previewOf } from '../src/cli/clear/report.ts';
import { Client } from '../src/session/client.ts';
import { ReasonCodeError } from '../src/session/errors.ts';
import { startEmbedded } from './helpers/embedded.ts';
import { branch, connect, lines, retainedNow, seed, sessionOptions } from './helpers/tsclear-helpers.ts';

let m: Mosquitto;
const ACL = [
  'user admin', 'topic readwrite #',
  'user clerk', 'topic readwrite +/open/#', 'topic read +/locked/#',
].join('\n');

before(async () => {
  m = await startMosquitto({
    listeners: [
      { name: 'tcp', kind: 'tcp' },
      { name: 'auth', kind: 'tcp', auth: { passwords: { admin: 'a', clerk: 'c' }, acl: ACL } },
    ],
    // mosquitto's own default (the harness raises it): QoS 1 subscribers would get only ~1020 retained messages
    extra: 'max_queued_messages 1000',
  });
});
after(async () => { await m?.stop(); });

test('snapshot finds every retained topic under the filters, beyond the broker queue limit, and ends when quiet', async () => {
  const a = branch('core1/a', 2500);
  const b = branch('core1/b', 300);
  await seed(m.port, [...a, ...b]);
  const c = await connect(m.port);
  const snap = await takeSnapshot(c, { filters: ['core1/a/#'], quietMs: 200 });
  assert.equal(snap.endedBy, 'quiet');
  assert.equal(snap.excluded, 0);
  assert.deepEqual(snap.found.map((f) => `${f.topic} ${f.payload.toString()}`), lines(a));
  await c.end();
});

test('overlapping filters give each topic once; -T and --match exclude', async () => {
  await seed(m.port, [['core2/x/1', 'one'], ['core2/x/2', 'two'], ['core2/y/1', 'three'], ['core2/y/skip', 'four']]);
  const c = await connect(m.port);
  const snap = await takeSnapshot(c, { filters: ['core2/#', 'core2/x/+', 'core2/+/1'], quietMs: 150, exclude: ['core2/x/2'], match: /\/(1|skip)$/ });
  assert.deepEqual(snap.found.map((f) => f.topic), ['core2/x/1', 'core2/y/1', 'core2/y/skip']);
  assert.equal(snap.excluded, 1);
  const snap2 = await takeSnapshot(c, { filters: ['core2/#'], quietMs: 150, match: /skip/ });
  assert.deepEqual(snap2.found.map((f) => f.topic), ['core2/y/skip']);
  assert.equal(snap2.excluded, 3);
  await c.end();
});

test('snapshot ends on a live message for every filter, well before the quiet time', async () => {
  await seed(m.port, [['core3/a/r', 'kept'], ['core3/b/r', 'kept too']]);
  const c = await connect(m.port);
  const pub = await connect(m.port);
  const live = setInterval(() => {
    void pub.publish({ topic: 'core3/a/live', payload: Buffer.from('x'), qos: 0, retain: false });
    void pub.publish({ topic: 'core3/b/live', payload: Buffer.from('y'), qos: 0, retain: false });
  }, 20);
  try {
    // quietMs is far longer than the test runner would wait: only the live messages can end it
    const snap = await takeSnapshot(c, { filters: ['core3/a/#', 'core3/b/#'], quietMs: 600_000 });
    assert.equal(snap.endedBy, 'live');
    assert.deepEqual(snap.found.map((f) => f.topic), ['core3/a/r', 'core3/b/r']);
  } finally {
    clearInterval(live);
  }
  await pub.end();
  await c.end();
});

test('clearing one branch of thousands leaves exactly the others', async () => {
  const a = branch('core4/a', 1500);
  const b = branch('core4/b', 1500);
  const cc = branch('core4/c', 500);
  await seed(m.port, [...a, ...b, ...cc]);
  const c = await connect(m.port);
  const snap = await takeSnapshot(c, { filters: ['core4/b/#'], quietMs: 200 });
  assert.equal(snap.found.length, 1500);
  let progress = 0;
  const res = await clearTopics(c, snap.found.map((f) => f.topic), 1, (done, total) => { assert.equal(total, 1500); progress = done; });
  assert.equal(progress, 1500);
  assert.deepEqual(res.failed, []);
  assert.deepEqual(res.cleared, snap.found.map((f) => f.topic));
  await c.end();
  assert.deepEqual(await retainedNow(m.port, 'core4/#'), lines([...a, ...cc]));
});

test('MQTT 5: an ACL denial comes back per topic (PUBACK 0x87) while the others are cleared', async () => {
  const open = branch('acl/open', 30);
  const locked = branch('acl/locked', 3);
  await seed(m.ports.auth!, [...open, ...locked], { username: 'admin', password: 'a' });
  const c = await connect(m.ports.auth!, { username: 'clerk', password: Buffer.from('c'), protocolVersion: 5 });
  const snap = await takeSnapshot(c, { filters: ['acl/#'], quietMs: 200 });
  assert.equal(snap.found.length, 33);
  const res = await clearTopics(c, snap.found.map((f) => f.topic), 1);
  await c.end();
  assert.deepEqual(res.failed, locked.map(([t]) => ({ topic: t, reasonCode: 0x87, reason: 'not authorized' })).sort((x, y) => (x.topic < y.topic ? -1 : 1)));
  assert.deepEqual(res.cleared, open.map(([t]) => t).sort());
  assert.deepEqual(await retainedNow(m.ports.auth!, 'acl/#', ['-u', 'admin', '-P', 'a']), lines(locked));
});

test('MQTT 3.1.1: the broker acknowledges a denied clear, verifyCleared finds it still retained', async () => {
  const open = branch('acl3/open', 20);
  const locked = branch('acl3/locked', 2);
  await seed(m.ports.auth!, [...open, ...locked], { username: 'admin', password: 'a' });
  const c = await connect(m.ports.auth!, { username: 'clerk', password: Buffer.from('c'), protocolVersion: 4 });
  const snap = await takeSnapshot(c, { filters: ['acl3/#'], quietMs: 200 });
  const topics = snap.found.map((f) => f.topic);
  assert.equal(topics.length, 22);
  const acked = await clearTopics(c, topics, 1);
  assert.deepEqual(acked.failed, []);   // what mosquitto says with 3.1.1...
  const res = await verifyCleared(c, ['acl3/#'], 200, snap.found, acked);
  await c.end();
  assert.deepEqual(res.failed.map((f) => f.topic), locked.map(([t]) => t).sort());
  assert.match(res.failed[0]!.reason, /^still retained after clearing/);
  assert.deepEqual(res.cleared, open.map(([t]) => t).sort());
});

test('a refused subscription rejects with the filter and reason code (aedes: mosquitto 2.0 grants every valid filter)', async () => {
  const b = await startEmbedded();
  (b.aedes as { authorizeSubscribe: unknown }).authorizeSubscribe = (_c: unknown, sub: { topic: string }, cb: (e: Error | null, s: unknown) => void) => {
    cb(null, sub.topic.startsWith('secret/') ? null : sub);
  };
  try {
    const c = await connect(b.port, { protocolVersion: 4 });
    const err = await takeSnapshot(c, { filters: ['open/#', 'secret/#'], quietMs: 100 }).then(() => undefined, (e: Error) => e);
    await c.end();
    assert.ok(err instanceof ReasonCodeError, String(err));
    assert.equal(err.message, "SUBACK for 'secret/#' failed: refused by the broker (0x80)");
  } finally {
    await b.stop();
  }
});

test('payload preview: text quoted and cut by characters, binary and invalid UTF-8 as hex', () => {
  assert.equal(preview(Buffer.from('hello')), '"hello"');
  assert.equal(preview(Buffer.from('tab\tand\nnewline')), '"tab\\tand\\nnewline"');
  assert.equal(preview(Buffer.from('é'.repeat(41))), `"${'é'.repeat(40)}"…`);
  assert.equal(preview(Buffer.from('😀'.repeat(3)), 2), '"😀😀"…');
  assert.equal(preview(Buffer.from([0x68, 0x00, 0x69])), '0x680069');
  assert.equal(preview(Buffer.from([0xc3, 0x28])), '0xc328');
  assert.equal(preview(Buffer.alloc(21, 0xff)), `0x${'ff'.repeat(20)}…`);
  assert.deepEqual(previewOf(Buffer.from('abc'), 2), { text: 'ab', binary: false, truncated: true });
  assert.deepEqual(previewOf(Buffer.from([1, 2])), { text: '0x0102', binary: true, truncated: false });
});

// last: restarts the broker
test('a connection lost during the snapshot fails it instead of clearing from a partial picture', async () => {
  await seed(m.port, [['core9/r', 'x']]);
  const c = new Client(sessionOptions(m.port), { enabled: true, retryFirstConnect: false, maxRetries: 100, initialDelayMs: 50, maxDelayMs: 200 });
  await c.connect();
  const snap = takeSnapshot(c, { filters: ['core9/#'], quietMs: 600_000 }).then(() => undefined, (e: Error) => e);
  await m.restart();
  const err = await snap;
  c.destroy();
  assert.ok(err instanceof Error);
  assert.match(err.message, /^connection lost during the snapshot \(.+\); nothing was cleared$/);
});
