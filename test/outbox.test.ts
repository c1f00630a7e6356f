import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from '../src/session/outbox.ts';

test('packet ids wrap after 65535 and skip ids still in flight', () => {
  const ob = new Outbox();
  const msg = { topic: 't', payload: Buffer.alloc(0), qos: 1 as const, retain: false };
  const first = ob.allocateId();
  assert.equal(first, 1);
  ob.push(msg, undefined);
  ob.fly(ob.next(20)!); // id 2 still unacknowledged
  ob.openRequest({ resolve: () => undefined, reject: () => undefined, filters: 1 }); // a pending SUBSCRIBE holds id 3
  const ids: number[] = [];
  for (let i = 0; i < 65535; i++) ids.push(ob.allocateId());
  assert.equal(ids[0], 4, 'skips the in-flight id 2 and the pending id 3');
  assert.equal(ids[65531], 65535);
  assert.equal(ids[65532], 1, 'wraps to 1, never 0');
  assert.equal(ids[65533], 4);
  assert.equal(ids.includes(0), false);
});

test('failAll completes every queued and in-flight message with the error', () => {
  const ob = new Outbox();
  const got: string[] = [];
  for (let i = 0; i < 3; i++) ob.push({ topic: `t${i}`, payload: Buffer.alloc(0), qos: 1, retain: false }, (e) => got.push(`${i}:${e?.message}`));
  ob.fly(ob.next(20)!);
  ob.failAll(new Error('gone'));
  assert.deepEqual(got.sort(), ['0:gone', '1:gone', '2:gone']);
  assert.equal(ob.size, 0);
});

test('the window holds QoS 1/2 messages back, not QoS 0; acknowledgements complete them once', () => {
  const ob = new Outbox();
  const done: string[] = [];
  const cb = (name: string) => (e?: Error | null) => done.push(`${name}:${e ? e.message : 'ok'}`);
  ob.push({ topic: 'a', payload: Buffer.alloc(0), qos: 1, retain: false }, cb('a'));
  ob.push({ topic: 'b', payload: Buffer.alloc(0), qos: 2, retain: false }, cb('b'));
  ob.push({ topic: 'c', payload: Buffer.alloc(0), qos: 0, retain: false }, cb('c'));
  const a = ob.next(1)!;
  ob.fly(a);
  assert.equal(ob.next(1), undefined, 'one in flight fills a window of 1');
  assert.equal(ob.puback(a.id, 0), true);
  assert.equal(ob.puback(a.id, 0), false, 'a duplicate PUBACK completes nothing');
  const b = ob.next(1)!;
  ob.fly(b);
  assert.equal(ob.pubrec(b.id, 0), 'pubrel');
  assert.equal(ob.pubrec(999, 0), 'pubrel-unknown');
  assert.equal(ob.pubcomp(b.id, 0), true);
  const c = ob.next(0)!;
  assert.equal(c.msg.topic, 'c', 'QoS 0 ignores the window');
  ob.done(c, null);
  assert.deepEqual(done, ['a:ok', 'b:ok', 'c:ok']);
  assert.equal(ob.size, 0);
});
