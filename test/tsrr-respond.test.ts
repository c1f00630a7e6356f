// tsrr --respond against a real mosquitto, asked by the Debian mosquitto_rr (an independent
// requester) and by mosquitto_pub: the reply goes to the Response Topic with the request's
// Correlation Data; a failing command is answered with the user property exit-status (or not at
// all with --no-reply-on-failure); --exec-timeout stops a command; --max-running bounds how many
// run at once; a request without a Response Topic is answered on -e, or named once on stderr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { spawnBin, spawnProcess, type RunningBin } from './helpers/run-bin.ts';
import { mosqPub, mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { subscribed } from './helpers/subscribed.ts';

let m: Mosquitto;
let port: string;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
  port = String(m.port);
});
after(async () => { await m?.stop(); });

function responder(args: string[]): Promise<RunningBin> {
  return subscribed(m, () => spawnBin('tsrr', ['-p', port, '--respond', ...args]));
}

const mosqRr = (args: string[]) => spawnProcess('mosquitto_rr', ['-p', port, ...args]).exited();

test('a reply carries the request\'s correlation data to its Response Topic; the payload reaches the command on stdin', async () => {
  const resp = await responder(['-t', 'r/echo/#', '--exec', 'printf "%s:" "$MQTT_TOPIC"; cat', '-C', '1']);
  const r = await mosqRr(['-t', 'r/echo/x', '-e', 'r/echo-rep', '-m', 'payload bytes', '-D', 'publish', 'correlation-data', 'abc', '-F', '%t|%D|%p|%P', '-W', '10']);
  assert.deepEqual([r.code, r.out, r.stderr], [0, 'r/echo-rep|abc|r/echo/x:payload bytes|\n', '']);
  const done = await resp.exited();
  assert.deepEqual([done.code, done.out, done.stderr], [0, '', '']);
});

test('a failing command is answered with its stdout and the user property exit-status', async () => {
  const resp = await responder(['-t', 'r/fail', '--exec', 'echo partial; exit 3', '-C', '2']);
  const r = await mosqRr(['-t', 'r/fail', '-e', 'r/fail-rep', '-m', 'x', '-F', '%P|%p', '-N', '-W', '10']);
  assert.deepEqual([r.code, r.out, r.stderr], [0, 'exit-status:3|partial\n', '']);
  // a command killed by a signal names the signal
  const killed = await responder(['-t', 'r/kill', '--exec', 'kill -9 $$', '-C', '1']);
  const k = await mosqRr(['-t', 'r/kill', '-e', 'r/kill-rep', '-m', 'x', '-F', '%P|%l', '-W', '10']);
  assert.deepEqual([k.code, k.out], [0, 'exit-status:SIGKILL|0\n']);
  assert.equal((await killed.exited()).code, 0);
  resp.kill('SIGTERM');
  assert.equal((await resp.exited()).code, 0);
});

test('--no-reply-on-failure: nothing is sent for a failing command (the requester times out)', async () => {
  const resp = await responder(['-t', 'r/quiet', '--exec', 'exit 1', '--no-reply-on-failure', '-C', '1']);
  const r = await mosqRr(['-t', 'r/quiet', '-e', 'r/quiet-rep', '-m', 'x', '-W', '2']);
  assert.deepEqual([r.code, r.out, r.stderr], [27, '', 'Timed out\n']);
  assert.equal((await resp.exited()).code, 0);
});

test('--exec-timeout: a command running too long is stopped and answered with exit-status timeout', async () => {
  const resp = await responder(['-t', 'r/slow', '--exec', 'sleep 30', '--exec-timeout', '0.3', '-C', '1']);
  const r = await mosqRr(['-t', 'r/slow', '-e', 'r/slow-rep', '-m', 'x', '-F', '%P', '-W', '10']);
  assert.deepEqual([r.code, r.out], [0, 'exit-status:timeout\n']);
  assert.equal((await resp.exited()).code, 0);
});

test('--max-running 1: commands run one after another', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrr-run-'));
  const log = join(dir, 'log');
  const resp = await responder(['-t', 'r/one', '--exec', `echo start >> ${log}; sleep 0.1; echo end >> ${log}`, '--max-running', '1', '-C', '4']);
  for (let i = 0; i < 4; i++) {
    const p = await mosqPub(['-p', port, '-V', '5', '-t', 'r/one', '-m', String(i), '-D', 'publish', 'response-topic', 'r/one-rep']);
    assert.equal(p.code, 0, p.stderr);
  }
  assert.equal((await resp.exited()).code, 0);
  assert.equal(readFileSync(log, 'utf8'), 'start\nend\n'.repeat(4));
});

test('a request without a Response Topic: answered on -e; without -e, named once on stderr', async () => {
  const sub = mosqSub(['-p', port, '-t', 'r/fallback-rep', '-C', '1', '-W', '10']);
  await m.waitForLog(/Sending SUBACK to/, 5000);
  const resp = await responder(['-t', 'r/fallback', '-e', 'r/fallback-rep', '--exec', 'printf ok', '-C', '1']);
  assert.equal((await mosqPub(['-p', port, '-t', 'r/fallback', '-m', 'x'])).code, 0);
  assert.deepEqual([(await sub.exited()).out], ['ok\n']);
  assert.equal((await resp.exited()).code, 0);
  const bare = await responder(['-t', 'r/bare', '--exec', 'printf ok', '-W', '1']);
  assert.equal((await mosqPub(['-p', port, '-t', 'r/bare', '-m', 'x'])).code, 0);
  assert.equal((await mosqPub(['-p', port, '-t', 'r/bare', '-m', 'y'])).code, 0);
  const done = await bare.exited();
  assert.equal(done.stderr, "A request on 'r/bare' has no Response Topic: not answered (give -e topic to answer such requests there).\nTimed out\n");
  assert.equal(done.code, 27);
});
