// Every duration option has a range a Node timer can hold (2^31-1 ms, 2147483 seconds): beyond it
// one exact error line, exit 1, and no connection attempted (a fake broker counts them). Before,
// --connect-timeout 3000000 printed Node's TimeoutOverflowWarning and timed out at once,
// --reconnect-delay 5000000 retried without waiting, tsclear --quiet-time 3000000 spun a CPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runBin, use2 } from './helpers/run-bin.ts';
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
  ['tspub', [...pub, '--connect-timeout', '3000000'], use2('tspub', 'Error: --connect-timeout argument must be a number of seconds from 0 to 2147483.')],
  ['tspub', [...pub, '--connect-timeout', '2147483.5'], use2('tspub', 'Error: --connect-timeout argument must be a number of seconds from 0 to 2147483.')],
  ['tspub', [...pub, '--reconnect-delay', '5000000'], use2('tspub', 'Error: --reconnect-delay argument must be a number of seconds from 0 to 2147483.')],
  ['tspub', [...pub, '--reconnect-max-delay', '2147484'], use2('tspub', 'Error: --reconnect-max-delay argument must be a number of seconds from 0 to 2147483.')],
  ['tspub', [...pub, '--repeat', '2', '--repeat-delay', '3000000'], use2('tspub', 'Error: --repeat-delay argument must be a number of seconds from 0 to 2147483.')],
  ['tssub', [...sub, '--connect-timeout', '3000000'], use2('tssub', 'Error: --connect-timeout argument must be a number of seconds from 0 to 2147483.')],
  ['tssub', [...sub, '--reconnect-delay', '5000000'], use2('tssub', 'Error: --reconnect-delay argument must be a number of seconds from 0 to 2147483.')],
  ['tssub', [...sub, '--reconnect-max-delay', '99999999'], use2('tssub', 'Error: --reconnect-max-delay argument must be a number of seconds from 0 to 2147483.')],
  ['tssub', [...sub, '-W', '3000000'], use2('tssub', 'Error: Invalid timeout "3000000": at most 2147483.')],
  // mosquitto_sub's own words below 1
  ['tssub', [...sub, '-W', '0'], use2('tssub', 'Error: Invalid timeout "0".')],
  ['tssub', [...sub, '-W', '-5'], use2('tssub', 'Error: Invalid timeout "-5".')],
  ['tsclear', [...clear, '--quiet-time', '3000000'], use2('tsclear', 'Error: --quiet-time argument must be a number of seconds from 0 to 2147483.')],
  ['tsclear', [...clear, '--connect-timeout', '3000000'], use2('tsclear', 'Error: --connect-timeout argument must be a number of seconds from 0 to 2147483.')],
  ['tsclear', [...clear, '--reconnect-delay', '3000000'], use2('tsclear', 'Error: --reconnect-delay argument must be a number of seconds from 0 to 2147483.')],
];

for (const [tool, args, stderr] of cases) {
  test(`${tool} ${args.slice(-2).join(' ')}: ${stderr.split('\n')[0]}`, async () => {
    const before = fb.connections.length;
    const r = await runBin(tool, ['-h', '127.0.0.1', '-p', String(fb.port), ...args]);
    assert.equal(r.stderr, stderr);
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
