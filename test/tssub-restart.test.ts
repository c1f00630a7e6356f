// A persistent QoS 1 session (-c -i) loses nothing across a broker restart: messages published
// while tssub is connected, while the broker restarts under it, and while tssub itself is down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';

let m: Mosquitto;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({ persistence: true });
});
after(async () => { await m?.stop(); });

const lines = (from: number, to: number): string => {
  let s = '';
  for (let i = from; i < to; i++) s += `m${i}\n`;
  return s;
};
const publish = async (from: number, to: number, qos = '1'): Promise<void> => {
  const r = await mosqPub(['-h', m.host, '-p', String(m.port), '-t', 'persist/x', '-q', qos, '-l'], { stdin: lines(from, to) });
  assert.equal(r.code, 0, r.stderr);
};
const sorted = (s: string): string[] => s.split('\n').filter(Boolean).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));

test('-c -i -q 1: nothing lost, nothing twice, across a broker restart under a running tssub', async () => {
  const sub = spawnBin('tssub', ['-h', m.host, '-p', String(m.port), '-t', 'persist/#', '-q', '1', '-c', '-i', 'tssub-persist-1',
    '--reconnect-delay', '0.1', '-C', '40']);
  await m.waitForLog(/SUBACK to tssub-persist-1/);
  await publish(0, 20);
  await sub.waitForStdout('m19\n');
  await m.restart();
  await publish(20, 40);
  const r = await sub.exited();
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(sorted(r.out), sorted(lines(0, 40)));
  assert.equal(r.out.split('\n').filter(Boolean).length, 40);
});

test('-c -i -q 1: messages queued while tssub is down survive a broker restart', async () => {
  const args = ['-h', m.host, '-p', String(m.port), '-t', 'persist/#', '-q', '1', '-c', '-i', 'tssub-persist-2'];
  // create the session, then leave
  const first = await runBin('tssub', [...args, '-E']);
  assert.equal(first.code, 0, first.stderr);
  await publish(100, 110);
  await m.restart();
  await publish(110, 120);
  const r = await runBin('tssub', [...args, '-C', '20', '-W', '20']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, lines(100, 120));
});

test('-c -i -q 2: exactly once across a broker restart under a running tssub', async () => {
  const sub = spawnBin('tssub', ['-h', m.host, '-p', String(m.port), '-t', 'persist/#', '-q', '2', '-c', '-i', 'tssub-persist-3',
    '--reconnect-delay', '0.1', '-C', '40']);
  await m.waitForLog(/SUBACK to tssub-persist-3/);
  await publish(200, 220, '2');
  await sub.waitForStdout('m219\n');
  await m.restart();
  await publish(220, 240, '2');
  const r = await sub.exited();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, lines(200, 240));
});

test('-d: the re-subscribe after a broker restart prints its own "Subscribed" line, then messages flow again', async () => {
  const sub = spawnBin('tssub', ['-h', m.host, '-p', String(m.port), '-t', 'again/x', '-q', '1', '-d', '--reconnect-delay', '0.1', '-C', '1']);
  await sub.waitForStdout('Subscribed (mid: 1): 1\n');
  await m.restart();
  await sub.waitForStdout('Subscribed (mid: 2): 1\n');
  const r1 = await mosqPub(['-h', m.host, '-p', String(m.port), '-t', 'again/x', '-q', '1', '-m', 'after']);
  assert.equal(r1.code, 0, r1.stderr);
  const r = await sub.exited();
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Connection lost \(.*\); reconnecting\./);
  const subscribed = r.out.split('\n').filter((l) => l.startsWith('Subscribed'));
  assert.deepEqual(subscribed, ['Subscribed (mid: 1): 1', 'Subscribed (mid: 2): 1']);
  assert.match(r.out, /\nafter\n/);
});

test('two tssub with one client id drop each other: after repeated quick drops the notice names the id', async () => {
  const args = ['-h', m.host, '-p', String(m.port), '-t', 'dup/x', '-i', 'dup-id', '--reconnect-delay', '0.05', '--reconnect-max-delay', '0.1'];
  const a = spawnBin('tssub', args);
  await m.waitForLog(/SUBACK to dup-id/);
  const b = spawnBin('tssub', args);
  const hint = "Another client may be using the client id 'dup-id': the broker dropped the connection right after each of the last 3 reconnects, without a reason; give each client its own -i.";
  await a.waitForStderr(hint, 10_000);
  a.kill('SIGINT');
  b.kill('SIGINT');
  const [ra, rb] = await Promise.all([a.exited(), b.exited()]);
  for (const r of [ra, rb]) {
    for (const line of r.stderr.split('\n').filter(Boolean)) assert.match(line, /^Connection lost \(.+\); reconnecting\.( Another client may be using the client id 'dup-id': the broker dropped the connection right after each of the last 3 reconnects, without a reason; give each client its own -i\.)?$/);
  }
  // the first drop of a connection that lasted has no hint
  assert.ok(!ra.stderr.split('\n')[0]!.includes('Another client'), ra.stderr);
});
