// The package as users get it: npm pack, then `npm install -g` of the tarball into a temporary
// prefix, offline with an empty npm cache (possible only because there are no runtime
// dependencies: everything is bundled), no install-scripts warning; every tool runs from there
// with no node_modules anywhere (--version, and a publish and a subscribe against mosquitto),
// and `npx -p <tarball> tspub` works. Also: THIRD_PARTY_NOTICES.md is current, the bundles
// require no package at run time, and the tarball holds only what `files` names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinModules } from 'node:module';
import { ROOT, isolatedHome } from './helpers/run-bin.ts';
import { binNames } from '../scripts/gen/tools.ts';
import { requireMosquitto, startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
// @ts-expect-error: a plain .mjs script without types
import { noticesText } from '../scripts/notices.mjs';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string; dependencies?: object; devDependencies: Record<string, string>; scripts: Record<string, string>; files: string[];
};
const tools = binNames(ROOT);
const work = mkdtempSync(join(tmpdir(), 'tsmqtt-package-'));
const prefix = join(work, 'prefix');
const home = isolatedHome();
// an empty cache: nothing can come from a registry or from earlier installs
const npmEnv = { PATH: process.env.PATH, HOME: home, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
let tarball = '';
let m: Mosquitto;

function npm(args: string[], cwd = work): { stdout: string; stderr: string } {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: npmEnv, timeout: 60_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** a tool from the prefix: its PATH has the prefix's bin first, no NODE_PATH, an empty HOME */
function installedEnv(): NodeJS.ProcessEnv {
  return { PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: home, NODE_PATH: '' };
}

before(async () => {
  requireMosquitto();
  m = await startMosquitto();
  // dist/ is built by `npm test` before the tests; --ignore-scripts keeps prepack from rebuilding
  // it under the other test files running now
  for (const t of tools) assert.ok(existsSync(join(ROOT, 'dist', `${t}.cjs`)), `dist/${t}.cjs: run npm run build`);
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT).stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, packed[0]!.filename);
});

after(async () => {
  await m?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('no runtime dependencies; the build runs at prepack, no install script', () => {
  assert.equal(pkg.dependencies, undefined);
  for (const dep of ['mqtt-packet', 'ws', 'socks', 'ora', 'hdr-histogram-js']) assert.ok(pkg.devDependencies[dep], dep);
  assert.equal(pkg.scripts.prepack, 'node scripts/build.mjs');
  for (const hook of ['prepare', 'preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts[hook], undefined, hook);
  assert.deepEqual(pkg.files, ['bin', 'dist', 'man', 'completions', 'README.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md']);
});

test('the bundles require only node builtins (their packages are inside)', () => {
  for (const t of tools) {
    const text = readFileSync(join(ROOT, 'dist', `${t}.cjs`), 'utf8');
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((r) => r[1]!).filter((n) => !n.startsWith('node:') && !builtinModules.includes(n));
    // ws's optional native helpers: required inside try/catch, never installed
    assert.deepEqual([...new Set(required)].filter((n) => n !== 'bufferutil' && n !== 'utf-8-validate'), [], `dist/${t}.cjs`);
  }
});

test('THIRD_PARTY_NOTICES.md lists exactly the bundled packages (npm run notices)', async () => {
  assert.equal(readFileSync(join(ROOT, 'THIRD_PARTY_NOTICES.md'), 'utf8'), await noticesText(ROOT), 'stale: run `npm run notices`');
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) the tsmqtt authors\n/);
});

test('the tarball holds bin, dist, man, completions, README, LICENSE and the notices only', () => {
  const r = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  const tops = new Set(r.stdout.split('\n').filter(Boolean).map((p) => p.replace(/^package\//, '').split('/')[0]));
  assert.deepEqual([...tops].sort(), ['LICENSE', 'README.md', 'THIRD_PARTY_NOTICES.md', 'bin', 'completions', 'dist', 'man', 'package.json']);
});

test('npm install -g of the tarball, offline: one package, no warning, every tool runs from the prefix', async () => {
  const r = npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball]);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^\n?added 1 package in [\d.]+m?s\n$/);
  const installed = join(prefix, 'lib', 'node_modules', 'tsmqtt');
  assert.equal(existsSync(join(installed, 'node_modules')), false, 'no node_modules in the installed package');
  assert.deepEqual(readdirSync(join(prefix, 'share', 'man', 'man1')).sort(), tools.map((t) => `${t}.1`).sort());
  for (const t of tools) {
    const v = spawnSync(join(prefix, 'bin', t), ['--version'], { encoding: 'utf8', env: installedEnv() });
    assert.equal(v.stderr, '');
    assert.equal(v.stdout, `${t} version ${pkg.version} (tsmqtt).\n`);
    assert.equal(v.status, 0);
  }
  // a subscribe and a publish through the installed tools
  const mark = m.logMark();
  const sub = spawn(join(prefix, 'bin', 'tssub'), ['-p', String(m.port), '-t', 'pkg/#', '-v', '-C', '1', '-q', '1'], { env: installedEnv() });
  let out = '';
  let err = '';
  sub.stdout.on('data', (b: Buffer) => { out += b; });
  sub.stderr.on('data', (b: Buffer) => { err += b; });
  // 'close', not 'exit': the exit can come before the last of stdout was read
  const exited = new Promise<number | null>((resolve) => sub.on('close', resolve));
  await m.waitForLog(/Sending SUBACK/, 10_000, mark);
  const pub = spawnSync(join(prefix, 'bin', 'tspub'), ['-p', String(m.port), '-t', 'pkg/hello', '-m', 'from the tarball', '-q', '1'], { encoding: 'utf8', env: installedEnv() });
  assert.equal(pub.stderr, '');
  assert.equal(pub.status, 0);
  assert.equal(await exited, 0);
  assert.equal(err, '');
  assert.equal(out, 'pkg/hello from the tarball\n');
});

test('npx -p <tarball> tspub --version', () => {
  const r = npm(['exec', '--yes', '--offline', '--package', tarball, '--', 'tspub', '--version']);
  assert.equal(r.stdout, `tspub version ${pkg.version} (tsmqtt).\n`);
});
