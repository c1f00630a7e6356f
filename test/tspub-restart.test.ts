// A long `tspub -l -q 1` pipe survives a broker restart: it reconnects with backoff, resends what
// was not acknowledged, and no stdin line is lost. --no-reconnect restores fail-fast.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnBin } from './helpers/run-bin.ts';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { waitFor } from './helpers/wait.ts';

let m: Mosquitto;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({ persistence: true });
});
after(async () => { await m.stop(); });

const uniqueLines = (text: string): Set<string> => new Set(text.split('\n').filter((l) => l !== ''));

test('broker restart in the middle of a QoS 1 pipe: zero lost lines', async () => {
  const n = 6000;
  const topic = 'restart/q1';
  const since = m.log().length;
  // a persistent QoS 1 subscriber: the broker keeps its messages while it is away
  const s = mosqSub(['-h', '127.0.0.1', '-p', String(m.port), '-t', topic, '-q', '1', '-c', '-i', 'restart-sub']);
  await m.waitForLog(/Sending SUBACK to restart-sub/, 5000, since);
  const pub = spawnBin('tspub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', topic, '-l', '-q', '1', '-i', 'restart-pub', '-c'], { timeoutMs: 120_000 });
  const lines = Array.from({ length: n }, (_, i) => `line-${i + 1}`);
  const half = n / 2;
  pub.child.stdin!.write(lines.slice(0, half).join('\n') + '\n');
  await waitFor(() => uniqueLines(s.stdoutText()).size >= 500, 30_000, 'the subscriber to receive 500 lines');
  await m.restart();
  pub.child.stdin!.write(lines.slice(half).join('\n') + '\n');
  pub.child.stdin!.end();
  const res = await pub.exited();
  // one line for the outage, nothing else
  assert.match(res.stderr, /^Connection lost \((the broker closed the connection|connection to .* was reset by the peer)\); reconnecting\.\n$/);
  assert.equal(res.code, 0);
  await waitFor(() => uniqueLines(s.stdoutText()).size >= n, 60_000, `the subscriber to receive all ${n} lines`);
  s.kill('SIGINT');
  await s.exited();
  const got = uniqueLines(s.stdoutText());
  assert.equal(got.size, n);
  for (const l of lines) assert.ok(got.has(l), `${l} was delivered`);
  // the publisher really reconnected (two CONNECTs from restart-pub in the broker log)
  assert.equal(m.log().slice(since).split('as restart-pub').length - 1, 2);
});

test('--no-reconnect: a lost connection ends the pipe with exit 1 and one error line', async () => {
  const pub = spawnBin('tspub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'restart/ff', '-l', '-q', '1', '--no-reconnect', '-i', 'ff-pub'], { timeoutMs: 60_000 });
  const since = m.log().length;
  pub.child.stdin!.write('a\nb\n');
  await m.waitForLog(/Received PUBLISH from ff-pub/, 10_000, since);
  await m.restart();
  const res = await pub.exited();
  assert.equal(res.code, 1);
  assert.equal(res.stderr.split('\n').length, 2, res.stderr);
  assert.match(res.stderr, /^Error: /);
});
