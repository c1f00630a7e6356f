// Every duration option has a range a Node timer can hold (2^31-1 ms, 2147483 seconds): beyond it
// one exact error line, exit 1, and no connection attempted (a fake broker counts them). Before,
// --connect-timeout 3000000 printed Node's TimeoutOverflowWarning and timed out at once,
// --reconnect-delay 5000000 retried without waiting, tsclear --quiet-time 3000000 spun a CPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runBin } from './helpers/run-bin.ts';
import { startFakeBroker, acceptConnect, autoAck, type FakeBroker } from './helpers/fake-broker.ts';
import { backoffDelay } from '../src/session/reconnect-policy.ts';

let fb: FakeBroker;

before(async () => {
  fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
});
after(async () => { await fb.stop(); });

const pub = ['-t', 'a', '-m', 'x'];
const sub = ['-t', 'a'];
const clear = ['-t', 'a/#', '--dry-run'];

const cases: Array<[string, string[], string]> = [
  ['tspub', [...pub, '--connect-timeout', '3000000'], 'Error: --connect-timeout: 3000000 is out of range (0-2147483 seconds).'],
  ['tspub', [...pub, '--connect-timeout', '2147483.5'], 'Error: --connect-timeout: 2147483.5 is out of range (0-2147483 seconds).'],
  ['tspub', [...pub, '--reconnect-delay', '5000000'], 'Error: --reconnect-delay: 5000000 is out of range (0-2147483 seconds).'],
  ['tspub', [...pub, '--reconnect-max-delay', '2147484'], 'Error: --reconnect-max-delay: 2147484 is out of range (0-2147483 seconds).'],
  ['tspub', [...pub, '--repeat', '2', '--repeat-delay', '3000000'], 'Error: --repeat-delay: 3000000 is out of range (0-2147483 seconds).'],
  ['tssub', [...sub, '--connect-timeout', '3000000'], 'Error: --connect-timeout: 3000000 is out of range (0-2147483 seconds).'],
  ['tssub', [...sub, '--reconnect-delay', '5000000'], 'Error: --reconnect-delay: 5000000 is out of range (0-2147483 seconds).'],
  ['tssub', [...sub, '--reconnect-max-delay', '99999999'], 'Error: --reconnect-max-delay: 99999999 is out of range (0-2147483 seconds).'],
  ['tssub', [...sub, '-W', '3000000'], 'Error: -W: 3000000 is out of range (1-2147483 seconds).'],
  // mosquitto_sub's own words below 1
  ['tssub', [...sub, '-W', '0'], 'Error: Invalid timeout "0".'],
  ['tssub', [...sub, '-W', '-5'], 'Error: Invalid timeout "-5".'],
  ['tsclear', [...clear, '--quiet-time', '3000000'], 'Error: --quiet-time: 3000000 is out of range (0-2147483 seconds).'],
  ['tsclear', [...clear, '--connect-timeout', '3000000'], 'Error: --connect-timeout: 3000000 is out of range (0-2147483 seconds).'],
  ['tsclear', [...clear, '--reconnect-delay', '3000000'], 'Error: --reconnect-delay: 3000000 is out of range (0-2147483 seconds).'],
];

for (const [tool, args, line] of cases) {
  test(`${tool} ${args.slice(-2).join(' ')}: ${line}`, async () => {
    const before = fb.connections.length;
    const r = await runBin(tool, ['-h', '127.0.0.1', '-p', String(fb.port), ...args]);
    assert.equal(r.stderr, `${line}\n`);
    assert.equal(r.out, '');
    assert.equal(r.code, 1);
    assert.equal(fb.connections.length, before, 'no connection may be attempted');
  });
}

test('the top of each range is accepted, and --help shows the ranges', async () => {
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), ...pub, '--connect-timeout', '2147483', '--reconnect-delay', '2147483', '--reconnect-max-delay', '2147483']);
  assert.deepEqual([r.code, r.stderr], [0, '']);
  const help = (await runBin('tspub', ['--help'])).out;
  for (const opt of ['--connect-timeout', '--reconnect-delay', '--reconnect-max-delay', '--repeat-delay']) {
    assert.match(help, new RegExp(`\\n {2}${opt} seconds +[^\\n]*, 0-2147483 seconds`), opt);
  }
  assert.match((await runBin('tssub', ['--help'])).out, /\n {2}-W seconds +stop after this many seconds, 1-2147483;/);
  assert.match((await runBin('tsclear', ['--help'])).out, /\n {2}--quiet-time seconds +the snapshot ends this long after the last retained message, more\n +than 0 and up to 2147483 seconds/);
});

test('backoff: the +20% jitter never takes the longest delay past what a timer holds', () => {
  const p = { enabled: true, retryFirstConnect: false, maxRetries: Infinity, initialDelayMs: 2_147_483_000, maxDelayMs: 2_147_483_000 };
  for (let attempt = 1; attempt <= 200; attempt++) assert.ok(backoffDelay(p, attempt) <= 0x7fffffff);
});
