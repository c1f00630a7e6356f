// bin/load.cjs: the installed commands run their bundle with a V8 code cache in
// $XDG_CACHE_HOME/tsmqtt (else ~/.cache/tsmqtt). The cache may speed a start up, never break one.
// A code cache is code (V8 runs its bytecode, checking only the source's length), so the loader
// trusts only a cache made for this exact bundle, in a directory nobody else can write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { runBin, spawnBin, isolatedHome, ROOT } from './helpers/run-bin.ts';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';

const VERSION_LINE = /^tspub version \S+ \(tsmqtt\)\.\n$/;
const TSSUB_VERSION = /^tssub version \S+ \(tsmqtt\)\.\n$/;

let m: Mosquitto;
before(async () => { m = await startMosquitto(); });
after(async () => { await m?.stop(); });

function cacheFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file of the directory with its inode and a digest of its bytes: "nothing was written there" */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(cacheFiles(dir).map((f) => [f, `${statSync(join(dir, f)).ino} ${digest(join(dir, f))}`]));
}

/** The name the loader gives the tool's cache (the same in every HOME): made by a first run. */
async function cacheName(tool: string): Promise<string> {
  const home = isolatedHome();
  const r = await runBin(tool, ['--version'], { home });
  assert.equal(r.code, 0, r.stderr);
  const files = cacheFiles(join(home, '.cache', 'tsmqtt'));
  assert.equal(files.length, 1, files.join(' '));
  return files[0]!;
}

/**
 * V8 code cache of a script that prints `text`, padded to the length of dist/<tool>.cjs: V8 accepts
 * it for the real bundle (it checks the length, not the text). Made by a plain `node` (tssub's flags).
 */
function plantedCode(tool: string, text: string): Buffer {
  const length = readFileSync(join(ROOT, 'dist', `${tool}.cjs`), 'utf8').length;
  const out = join(isolatedHome(), 'planted.v8');
  const make = `const vm = require('node:vm'), { wrap } = require('node:module');
    let s = 'process.stdout.write(' + JSON.stringify(process.argv[2]) + ');//'; s += ' '.repeat(${length} - s.length);
    require('node:fs').writeFileSync(process.argv[1], new vm.Script(wrap(s)).createCachedData());`;
  execFileSync(process.execPath, ['-e', make, out, text], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return readFileSync(out);
}

/** A cache file's first line: what it claims to have been made for (bin/load.cjs's stamp). */
function stampOf(file: string): string {
  const bytes = readFileSync(file, 'latin1');
  return bytes.slice(0, bytes.indexOf('\n') + 1);
}

test('the first run writes the cache, the next runs use it unchanged, an old one for the tool is removed', async () => {
  const home = isolatedHome();
  const dir = join(home, '.cache', 'tsmqtt');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tspub-v0.0.0-x64-1-1.v8'), 'left by an older build');
  const first = await runBin('tspub', ['--version'], { home });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.out, VERSION_LINE);
  const files = cacheFiles(dir);
  assert.equal(files.length, 1, files.join(' '));
  assert.match(files[0]!, new RegExp(`^tspub-${process.version}-${process.arch}-[0-9a-f]{16}\\.v8$`));
  const file = join(dir, files[0]!);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const bytes = readFileSync(file);
  assert.ok(bytes.length > 10_000, `cache of ${bytes.length} bytes`);
  const mtime = statSync(file).mtimeMs;
  const second = await runBin('tspub', ['--version'], { home });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.out, first.out);
  // accepted by V8, so not written again
  assert.equal(statSync(file).mtimeMs, mtime);
  assert.deepEqual(readFileSync(file), bytes);
});

test('a corrupt cache is ignored and replaced; XDG_CACHE_HOME is honoured', async () => {
  const home = isolatedHome();
  const xdg = join(home, 'xdg-cache');
  const dir = join(xdg, 'tsmqtt');
  const r1 = await runBin('tssub', ['--version'], { home, env: { XDG_CACHE_HOME: xdg } });
  assert.equal(r1.code, 0, r1.stderr);
  const [name] = cacheFiles(dir);
  assert.ok(name?.startsWith('tssub-'), String(name));
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'made private');
  writeFileSync(join(dir, name!), Buffer.alloc(5000, 7));
  const r2 = await runBin('tssub', ['--version'], { home, env: { XDG_CACHE_HOME: xdg } });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(r2.out, r1.out);
  assert.equal(r2.stderr, '');
  assert.notDeepEqual(readFileSync(join(dir, name!)), Buffer.alloc(5000, 7));
});

test('no cache when turned off or when it cannot be written: the command still works and says nothing of it', async () => {
  const home = isolatedHome();
  const off = await runBin('tspub', ['--version'], { home, env: { TSMQTT_NO_COMPILE_CACHE: '1' } });
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.out, VERSION_LINE);
  assert.equal(existsSync(join(home, '.cache')), false);
  // XDG_CACHE_HOME is a file: mkdir fails at exit
  const blocker = join(home, 'not-a-dir');
  writeFileSync(blocker, '');
  const blocked = await runBin('tspub', ['-t', 'a/#', '-m', 'x'], { home, env: { XDG_CACHE_HOME: blocker } });
  assert.equal(blocked.code, 1);
  assert.equal(blocked.stderr.split('\n')[0], "Error: Invalid publish topic 'a/#', does it contain '+' or '#'?");
  assert.equal(blocked.out, '');
});

test('planted code in the cache is not run: a cache that does not name this exact bundle is replaced', async () => {
  const home = isolatedHome();
  const dir = join(home, '.cache', 'tsmqtt');
  const real = await runBin('tssub', ['--version'], { home });
  assert.match(real.out, TSSUB_VERSION);
  const [name] = cacheFiles(dir);
  const file = join(dir, name!);
  const stamp = stampOf(file);
  const planted = plantedCode('tssub', 'planted\n');
  // what V8 alone would accept: code of the same length, under the loader's own file name
  writeFileSync(file, planted);
  const r = await runBin('tssub', ['--version'], { home });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, real.out);
  assert.equal(r.stderr, '');
  assert.deepEqual(cacheFiles(dir), [name]);
  assert.equal(stampOf(file), stamp, 'rewritten for the real bundle');
  // the cache of an older build of the same size (and, after `npm install`, the same mtime)
  const older = stamp.replace(/ [0-9a-f]{64} /, ` ${'0'.repeat(64)} `);
  assert.notEqual(older, stamp);
  writeFileSync(file, Buffer.concat([Buffer.from(older, 'latin1'), planted]));
  const r2 = await runBin('tssub', ['--version'], { home });
  assert.equal(r2.out, real.out);
  assert.equal(stampOf(file), stamp, 'rewritten for the real bundle');
});

// each case: how the directory is made unsafe, and how it is made private again
const unsafeDirs: [string, (dir: string) => void, (dir: string) => void][] = [
  ['writable by others (0777)', (d) => chmodSync(d, 0o777), (d) => chmodSync(d, 0o700)],
  ['writable by its group (0770)', (d) => chmodSync(d, 0o770), (d) => chmodSync(d, 0o700)],
];
// only root can give a directory away (`sudo tspub` with the user's HOME kept is the case)
if (process.getuid?.() === 0) unsafeDirs.push(['owned by another user', (d) => chownSync(d, 65534, 65534), (d) => chownSync(d, 0, 0)]);

for (const [what, spoil, restore] of unsafeDirs) {
  test(`a cache directory ${what} is not used: nothing is read from it or written to it`, async () => {
    const home = isolatedHome();
    const dir = join(home, '.cache', 'tsmqtt');
    const real = await runBin('tssub', ['--version'], { home });
    const [name] = cacheFiles(dir);
    const file = join(dir, name!);
    // a cache the loader would run from a private directory: this bundle's stamp, planted code
    const forged = Buffer.concat([Buffer.from(stampOf(file), 'latin1'), plantedCode('tssub', 'planted\n')]);
    writeFileSync(file, forged);
    spoil(dir);
    const before = snapshot(dir);
    const r = await runBin('tssub', ['--version'], { home });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, real.out);
    assert.equal(r.stderr, '');
    assert.deepEqual(snapshot(dir), before);
    unlinkSync(file);
    const empty = await runBin('tssub', ['--version'], { home });
    assert.equal(empty.out, real.out);
    assert.deepEqual(cacheFiles(dir), [], 'no cache written there');
    // control: once private again the same file is used, so it was the directory that was refused
    writeFileSync(file, forged);
    restore(dir);
    const control = await runBin('tssub', ['--version'], { home });
    assert.equal(control.out, 'planted\n');
  });
}

test('a planted <cache>.<pid>.tmp symlink does not make the loader write through it: its target is unchanged', async () => {
  const name = await cacheName('tspub');
  const home = isolatedHome();
  const dir = join(home, '.cache', 'tsmqtt');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const victim = join(home, 'victim');
  writeFileSync(victim, 'precious\n');
  // the cache is written at exit: plant the link once the pid is known, while tspub waits for stdin
  const pub = spawnBin('tspub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'loader/tmp', '-l'], { home });
  symlinkSync(victim, join(dir, `${name}.${pub.pid}.tmp`));
  pub.child.stdin!.end('x\n');
  const r = await pub.exited();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const now = readFileSync(victim);
  assert.ok(now.equals(Buffer.from('precious\n')), `the victim was overwritten (now ${now.length} bytes)`);
  assert.equal(lstatSync(join(dir, `${name}.${pub.pid}.tmp`)).isSymbolicLink(), true);
  assert.deepEqual(cacheFiles(dir), [`${name}.${pub.pid}.tmp`], 'no cache this time: the name was taken');
});

test('a symlink in place of the cache file is not followed: replaced by a file of our own, its target unchanged', async () => {
  const home = isolatedHome();
  const dir = join(home, '.cache', 'tsmqtt');
  const real = await runBin('tssub', ['--version'], { home });
  const [name] = cacheFiles(dir);
  const target = join(home, 'elsewhere.v8');
  renameSync(join(dir, name!), target); // a valid cache: a loader that followed the link would use it
  const bytes = digest(target);
  symlinkSync(target, join(dir, name!));
  const r = await runBin('tssub', ['--version'], { home });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, real.out);
  assert.equal(lstatSync(join(dir, name!)).isFile(), true, 'the link was replaced by a new cache');
  assert.equal(digest(target), bytes);
});

test('tspub -l changes a V8 flag at run time: the cache it writes serves one-shots and later -l runs, none rewrites it', async () => {
  const home = isolatedHome();
  const dir = join(home, '.cache', 'tsmqtt');
  const args = ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'loader/flags'];
  const lines = await runBin('tspub', [...args, '-l'], { home, stdin: 'a\nb\n' });
  assert.equal(lines.code, 0, lines.stderr);
  assert.equal(cacheFiles(dir).length, 1);
  const written = snapshot(dir);
  // V8 rejects a cache whose flag hash differs from the running one, and the loader then rewrites it
  // (a new file renamed into place): the same inode and bytes mean it was accepted
  for (const [what, extra, stdin] of [['one-shot', ['-m', 'x'], ''], ['-l', ['-l'], 'c\n'], ['one-shot', ['-m', 'y'], '']] as const) {
    const r = await runBin('tspub', [...args, ...extra], { home, stdin });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(snapshot(dir), written, `after the ${what} run`);
  }
});
