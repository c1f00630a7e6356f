// bin/load.cjs: the installed commands run their bundle with a V8 code cache in
// $XDG_CACHE_HOME/tsmqtt (else ~/.cache/tsmqtt). The cache may speed a start up, never break one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runBin, isolatedHome } from './helpers/run-bin.ts';

const VERSION_LINE = /^tspub version \S+ \(tsmqtt\)\.\n$/;

function cacheFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
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
  assert.match(files[0]!, new RegExp(`^tspub-${process.version}-${process.arch}-\\d+-\\d+\\.v8$`));
  const file = join(dir, files[0]!);
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
  assert.equal(blocked.stderr.split('\n')[0], "Error: -t: 'a/#': wildcards (+ #) are not allowed in a topic to publish to.");
  assert.equal(blocked.out, '');
});
