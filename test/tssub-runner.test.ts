// The Subscriber runtime on a scripted client: back-pressure (stdout full -> client.pause(), resumed
// on 'drain'), one write per event-loop turn, -C stopping inside a batch, --random-filter counting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { Subscriber, type SubPlan } from '../src/cli/sub/runner.ts';
import { createPrinter } from '../src/cli/output/index.ts';
import type { Client } from '../src/session/client.ts';
import type { InboundMessage } from '../src/session/types.ts';

class FakeClient extends EventEmitter {
  calls: string[] = [];
  subscribe(): Promise<number[]> { this.calls.push('subscribe'); return Promise.resolve([0]); }
  unsubscribe(): Promise<number[]> { this.calls.push('unsubscribe'); return Promise.resolve([0]); }
  pause(): void { this.calls.push('pause'); }
  resume(): void { this.calls.push('resume'); }
  write(): boolean { this.calls.push('write'); return true; }
  end(): Promise<void> { this.calls.push('end'); return Promise.resolve(); }
}

class SlowOut extends Writable {
  chunks: Buffer[] = [];
  full = false;
  override write(chunk: Buffer): boolean {
    this.chunks.push(Buffer.from(chunk));
    return !this.full;
  }
}

const plan = (p: Partial<SubPlan> = {}): SubPlan => ({
  filters: ['a/#'], qos: 0, retainAsPublished: false, unsubscribe: [], filterOut: [], count: 0, timeoutMs: 0,
  exitAfterSub: false, noRetain: false, retainedOnly: false, snapshot: false, snapshotQuietMs: 500,
  removeRetained: false, randomFilter: 10000, v5: false, ...p,
});
const msg = (payload: string, retain = false): InboundMessage => ({ topic: 'a/b', payload: Buffer.from(payload), qos: 0, retain, dup: false });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function setup(p: Partial<SubPlan> = {}) {
  const client = new FakeClient();
  const out = new SlowOut();
  const printer = createPrinter({ verbose: false, eol: true, pretty: false, json: false, warn: () => undefined });
  const sub = new Subscriber(client as unknown as Client, plan(p), { stdout: out, printer, error: () => undefined, notice: () => undefined });
  return { client, out, sub };
}

test('messages of one turn go out in one write; a full stdout pauses the client until drain', async () => {
  const { client, out, sub } = setup();
  const done = sub.run();
  await tick();
  client.emit('message', msg('1'));
  client.emit('message', msg('2'));
  await tick();
  assert.deepEqual(out.chunks.map(String), ['1\n2\n']);
  out.full = true;
  client.emit('message', msg('3'));
  await tick();
  assert.deepEqual(client.calls, ['subscribe', 'pause']);
  out.emit('drain');
  assert.deepEqual(client.calls, ['subscribe', 'pause', 'resume']);
  sub.stop(0);
  assert.equal(await done, 0);
  assert.deepEqual(out.chunks.map(String), ['1\n2\n', '3\n']);
});

test('-C stops inside a batch: later messages of the same chunk are not printed', async () => {
  const { client, out, sub } = setup({ count: 2 });
  const done = sub.run();
  await tick();
  for (const p of ['a', 'b', 'c', 'd']) client.emit('message', msg(p));
  assert.equal(await done, 0);
  assert.equal(Buffer.concat(out.chunks).toString(), 'a\nb\n');
  assert.ok(client.calls.includes('end'));
});

test('--random-filter 0: nothing printed, nothing counted; --retained-only stops on a live message', async () => {
  const a = setup({ randomFilter: 0, count: 1, timeoutMs: 0 });
  void a.sub.run();
  await tick();
  for (let i = 0; i < 50; i++) a.client.emit('message', msg('x'));
  await tick();
  assert.equal(a.out.chunks.length, 0);
  assert.ok(!a.client.calls.includes('end'));
  a.sub.stop(0);
  const b = setup({ retainedOnly: true, removeRetained: true });
  const done = b.sub.run();
  await tick();
  b.client.emit('message', msg('r', true));
  b.client.emit('message', msg('live'));
  b.client.emit('message', msg('r2', true));
  assert.equal(await done, 0);
  assert.equal(Buffer.concat(b.out.chunks).toString(), 'r\n');
  assert.deepEqual(b.client.calls, ['subscribe', 'write', 'end']);
});

test('a re-subscribe after a reconnect: -d line, refused filters named, exit 1 when every filter is refused', async () => {
  const client = new FakeClient();
  const printer = createPrinter({ verbose: false, eol: true, pretty: false, json: false, warn: () => undefined });
  const errors: string[] = [];
  const debug: string[] = [];
  const sub = new Subscriber(client as unknown as Client, plan({ filters: ['a/#', 'b/#'] }), {
    stdout: new SlowOut(), printer, error: (t) => errors.push(t), notice: () => undefined, debug: (l) => debug.push(l),
  });
  const done = sub.run();
  await tick();
  client.emit('resubscribed', 5, [0, 0x87], ['a/#', 'b/#']);
  assert.deepEqual(errors, ["subscription to 'b/#' refused: not authorized (0x87)."]);
  client.emit('resubscribed', 6, [0x80, 0x80], ['a/#', 'b/#']);
  assert.equal(await done, 1);
  assert.deepEqual(debug, ['Subscribed (mid: 0): 0', 'Subscribed (mid: 5): 0, 135', 'Subscribed (mid: 6): 128, 128']);
  assert.deepEqual(errors.slice(1), ["subscription to 'a/#' refused: refused by the broker (0x80).", "subscription to 'b/#' refused: refused by the broker (0x80).", 'All subscription requests were denied.']);
});
