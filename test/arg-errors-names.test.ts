// Installed under mosquitto's names: through a link named mosquitto_pub / mosquitto_sub a tool
// says that name in its argument errors, reads that name's options file first, and works with an
// empty environment (no PATH, no HOME: `env -i mosquitto_pub ...`, as scripts start clients). And
// develop's -o FILE, --help/--version ending the parse, --quiet never hiding an argument error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedHome, linkAs, runBin, spawnProcess, use1 } from './helpers/run-bin.ts';
import { mosqSubRun, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { invokedName } from '../src/cli/runtime/run.ts';
import { VERSION } from '../src/cli/runtime/version.ts';

let m: Mosquitto;
let pubLink: string;
let subLink: string;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
  pubLink = linkAs('mosquitto_pub', 'tspub');
  subLink = linkAs('mosquitto_sub', 'tssub');
});
after(async () => { await m?.stop(); });

const broker = (): string[] => ['-h', '127.0.0.1', '-p', String(m.port)];

/** the retained message on `topic`, read back with the real mosquitto_sub */
async function retained(topic: string): Promise<string> {
  const r = await mosqSubRun([...broker(), '-t', topic, '-C', '1', '-W', '5']);
  assert.equal(r.code, 0, r.stderr);
  return r.out;
}

test('the invoked name: the basename of argv[1] without .cjs/.js', () => {
  assert.equal(invokedName('/usr/lib/node_modules/tsmqtt/bin/tspub.cjs'), 'tspub');
  assert.equal(invokedName('/home/u/bin/mosquitto_pub'), 'mosquitto_pub');
  assert.equal(invokedName('dist/tssub.cjs'), 'tssub');
  assert.equal(invokedName('src/commands/tsclear.ts'), 'tsclear');
  assert.equal(invokedName(undefined), '');
});

test('env -i mosquitto_pub / mosquitto_sub (links): publish and subscribe with no environment at all', async () => {
  const p = await spawnProcess(pubLink, [...broker(), '-t', 'names/empty-env', '-m', 'from a link', '-r', '-q', '1'], { emptyEnv: true }).exited();
  assert.deepEqual([p.code, p.stderr, p.out], [0, '', '']);
  assert.equal(await retained('names/empty-env'), 'from a link\n');
  const s = await spawnProcess(subLink, [...broker(), '-t', 'names/empty-env', '-C', '1', '-W', '5'], { emptyEnv: true }).exited();
  assert.deepEqual([s.code, s.stderr, s.out], [0, '', 'from a link\n']);
});

test("through a link, argument errors and the Use line name mosquitto_pub; run as tspub, tspub", async () => {
  const viaLink = await spawnProcess(pubLink, ['-t', 'a', '-m', 'x', '-p', '-1'], { emptyEnv: true }).exited();
  assert.deepEqual([viaLink.code, viaLink.stderr], [1, use1('mosquitto_pub', 'Error: Invalid port given: -1')]);
  const direct = await runBin('tspub', ['-t', 'a', '-m', 'x', '-p', '-1']);
  assert.deepEqual([direct.code, direct.stderr], [1, use1('tspub', 'Error: Invalid port given: -1')]);
});

test("invoked as mosquitto_pub, mosquitto_pub's options file comes first; as tspub, tspub's", async () => {
  const home = isolatedHome();
  const cfg = join(home, '.config');
  writeFileSync(join(cfg, 'tspub'), '-q 3\n');
  writeFileSync(join(cfg, 'mosquitto_pub'), '-q 4\n');
  const env = { HOME: home };
  const viaLink = await spawnProcess(pubLink, ['-t', 'a', '-m', 'x'], { emptyEnv: true, env }).exited();
  assert.deepEqual([viaLink.code, viaLink.stderr], [1, use1('mosquitto_pub', `Error: ${join(cfg, 'mosquitto_pub')} line 1: Invalid QoS given: 4`)]);
  const direct = await runBin('tspub', ['-t', 'a', '-m', 'x'], { home });
  assert.deepEqual([direct.code, direct.stderr], [1, use1('tspub', `Error: ${join(cfg, 'tspub')} line 1: Invalid QoS given: 3`)]);
  // without mosquitto_pub's file the link reads ours
  const only = isolatedHome();
  writeFileSync(join(only, '.config', 'tspub'), `-h 127.0.0.1\n-p ${m.port}\n`);
  const fallback = await spawnProcess(pubLink, ['-t', 'names/fallback', '-m', 'ours', '-r'], { emptyEnv: true, env: { HOME: only } }).exited();
  assert.deepEqual([fallback.code, fallback.stderr], [0, '']);
  assert.equal(await retained('names/fallback'), 'ours\n');
  // XDG_CONFIG_HOME wins over HOME, as in mosquitto
  const xdg = join(only, 'xdg');
  mkdirSync(xdg);
  writeFileSync(join(xdg, 'mosquitto_pub'), '-k 2\n');
  const x = await spawnProcess(pubLink, ['-t', 'a', '-m', 'x'], { emptyEnv: true, env: { HOME: only, XDG_CONFIG_HOME: xdg } }).exited();
  assert.equal(x.stderr.split('\n')[0], `Error: ${join(xdg, 'mosquitto_pub')} line 1: Invalid keepalive given, it must be between 5 and 65535 inclusive.`);
});

test('-o FILE (mosquitto 2.1): read instead of the default options file, before the command line', async () => {
  const home = isolatedHome();
  writeFileSync(join(home, '.config', 'tspub'), '--bogus\n');
  const file = join(home, 'opts');
  writeFileSync(file, `# from -o\n-h 127.0.0.1\n-p ${m.port}\n-m from the file\n`);
  const ok = await runBin('tspub', ['-o', file, '-t', 'names/o', '-r'], { home });
  assert.deepEqual([ok.code, ok.stderr], [0, '']);
  assert.equal(await retained('names/o'), 'from the file\n');
  // the command line wins over the file (its -m replaces the file's), wherever -o stands
  const over = await runBin('tspub', ['-t', 'names/o', '-r', '-m', 'from argv', '-o', file], { home });
  assert.deepEqual([over.code, over.stderr], [0, '']);
  assert.equal(await retained('names/o'), 'from argv\n');
  const bad = join(home, 'bad');
  writeFileSync(bad, '-q 7\n');
  const r = await runBin('tssub', ['-o', bad, '-t', 'a'], { home });
  assert.deepEqual([r.code, r.stderr], [1, use1('tssub', `Error: ${bad} line 1: Invalid QoS given: 7`)]);
});

test('--help and --version end the parse, as in mosquitto; --quiet never hides an argument error', async () => {
  const help = await runBin('tspub', ['--help', '--bogus']);
  assert.equal(help.code, 0);
  assert.match(help.out, /^tspub /);
  const bogus = await runBin('tspub', ['--bogus', '--help']);
  assert.deepEqual([bogus.code, bogus.stderr, bogus.out], [1, use1('tspub', "Error: Unknown option '--bogus'."), '']);
  const version = await runBin('tssub', ['--version', '-q', '9']);
  assert.equal(version.code, 0);
  const quiet = await runBin('tspub', ['--quiet', '-t', 'a', '-m', 'x', '-q', '9']);
  assert.deepEqual([quiet.code, quiet.stderr], [1, use1('tspub', 'Error: Invalid QoS given: 9')]);
});

test('through a link under the mosquitto name, --help and --version use that name', async () => {
  for (const [link, name] of [[pubLink, 'mosquitto_pub'], [subLink, 'mosquitto_sub']] as const) {
    const version = await spawnProcess(process.execPath, [link, '--version'], { home: isolatedHome() }).exited();
    assert.deepEqual([version.code, version.out], [0, `${name} version ${VERSION} (tsmqtt).\n`]);
    const help = await spawnProcess(process.execPath, [link, '--help'], { home: isolatedHome() }).exited();
    assert.equal(help.code, 0);
    assert.ok(help.out.startsWith(`${name} `), help.out.split('\n')[0]);
    assert.ok(!/\bts(pub|sub) /.test(help.out.split('\n')[0]!));
  }
});
