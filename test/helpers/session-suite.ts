// The client tests every broker must pass: run against real mosquitto, the embedded aedes broker
// and mosquitto behind the WebSocket gateway, so two independent implementations check the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProtocolVersion, TransportOptions } from '../../src/session/types.ts';
import { collector, connected, opts, pump } from './session-helpers.ts';

export interface SuiteTarget {
  transport(): TransportOptions;
  versions: ProtocolVersion[];
}

export function clientSuite(name: string, target: () => SuiteTarget): void {
  let n = 0;
  const topic = (s: string) => `suite/${name}/${process.pid}/${n++}/${s}`;

  test(`${name}: connects with every supported protocol version`, async () => {
    for (const v of target().versions) {
      const c = await connected(opts(target().transport(), { protocolVersion: v, clientId: `suite-v${v}` }));
      assert.equal(c.connected, true);
      await c.end();
      assert.equal(c.connected, false);
    }
  });

  for (const qos of [0, 1, 2] as const) {
    test(`${name}: QoS ${qos} end to end, every message once and in order`, async () => {
      for (const v of target().versions) {
        const t = topic(`q${qos}`);
        const sub = await connected(opts(target().transport(), { protocolVersion: v }));
        const got = collector(sub);
        assert.deepEqual(await sub.subscribe([{ topic: t, qos }]), [qos]);
        const pub = await connected(opts(target().transport(), { protocolVersion: v }));
        const N = 2000;
        await pump(pub, N, (i) => ({ topic: t, payload: Buffer.from(String(i)), qos }));
        await pub.end();
        const msgs = await got.until(N);
        await new Promise((r) => setTimeout(r, 100)); // a duplicate would arrive now
        assert.equal(msgs.length, N);
        assert.deepEqual(msgs.map((m) => m.payload.toString()), Array.from({ length: N }, (_, i) => String(i)));
        assert.ok(msgs.every((m) => m.qos === qos && m.topic === t && !m.retain));
        await sub.end();
      }
    });
  }

  test(`${name}: retained message, binary payload and unsubscribe`, async () => {
    const t = topic('retained');
    const payload = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]);
    const pub = await connected(opts(target().transport()));
    await pub.publish({ topic: t, payload, qos: 1, retain: true });
    const sub = await connected(opts(target().transport()));
    const got = collector(sub);
    await sub.subscribe([{ topic: t, qos: 1 }]);
    const [m] = await got.until(1);
    assert.deepEqual(m!.payload, payload);
    assert.equal(m!.retain, true);
    assert.deepEqual(await sub.unsubscribe([t]), [0]);
    await pub.publish({ topic: t, payload: Buffer.from('after'), qos: 1, retain: false });
    await pub.publish({ topic: t, payload: Buffer.alloc(0), qos: 1, retain: true }); // clear it
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(got.messages.length, 1, 'nothing after UNSUBACK');
    await Promise.all([pub.end(), sub.end()]);
  });

  test(`${name}: Last Will is published when the connection dies, not after DISCONNECT`, async () => {
    const t = topic('will');
    const watcher = await connected(opts(target().transport()));
    const got = collector(watcher);
    await watcher.subscribe([{ topic: t, qos: 1 }]);
    const will = { topic: t, payload: Buffer.from('gone'), qos: 1 as const, retain: false };
    const polite = await connected(opts(target().transport(), { will }));
    await polite.end();
    const rude = await connected(opts(target().transport(), { will: { ...will, payload: Buffer.from('died') } }));
    rude.destroy();
    const [m] = await got.until(1);
    assert.equal(m!.payload.toString(), 'died');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(got.messages.length, 1);
    await watcher.end();
  });

  test(`${name}: wildcard filters match as MQTT says`, async () => {
    const base = topic('wild');
    const sub = await connected(opts(target().transport()));
    const got = collector(sub);
    await sub.subscribe([{ topic: `${base}/+/temp`, qos: 0 }, { topic: `${base}/b/#`, qos: 0 }]);
    const pub = await connected(opts(target().transport()));
    for (const t of ['a/temp', 'a/hum', 'b/x/y', 'c/temp/x']) await pub.publish({ topic: `${base}/${t}`, payload: Buffer.from(t), qos: 1, retain: false });
    await pub.publish({ topic: `${base}/end/temp`, payload: Buffer.from('end'), qos: 1, retain: false });
    const msgs = await got.until(3);
    assert.deepEqual(msgs.map((m) => m.payload.toString()).sort(), ['a/temp', 'b/x/y', 'end']);
    await Promise.all([pub.end(), sub.end()]);
  });
}
