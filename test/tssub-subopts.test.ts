// tssub's MQTT 5 subscription options: develop's --retain-as-published and --retain-handling
// always|new|never (and -R asking for "never", as develop and 2.0.11 do), our --no-local. The
// bits on the wire (fake broker), -D subscribe properties, 3.1.1 ignoring them as libmosquitto
// does, the argument errors, and what each does on a real mosquitto.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { acceptConnect, autoAck, startFakeBroker, type FakeBroker } from './helpers/fake-broker.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { mosqPub, mosqSubRun, requireMosquittoClients } from './helpers/mosq-clients.ts';

let m: Mosquitto;
let fb: FakeBroker;
let n = 0;
const fresh = (): string => `so/t${++n}`;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
  fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
});
after(async () => { await fb.stop(); await m.stop(); });

const pub = async (args: string[]): Promise<void> => {
  const r = await mosqPub(['-p', String(m.port), ...args]);
  assert.equal(r.code, 0, r.stderr);
};

/** the SUBSCRIBE tssub sends to the fake broker with these options (-E: it exits after the SUBACK) */
async function subscribePacket(args: string[]): Promise<Record<string, unknown>> {
  const before = fb.connections.length;
  const r = await runBin('tssub', ['-p', String(fb.port), '-t', 'a/b', '-E', ...args]);
  assert.deepEqual([r.code, r.stderr], [0, ''], args.join(' '));
  assert.equal(fb.connections.length, before + 1);
  const p = fb.connections[before]!.received.find((x) => x.cmd === 'subscribe');
  assert.ok(p, `no SUBSCRIBE for ${args.join(' ')}`);
  return p as unknown as Record<string, unknown>;
}

test('the subscription options on the wire (MQTT 5), each flag and their combinations', async () => {
  const cases: [string[], { qos: number; nl: boolean; rap: boolean; rh: number }][] = [
    [[], { qos: 0, nl: false, rap: false, rh: 0 }],
    [['--retain-as-published'], { qos: 0, nl: false, rap: true, rh: 0 }],
    [['--no-local'], { qos: 0, nl: true, rap: false, rh: 0 }],
    [['--retain-handling', 'always'], { qos: 0, nl: false, rap: false, rh: 0 }],
    [['--retain-handling', 'new'], { qos: 0, nl: false, rap: false, rh: 1 }],
    [['--retain-handling', 'never'], { qos: 0, nl: false, rap: false, rh: 2 }],
    [['--retain-handling', '1'], { qos: 0, nl: false, rap: false, rh: 1 }],
    [['-R'], { qos: 0, nl: false, rap: false, rh: 2 }],
    // an explicit --retain-handling wins over -R's "never", in either order
    [['-R', '--retain-handling', 'always'], { qos: 0, nl: false, rap: false, rh: 0 }],
    [['--retain-handling', 'new', '-R'], { qos: 0, nl: false, rap: false, rh: 1 }],
    [['-q', '2', '--no-local', '--retain-as-published', '--retain-handling', 'never'], { qos: 2, nl: true, rap: true, rh: 2 }],
  ];
  for (const [args, want] of cases) {
    const p = await subscribePacket(['-V', '5', ...args]);
    assert.deepEqual(p.subscriptions, [{ topic: 'a/b', ...want }], args.join(' '));
  }
});

test('-D subscribe subscription-identifier / user-property reach the SUBSCRIBE, and make it MQTT 5 (as mosquitto_sub)', async () => {
  const p = await subscribePacket(['-D', 'subscribe', 'subscription-identifier', '7', '-D', 'subscribe', 'user-property', 'k', 'v',
    '-D', 'subscribe', 'user-property', 'k', 'w', '--no-local']);
  assert.deepEqual(JSON.parse(JSON.stringify(p.properties)), { subscriptionIdentifier: 7, userProperties: { k: ['v', 'w'] } });
  assert.deepEqual(p.subscriptions, [{ topic: 'a/b', qos: 0, nl: true, rap: false, rh: 0 }]);
});

test('MQTT 3.1.1: the options are ignored (options byte = QoS), as libmosquitto does; -d says Options: 0x00 like mosquitto_sub', async () => {
  const p = await subscribePacket(['-V', '311', '-q', '1', '--no-local', '--retain-as-published', '--retain-handling', 'never', '-R']);
  assert.deepEqual(p.subscriptions, [{ topic: 'a/b', qos: 1 }]);
  // side by side on the real broker: the -d SUBSCRIBE line of both clients
  const lines: string[] = [];
  for (const run of [
    (a: string[]) => runBin('tssub', a),
    (a: string[]) => mosqSubRun(a),
  ]) {
    for (const v of ['311', '5']) {
      const r = await run(['-p', String(m.port), '-V', v, '-t', 'x/y', '-E', '-d', '-R', '--retain-as-published']);
      assert.equal(r.code, 0, r.stderr);
      lines.push(r.out.split('\n').find((l) => l.includes('sending SUBSCRIBE'))!.replace(/^Client \S+ /, ''));
    }
  }
  assert.deepEqual(lines, [
    'sending SUBSCRIBE (Mid: 1, Topic: x/y, QoS: 0, Options: 0x00)',
    'sending SUBSCRIBE (Mid: 1, Topic: x/y, QoS: 0, Options: 0x28)',
    'sending SUBSCRIBE (Mid: 1, Topic: x/y, QoS: 0, Options: 0x00)',
    'sending SUBSCRIBE (Mid: 1, Topic: x/y, QoS: 0, Options: 0x28)',
  ]);
});

test('argument errors: develop\'s texts for --retain-handling, ours for --no-local on a shared subscription; exit 1', async () => {
  const cases: [string[], string][] = [
    [['-t', 'a', '--retain-handling', 'sometimes'], "Error: Unknown value 'sometimes' for --retain-handling."],
    [['-t', 'a', '--retain-handling', 'toString'], "Error: Unknown value 'toString' for --retain-handling."],
    [['-t', 'a', '--retain-handling'], 'Error: --retain-handling argument given but no option specified.'],
    [['-V', '5', '-t', '$share/g/a', '--no-local'], "Error: --no-local cannot be used with the shared subscription '$share/g/a'."],
  ];
  for (const [args, first] of cases) {
    const r = await runBin('tssub', ['-p', String(m.port), ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.out, '');
    const [head, ...rest] = r.stderr.split('\n');
    assert.equal(head, first, args.join(' '));
    // the blank line(s) and "Use 'tssub --help' to see usage." come from the shared argument-error path
    assert.match(rest.join('\n'), /^(\n*Use 'tssub --help' to see usage\.\n)?$/, args.join(' '));
  }
  // 3.1.1 ignores --no-local, so a shared subscription is fine there
  const ok = await runBin('tssub', ['-p', String(m.port), '-t', '$share/g/a', '--no-local', '-E']);
  assert.deepEqual([ok.code, ok.stderr], [0, '']);
});

/** start tssub, wait for its SUBACK, publish the live messages, return what it printed */
async function withLive(args: string[], id: string, live: string[][], waitFor?: RegExp): Promise<string> {
  const mark = m.logMark();
  const sub = spawnBin('tssub', ['-p', String(m.port), '-i', id, ...args]);
  await m.waitForLog(`Sending SUBACK to ${id}`, 5000, mark);
  if (waitFor) await m.waitForLog(waitFor, 5000, mark);
  for (const a of live) await pub(a);
  const r = await sub.exited();
  assert.deepEqual([r.code, r.stderr], [0, ''], args.join(' '));
  return r.out;
}

test('retain handling never (and -R): the broker sends no retained message on subscribing', async () => {
  const t = fresh();
  await pub(['-t', t, '-m', 'old', '-r']);
  const never = await withLive(['-V', '5', '--retain-handling', 'never', '-t', t, '-C', '1'], `rh-never-${n}`, [['-t', t, '-m', 'live']]);
  assert.equal(never, 'live\n');
  // -R alone prints no retained message either way; -d shows that none was even sent
  const r = await withLive(['-V', '5', '-R', '-d', '-t', t, '-C', '1'], `rh-R-${n}`, [['-t', t, '-m', 'live']]);
  const received = r.split('\n').filter((l) => l.includes('received PUBLISH')).map((l) => l.replace(/^Client \S+ /, ''));
  assert.deepEqual(received, [`received PUBLISH (d0, q0, r0, m0, '${t}', ... (4 bytes))`]);
  // the control: without it, the retained message comes first
  const always = await runBin('tssub', ['-p', String(m.port), '-V', '5', '-t', t, '-C', '1']);
  assert.deepEqual([always.code, always.out], [0, 'old\n']);
});

test('retain handling new: retained messages only when the subscription is new in the (kept) session', async () => {
  const t = fresh();
  const id = `rh-new-${n}`;
  await pub(['-t', t, '-m', 'old', '-r']);
  const session = ['-V', '5', '-c', '-x', '300', '-t', t, '-C', '1'];
  const first = await runBin('tssub', ['-p', String(m.port), '-i', id, ...session, '--retain-handling', 'new']);
  assert.deepEqual([first.code, first.stderr, first.out], [0, '', 'old\n']);
  const again = await withLive([...session, '--retain-handling', 'new'], id, [['-t', t, '-m', 'live']]);
  assert.equal(again, 'live\n');
  // the control: "always" sends it for the existing subscription too
  const always = await runBin('tssub', ['-p', String(m.port), '-i', id, ...session, '--retain-handling', 'always']);
  assert.deepEqual([always.code, always.out], [0, 'old\n']);
  await runBin('tssub', ['-p', String(m.port), '-i', id, '-V', '5', '-x', '0', '-t', t, '-E']);
});

test('--no-local: the clear --remove-retained publishes does not come back to this client', async () => {
  const outs: string[] = [];
  for (const extra of [['--no-local'], []]) {
    const t = fresh();
    const id = `nl-${n}`;
    await pub(['-t', t, '-m', 'old', '-r']);
    const clear = new RegExp(`Received PUBLISH from ${id} \\(d0, q1, r1, m\\d+, '${t}', \\.\\.\\. \\(0 bytes\\)\\)`);
    const out = await withLive(['-V', '5', '--remove-retained', '-v', '-t', t, '-C', '2', ...extra], id, [['-t', t, '-m', 'live']], clear);
    outs.push(out.replaceAll(t, 'T'));
  }
  // without it the broker sends our own empty clearing message back: "T (null)"
  assert.deepEqual(outs, ['T old\nT live\n', 'T old\nT (null)\n']);
});
