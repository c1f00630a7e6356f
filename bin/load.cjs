// Runs dist/<tool>.cjs with a V8 code cache kept in $XDG_CACHE_HOME/tsmqtt (else ~/.cache/tsmqtt),
// so the bundle is not parsed and compiled again at every start: a one-shot tspub is run thousands
// of times from shell loops. Node 22 has module.enableCompileCache() for this; Node 20 has not.
// The cache is only an optimisation: any problem with it falls back to a plain require().
// TSMQTT_NO_COMPILE_CACHE=1 turns it off.
//
// A code cache is code: V8 runs its bytecode and checks only the source's length (and its own
// version and flags). So a cache is used only when
//   - its directory is ours alone (owned by us, no group/other write, not a symlink),
//   - the file is a regular file of ours with one link, opened without following a symlink,
//   - its first line names this exact bundle: the sha256 that scripts/build.mjs appends to it
//     (hashing 300 KB here would cost ~5 ms a start), its size and mtime.
// It is written to a fresh temporary file (O_EXCL, O_NOFOLLOW) renamed into place.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createRequire, wrap } = require('node:module');
const vm = require('node:vm');

// Told by the bundle just before it changes V8's flags (src/cli/runtime/memory.ts, tspub -l). V8 stamps a
// code cache with the flags in force when it is made and every run starts with the default ones,
// so a cache made after the change (at exit) would be rejected by every later run, -l ones too.
// Setting such flags before the compile instead would cost ~5 ms of every start: Node's own modules
// loaded after a flag change miss their built-in code cache.
const FLAGS_CHANGING = 'tsmqtt:v8-flags-changing';

const STAMP = /\n\/\/ tsmqtt-bundle-sha256: ([0-9a-f]{64})\n$/;
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

function cacheDir() {
  const env = process.env;
  if (env.TSMQTT_NO_COMPILE_CACHE || typeof process.getuid !== 'function') return undefined;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'tsmqtt');
  return env.HOME ? path.join(env.HOME, '.cache', 'tsmqtt') : undefined;
}

/** Ours and writable by nobody else: anyone who can write a cache can run code as us. */
function ours(st) {
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/** 'ok', 'missing' (created when the cache is written) or 'unsafe' (never used). */
function dirState(dir) {
  let st;
  try { st = fs.lstatSync(dir); } catch (e) { return e.code === 'ENOENT' ? 'missing' : 'unsafe'; }
  return st.isDirectory() && ours(st) ? 'ok' : 'unsafe';
}

/** The file's bytes if it is a regular file of ours with one name; a symlink is not followed. */
function readOwnFile(file) {
  let fd;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK); // O_NONBLOCK: a FIFO does not hang us
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.nlink !== 1 || !ours(st)) return undefined;
    const bytes = Buffer.allocUnsafeSlow(st.size); // its own ArrayBuffer: the V8 data stays aligned
    let got = 0;
    while (got < bytes.length) { // not readFileSync(fd): ~0.3 ms slower (measured)
      const n = fs.readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) return undefined; // truncated meanwhile
      got += n;
    }
    return bytes;
  } catch {
    return undefined; // first run, or a symlink (ELOOP)
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Written at exit: by then the functions this run compiled lazily are in the cache too. Made
 * earlier, under the flags the bundle was compiled with, when the bundle announces a flag change.
 */
function saveAtExit(script, dir, name, tool, stamp) {
  let data;
  let flagsChanged = false;
  const takeNow = () => {
    flagsChanged = true;
    try { data = script.createCachedData(); } catch { /* then no cache this run */ }
  };
  process.once(FLAGS_CHANGING, takeNow);
  process.once('exit', () => {
    process.off(FLAGS_CHANGING, takeNow);
    let tmp;
    try {
      if (!flagsChanged) data = script.createCachedData();
      if (data === undefined) return;
      if (dirState(dir) === 'missing') fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (dirState(dir) !== 'ok') return;
      const file = path.join(dir, `${name}.${process.pid}.tmp`);
      const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600); // never an existing file or link
      tmp = file;
      try {
        fs.writeFileSync(fd, stamp, 'latin1');
        fs.writeFileSync(fd, data);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, path.join(dir, name)); // atomic, and replaces a link rather than its target
      tmp = undefined;
      for (const old of fs.readdirSync(dir)) {
        if (old.startsWith(`${tool}-`) && old.endsWith('.v8') && old !== name) {
          try { fs.unlinkSync(path.join(dir, old)); } catch { /* raced by another run */ }
        }
      }
    } catch {
      // read-only or full disk, or a name already taken: run without a cache
      if (tmp !== undefined) try { fs.unlinkSync(tmp); } catch { /* gone */ }
    }
  });
}

module.exports = function load(tool) {
  const file = path.join(__dirname, '..', 'dist', `${tool}.cjs`);
  const dir = cacheDir();
  const state = dir === undefined ? 'off' : dirState(dir);
  if (state !== 'ok' && state !== 'missing') return require(file);
  let source;
  let name;
  let stamp;
  try {
    source = fs.readFileSync(file, 'utf8');
    const st = fs.statSync(file);
    const hash = STAMP.exec(source.slice(-100))?.[1];
    if (hash === undefined) return require(file); // not built by scripts/build.mjs
    name = `${tool}-${process.version}-${process.arch}-${hash.slice(0, 16)}.v8`;
    const line = `tsmqtt-code-cache 1 ${hash} ${st.size} ${Math.trunc(st.mtimeMs)}`;
    stamp = `${line.padEnd(Math.ceil((line.length + 1) / 8) * 8 - 1)}\n`; // V8 copies data that is not 8-byte aligned (~0.2 ms)
  } catch {
    return require(file);
  }
  let cachedData;
  const bytes = state === 'ok' ? readOwnFile(path.join(dir, name)) : undefined;
  if (bytes !== undefined && bytes.length > stamp.length && bytes.toString('latin1', 0, stamp.length) === stamp) {
    cachedData = bytes.subarray(stamp.length);
  }
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) saveAtExit(script, dir, name, tool, stamp);
  const mod = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
};
