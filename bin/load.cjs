// Runs dist/<tool>.cjs with a V8 code cache kept in $XDG_CACHE_HOME/tsmqtt (else ~/.cache/tsmqtt),
// so the bundle is not parsed and compiled again at every start: a one-shot tspub is run thousands
// of times from shell loops. Node 22 has module.enableCompileCache() for this; Node 20 has not.
// The cache is only an optimisation: any problem with it falls back to a plain require().
// TSMQTT_NO_COMPILE_CACHE=1 turns it off.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createRequire, wrap } = require('node:module');
const vm = require('node:vm');

function cacheDir() {
  const env = process.env;
  if (env.TSMQTT_NO_COMPILE_CACHE) return undefined;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'tsmqtt');
  return env.HOME ? path.join(env.HOME, '.cache', 'tsmqtt') : undefined;
}

/** Written at exit: by then the functions this run compiled lazily are in the cache too. */
function saveAtExit(script, dir, name, tool) {
  process.once('exit', () => {
    try {
      const data = script.createCachedData();
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = path.join(dir, `${name}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, path.join(dir, name)); // atomic: parallel first runs do not mix
      for (const old of fs.readdirSync(dir)) {
        if (old.startsWith(`${tool}-`) && old.endsWith('.v8') && old !== name) fs.rmSync(path.join(dir, old), { force: true });
      }
    } catch { /* read-only or full disk: run without a cache */ }
  });
}

module.exports = function load(tool) {
  const file = path.join(__dirname, '..', 'dist', `${tool}.cjs`);
  const dir = cacheDir();
  if (!dir) return require(file);
  let source;
  let name;
  try {
    source = fs.readFileSync(file, 'utf8');
    const st = fs.statSync(file);
    // V8 checks its own version, flags and the source length; the key adds the bundle's identity
    name = `${tool}-${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}.v8`;
  } catch {
    return require(file);
  }
  let cachedData;
  try { cachedData = fs.readFileSync(path.join(dir, name)); } catch { /* first run */ }
  const script = new vm.Script(wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) saveAtExit(script, dir, name, tool);
  const mod = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
};
