// tssub as a black box against a real mosquitto: exit codes, -C/-W/-E/-U/-R/-T, --retained-only,
// --snapshot, --remove-retained, --random-filter, -F errors before connecting, SUBACK failures
// (fake broker), `| head -1`, Ctrl+C/SIGTERM with a clean DISCONNECT, reconnect/re-subscribe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { binPath, runBin, spawnBin } from './helpers/run-bin.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { acceptConnect, autoAck, startFakeBroker } from './helpers/fake-broker.ts';

let m: Mosquitto;
let seq = 0;
const conn = (): string[] => ['-h', m.host, '-p', String(m.port)];
/** a fresh topic prefix per test */
const prefix = (): string => `t${++seq}-${process.pid}`;
const pub = async (args: string[]): Promise<void> => {
  const r = await mosqPub([...conn(), ...args]);
  assert.equal(r.code, 0, r.stderr);
};

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
});
after(async () => { await m?.stop(); });

test('bad input: one Error line, exit 1, nothing on stdout, before connecting', async () => {
  const dead = ['-p', '1']; // nothing listens there: any attempt to connect would say so instead
  const cases: Array<[string[], string]> = [
    [[], 'Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U).'],
    [['-t', 'a', '-F', '%k'], "Error: Invalid format specifier 'k'."],
    [['-t', 'a', '-F', '%5'], 'Error: Incomplete format specifier.'],
    [['-t', 'a', '-F', 'x\\'], 'Error: Incomplete escape specifier.'],
    [['-t', 'a', '-F', '\\z'], "Error: Invalid escape specifier 'z'."],
    [['-t', 'a/#/b'], "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?"],
    [['-t', 'a', '-T', 'x+'], "Error: Invalid filter topic 'x+', are all '+' and '#' wildcards correct?"],
    [['-t', 'a', '-C', '0'], 'Error: Invalid message count "0".'],
    [['-t', 'a', '-C', 'x'], 'Error: Invalid message count "0".'], // mosquitto's atoi read it as 0
    [['-t', 'a', '-W', '0'], 'Error: Invalid timeout "0".'],
    [['-t', 'a', '-q', '3'], 'Error: Invalid QoS given: 3'],
    [['-t', 'a', '--random-filter', '101'], 'Error: --random-filter chance must be between 0.1-100.0'],
    [['-t', 'a', '--random-filter', '0'], 'Error: --random-filter chance must be between 0.1-100.0'],
    [['-t', 'a', '-c'], 'Error: You must provide a client id if you are using the -c option.'],
    [['-t', 'a', '--bogus'], "Error: Unknown option '--bogus'."],
    [['-t', 'a', '-m', 'x'], "Error: Unknown option '-m'."],
    [['-t', 'a', '-W'], 'Error: -W argument given but no timeout specified.'],
  ];
  for (const [args, line] of cases) {
    const r = await runBin('tssub', [...dead, ...args]);
    assert.equal(r.stderr.split('\n')[0], line, args.join(' '));
    assert.ok(r.stderr.endsWith("\nUse 'tssub --help' to see usage.\n"), args.join(' '));
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.out, '', args.join(' '));
  }
});

test('connection refused: exit 1 with the cause; -W runs out: "Timed out", exit 27', async () => {
  const r = await runBin('tssub', ['-h', '127.0.0.1', '-p', '1', '-t', 'a']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error: .*(refused|ECONNREFUSED).*\n$/);
  const w = await runBin('tssub', [...conn(), '-t', `${prefix()}/none`, '-W', '1']);
  assert.deepEqual([w.code, w.stderr, w.out], [27, 'Timed out\n', '']);
  const q = await runBin('tssub', [...conn(), '-t', `${prefix()}/none`, '-W', '1', '--quiet']);
  assert.deepEqual([q.code, q.stderr], [27, '']);
});

test('-C counts printed messages only (after -R and -T); -v, -N', async () => {
  const p = prefix();
  await pub(['-t', `${p}/old`, '-m', 'stale', '-r']);
  const sub = spawnBin('tssub', [...conn(), '-t', `${p}/#`, '-C', '3', '-R', '-T', `${p}/skip`, '-v', '-W', '10']);
  await m.waitForLog(new RegExp(`SUBSCRIBE[\\s\\S]*${p}/#`));
  await pub(['-t', `${p}/skip`, '-m', 'no']);
  await pub(['-t', `${p}/a`, '-m', 'one']);
  await pub(['-t', `${p}/b`, '-n']);
  await pub(['-t', `${p}/c`, '-m', 'three']);
  await pub(['-t', `${p}/d`, '-m', 'four']);
  const r = await sub.exited();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, `${p}/a one\n${p}/b (null)\n${p}/c three\n`);
});

test('-E exits once subscribed; -U unsubscribes after subscribing', async () => {
  const p = prefix();
  const e = await runBin('tssub', [...conn(), '-t', `${p}/a`, '-t', `${p}/b`, '-E']);
  assert.deepEqual([e.code, e.out, e.stderr], [0, '', '']);
  const sub = spawnBin('tssub', [...conn(), '-t', `${p}/a`, '-t', `${p}/b`, '-U', `${p}/b`, '-C', '1', '-W', '10']);
  await m.waitForLog(new RegExp(`UNSUBSCRIBE[\\s\\S]*${p}/b`));
  await pub(['-t', `${p}/b`, '-m', 'unsubscribed']);
  await pub(['-t', `${p}/a`, '-m', 'subscribed']);
  const r = await sub.exited();
  assert.deepEqual([r.code, r.out], [0, 'subscribed\n']);
});

test('--retained-only ends on the first live message (exit 0); --snapshot ends by itself', async () => {
  const p = prefix();
  await pub(['-t', `${p}/1`, '-m', 'r1', '-r']);
  await pub(['-t', `${p}/2`, '-m', 'r2', '-r']);
  const sub = spawnBin('tssub', [...conn(), '-t', `${p}/#`, '--retained-only', '-v', '-W', '10']);
  await sub.waitForStdout(`${p}/2 r2\n`);
  await pub(['-t', `${p}/3`, '-m', 'live']);
  const r = await sub.exited();
  assert.deepEqual([r.code, r.out, r.stderr], [0, `${p}/1 r1\n${p}/2 r2\n`, '']);
  const s = await runBin('tssub', [...conn(), '-t', `${p}/#`, '--snapshot', '-F', '%t=%p']);
  assert.deepEqual([s.code, s.out, s.stderr], [0, `${p}/1=r1\n${p}/2=r2\n`, '']);
  const none = await runBin('tssub', [...conn(), '-t', `${p}-empty/#`, '--retained-only', '--snapshot']);
  assert.deepEqual([none.code, none.out], [0, '']);
});

test('--remove-retained clears what it prints (respecting -T)', async () => {
  const p = prefix();
  for (const t of ['a', 'b', 'keep']) await pub(['-t', `${p}/${t}`, '-m', t, '-r']);
  const r = await runBin('tssub', [...conn(), '-t', `${p}/#`, '--snapshot', '--remove-retained', '-T', `${p}/keep`, '-v']);
  assert.deepEqual([r.code, r.out], [0, `${p}/a a\n${p}/b b\n`]);
  const left = await runBin('tssub', [...conn(), '-t', `${p}/#`, '--snapshot', '-v']);
  assert.equal(left.out, `${p}/keep keep\n`);
});

test('--random-filter 100 prints everything (0 is refused, as mosquitto_sub does: see bad input)', async () => {
  const p = prefix();
  await pub(['-t', `${p}/x`, '-m', 'x', '-r']);
  const all = await runBin('tssub', [...conn(), '-t', `${p}/#`, '--snapshot', '--random-filter', '100']);
  assert.equal(all.out, 'x\n');
});

test('-V 5 -D subscribe/-q 1: %S, %m and properties reach the output; --json', async () => {
  const p = prefix();
  await pub(['-V', '5', '-t', `${p}/j`, '-m', '\u00ff', '-r', '-q', '1', '-D', 'publish', 'user-property', 'a', '1', '-D', 'publish', 'user-property', 'a', '2']);
  const r = await runBin('tssub', [...conn(), '-V', '5', '-q', '1', '-t', `${p}/#`, '-D', 'subscribe', 'subscription-identifier', '9', '--snapshot', '-F', '%S %q %m %P %x']);
  assert.deepEqual([r.code, r.out], [0, '9 1 1 a:1 a:2 c3bf\n']);
  const j = await runBin('tssub', [...conn(), '-V', '5', '-t', `${p}/#`, '--snapshot', '--json']);
  const o = JSON.parse(j.out);
  assert.deepEqual([o.topic, o.payload, o.encoding, o.properties.userProperties], [`${p}/j`, '\u00ff', 'utf8', [['a', '1'], ['a', '2']]]);
});

test('SUBACK failures are reported per filter; all refused: exit 1', async () => {
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c, { suback: (s) => s.subscriptions.map((x) => (x.topic.startsWith('deny') ? 0x80 : 0)) });
  });
  try {
    const all = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'deny/1', '-t', 'deny/2']);
    assert.equal(all.code, 1);
    assert.equal(all.stderr, "Error: subscription to 'deny/1' refused: refused by the broker (0x80).\n"
      + "Error: subscription to 'deny/2' refused: refused by the broker (0x80).\nError: All subscription requests were denied.\n");
    const some = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'deny/1', '-t', 'ok', '-E']);
    assert.deepEqual([some.code, some.stderr], [0, "Error: subscription to 'deny/1' refused: refused by the broker (0x80).\n"]);
  } finally {
    await fb.stop();
  }
});

test('| head -1: exit 0 quietly with a clean DISCONNECT', async () => {
  const p = prefix();
  const mark = m.logMark();
  const child = spawn('/bin/sh', ['-c', `"${process.execPath}" "${binPath('tssub')}" -h ${m.host} -p ${m.port} -t '${p}/#' -i ${p}-head | head -1`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  await m.waitForLog(new RegExp(`SUBACK to ${p}-head`), 5000, mark);
  const closed = new Promise((r) => child.once('close', r));
  await pub(['-t', `${p}/x`, '-m', 'first']);
  // head has gone after the first line: the next write fails with EPIPE (mosquitto_sub: SIGPIPE)
  let ended = false;
  void closed.then(() => { ended = true; });
  for (let i = 0; i < 20 && !ended; i++) {
    await pub(['-t', `${p}/x`, '-m', `more${i}`]);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 100))]);
  }
  await closed;
  assert.equal(out.split('\n')[0], 'first');
  assert.equal(err, '');
  await m.waitForLog(new RegExp(`Client ${p}-head disconnected\\.`), 5000, mark);
});

/** runs a tool with stdout on /dev/full (every write fails with ENOSPC); stderr and exit code */
function toFullDisk(tool: string, args: string[]): Promise<{ code: number | null; err: string }> {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, [binPath(tool), ...args], { stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, err })));
}

test('stdout on a full disk: one error line and exit 1 (output was lost), a clean DISCONNECT; tspub -d goes on with 0', async () => {
  const p = prefix();
  const mark = m.logMark();
  await pub(['-t', `${p}/kept`, '-m', 'retained', '-r']);
  const sub = await toFullDisk('tssub', [...conn(), '-t', `${p}/kept`, '-i', `${p}-full`, '-C', '1']);
  assert.equal(sub.err, 'Error: cannot write to standard output: no space left on device (ENOSPC)\n');
  assert.equal(sub.code, 1);
  await m.waitForLog(new RegExp(`Client ${p}-full disconnected\\.`), 5000, mark);
  // tspub's stdout carries only -d lines: the message is still published, the exit code unchanged
  const pubd = await toFullDisk('tspub', [...conn(), '-t', `${p}/kept`, '-m', '', '-r', '-d']);
  assert.equal(pubd.err, 'Error: cannot write to standard output: no space left on device (ENOSPC)\n');
  assert.equal(pubd.code, 0);
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  test(`${sig}: clean DISCONNECT, exit 0, output flushed`, async () => {
    const p = prefix();
    const mark = m.logMark();
    const sub = spawnBin('tssub', [...conn(), '-t', `${p}/#`, '-i', `${p}-sig`, '-v']);
    await m.waitForLog(new RegExp(`SUBACK to ${p}-sig`), 5000, mark);
    await pub(['-t', `${p}/x`, '-m', 'hi']);
    await sub.waitForStdout(`${p}/x hi\n`);
    sub.kill(sig);
    const r = await sub.exited();
    assert.deepEqual([r.code, r.out, r.stderr], [0, `${p}/x hi\n`, '']);
    await m.waitForLog(new RegExp(`Client ${p}-sig disconnected\\.`), 5000, mark);
  });
}

test('--no-reconnect: a lost connection ends with exit 1 and the cause', async () => {
  const fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); setTimeout(() => c.close(), 300); });
  try {
    const r = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'a', '--no-reconnect']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .+\n$/);
  } finally {
    await fb.stop();
  }
});

test('reconnects after the connection is lost and subscribes again', async () => {
  let n = 0;
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c);
    n++;
    if (n === 1) setTimeout(() => c.close(), 300);
    else void c.next('subscribe').then(() => c.send({ cmd: 'publish', topic: 'a', payload: Buffer.from('after'), qos: 0, retain: false, dup: false }));
  });
  try {
    const r = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'a', '-C', '1', '--reconnect-delay', '0.05']);
    assert.deepEqual([r.code, r.out], [0, 'after\n']);
    assert.match(r.stderr, /^Connection lost \(.+\); reconnecting\.\n$/);
    assert.equal(fb.connections.length, 2);
  } finally {
    await fb.stop();
  }
});

test('--retry-connect while the broker is down: -W still runs out (27); Ctrl+C exits 0', async () => {
  const w = await runBin('tssub', ['-h', '127.0.0.1', '-p', '1', '-t', 'a', '--retry-connect', '-W', '1']);
  const retrying = 'Connection failed (Connection refused by 127.0.0.1:1: is the broker running and listening there?); retrying (--retry-connect).\n';
  assert.deepEqual([w.code, w.stderr, w.out], [27, `${retrying}Timed out\n`, '']);
  const sub = spawnBin('tssub', ['-h', '127.0.0.1', '-p', '1', '-t', 'a', '--retry-connect', '--reconnect-delay', '0.05']);
  await new Promise((r) => setTimeout(r, 400));
  sub.kill('SIGINT');
  const r = await sub.exited();
  assert.deepEqual([r.code, r.stderr, r.out], [0, retrying, '']);
});

test('-d prints packet lines and the granted QoS on stdout, as mosquitto_sub does', async () => {
  const r = await runBin('tssub', [...conn(), '-t', `${prefix()}/d`, '-q', '1', '-E', '-d', '-i', 'dbg-1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /^Client dbg-1 sending CONNECT\nClient dbg-1 received CONNACK \(0\)\nClient dbg-1 sending SUBSCRIBE \(Mid: \d+, Topic: t\d+-\d+\/d, QoS: 1, Options: 0x00\)\nClient dbg-1 received SUBACK\nSubscribed \(mid: 1\): 1\nClient dbg-1 sending DISCONNECT\n$/);
});

test('-U alone (mosquitto 2.1): connects, unsubscribes a kept session from the filter, runs on; -E exits after it', async () => {
  const p = prefix();
  const id = `u-alone-${process.pid}`;
  const session = [...conn(), '-c', '-i', id, '-q', '1'];
  // a kept session subscribed to p/#
  const first = await runBin('tssub', [...session, '-t', `${p}/#`, '-E']);
  assert.deepEqual([first.code, first.stderr], [0, '']);
  // -U alone: the session forgets p/#
  const unsub = await runBin('tssub', [...session, '-U', `${p}/#`, '-E', '-d']);
  assert.deepEqual([unsub.code, unsub.stderr], [0, '']);
  assert.match(unsub.out, new RegExp(`sending UNSUBSCRIBE \\(Mid: \\d+, Topic: ${p}/#\\)\\n`));
  assert.doesNotMatch(unsub.out, /sending SUBSCRIBE/);
  // what is published now is not kept for the session: nothing arrives, -W runs out
  await pub(['-t', `${p}/x`, '-m', 'after', '-q', '1']);
  const after = await runBin('tssub', [...session, '-U', `${p}/none`, '-W', '1', '-v']);
  assert.deepEqual([after.code, after.out, after.stderr], [27, '', 'Timed out\n']);
});
