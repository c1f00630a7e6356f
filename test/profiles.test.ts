// --profile NAME / TSMQTT_PROFILE: a [name] section of $XDG_CONFIG_HOME/tsmqtt/profiles (else
// ~/.config/tsmqtt/profiles), read after the options file and before the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMosquitto, freePort, type Mosquitto } from './helpers/mosquitto.ts';
import { isolatedHome, runBin, use1 } from './helpers/run-bin.ts';

let m: Mosquitto;
let closed: string;
before(async () => { m = await startMosquitto(); closed = String(await freePort()); });
after(async () => { await m.stop(); });

/** a HOME whose profiles file holds `text` */
function homeWith(text: string): { home: string; file: string } {
  const home = isolatedHome();
  mkdirSync(join(home, '.config', 'tsmqtt'));
  const file = join(home, '.config', 'tsmqtt', 'profiles');
  writeFileSync(file, text);
  return { home, file };
}

test('a profile gives host and port to every tool; TSMQTT_PROFILE picks one; the command line wins', async () => {
  const { home } = homeWith(`# brokers\n[down]\n-h 127.0.0.1\n-p ${closed}\n\n[local]\n-h 127.0.0.1\n-p ${m.port}\n-q 1\n`);
  const sub = runBin('tssub', ['--profile', 'local', '-t', 'prof/a', '-C', '2', '-W', '10'], { home });
  await new Promise((r) => setTimeout(r, 300));
  const pub = await runBin('tspub', ['--profile', 'local', '-t', 'prof/a', '-m', 'one'], { home });
  assert.deepEqual([pub.code, pub.stderr], [0, '']);
  const viaEnv = await runBin('tspub', ['-t', 'prof/a', '-m', 'two'], { home, env: { TSMQTT_PROFILE: 'local' } });
  assert.deepEqual([viaEnv.code, viaEnv.stderr], [0, '']);
  assert.deepEqual(await sub.then((r) => [r.code, r.out]), [0, 'one\ntwo\n']);
  // the profile's port is closed; -p on the command line wins
  const wins = await runBin('tspub', ['--profile', 'down', '-p', String(m.port), '-t', 'prof/b', '-m', 'x'], { home });
  assert.deepEqual([wins.code, wins.stderr], [0, '']);
  const down = await runBin('tspub', ['--profile=down', '-t', 'prof/b', '-m', 'x', '--no-reconnect'], { home });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^Error: .*127\.0\.0\.1/);
  // --profile beats TSMQTT_PROFILE
  const both = await runBin('tspub', ['--profile', 'local', '-t', 'prof/b', '-m', 'x'], { home, env: { TSMQTT_PROFILE: 'down' } });
  assert.deepEqual([both.code, both.stderr], [0, '']);
  const clear = await runBin('tsclear', ['--profile', 'local', '-t', 'prof/none/#', '--dry-run'], { home });
  assert.equal(clear.code, 0, clear.stderr);
});

test('a missing file, a missing profile, a tool-only option: one error naming the file (and line), exit 1', async () => {
  const empty = isolatedHome();
  const noFile = await runBin('tspub', ['--profile', 'prod', '-t', 'a', '-m', 'x'], { home: empty });
  assert.deepEqual([noFile.code, noFile.stderr],
    [1, use1('tspub', `Error: Profile 'prod' asked for, but there is no profiles file ${join(empty, '.config', 'tsmqtt', 'profiles')}.`)]);
  const { home, file } = homeWith('[a]\n-h 127.0.0.1\n[b]\n-p 1883\n-t not/shared\n');
  const noSection = await runBin('tssub', ['--profile', 'prod', '-t', 'a'], { home });
  assert.deepEqual([noSection.code, noSection.stderr], [1, use1('tssub', `Error: No profile 'prod' in ${file} (it has: a, b).`)]);
  const toolOnly = await runBin('tspub', ['--profile', 'b', '-t', 'a', '-m', 'x'], { home });
  assert.deepEqual([toolOnly.code, toolOnly.stderr], [1,
    use1('tspub', `Error: ${file} line 5: -t cannot be in a profile (a profile holds the options every tool shares: connection, TLS, authentication, protocol).`)]);
  const missing = await runBin('tspub', ['-t', 'a', '-m', 'x', '--profile'], { home });
  assert.deepEqual([missing.code, missing.stderr], [1, `Error: --profile argument given but no profile name specified.\n\n\nUse 'tspub --help' to see usage.\n`]);
  const badValue = homeWith('[q]\n-q 7\n');
  const bad = await runBin('tspub', ['--profile', 'q', '-t', 'a', '-m', 'x'], { home: badValue.home });
  assert.deepEqual([bad.code, bad.stderr], [1, use1('tspub', `Error: ${badValue.file} line 2: Invalid QoS given: 7`)]);
});
