import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Outbox } from '../src/session/outbox.ts';

test('packet ids wrap after 65535 and skip ids still in flight', () => {
  const ob = new Outbox();
  const msg = { topic: 't', payload: Buffer.alloc(0), qos: 1 as const, retain: false };
  const first = ob.allocateId(() => false);
  assert.equal(first, 1);
  ob.push(msg, undefined);
  const e = ob.shift();
  e.id = 2;
  ob.inflight.set(2, e); // id 2 still unacknowledged
  const ids: number[] = [];
  for (let i = 0; i < 65535; i++) ids.push(ob.allocateId((id) => id === 3));
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
  const e = ob.shift();
  e.id = 7;
  ob.inflight.set(7, e);
  ob.failAll(new Error('gone'));
  assert.deepEqual(got.sort(), ['0:gone', '1:gone', '2:gone']);
  assert.equal(ob.size, 0);
});
