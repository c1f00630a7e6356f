// Bundles each binary into dist/<name>.cjs: one CommonJS file, run by bin/<name>.cjs through
// bin/load.cjs (V8 code cache). Start-up is part of the product: a bundle loads faster than a tree
// of modules, CommonJS needs no ESM loader and no ESM facade per node: builtin (~10 ms less than an
// ESM bundle), and aliases keep polyfills off the start-up path.
// Each bundle ends with a line naming its sha256: bin/load.cjs uses a code cache only when it was
// made for that exact bundle (V8 itself checks only the source's length), without hashing 300 KB
// at every start.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// `debug` (required by mqtt-packet) is never enabled by our binaries: a no-op stub saves its load
// (tty/supports-color probing) and the formatting work of every debug() call on the hot path.
const stubs = {
  name: 'stubs',
  setup(b) {
    b.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'stub' }));
    b.onResolve({ filter: /^process-nextick-args$/ }, () => ({ path: 'process-nextick-args', namespace: 'stub' }));
    b.onLoad({ filter: /^debug$/, namespace: 'stub' }, () => ({
      contents: 'const off = () => {}; off.enabled = false; module.exports = () => off;',
      loader: 'js',
    }));
    b.onLoad({ filter: /^process-nextick-args$/, namespace: 'stub' }, () => ({
      contents: 'module.exports = { nextTick: process.nextTick };',
      loader: 'js',
    }));
  },
};

/** Options every bundle shares: the binaries here, and bench/core-startup.sh's probe. */
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import('node:tls') etc. become require() inside a promise: modules reached only through
  // import() stay lazy (esbuild wraps them), so ws/tls/ora load only when used, with no ESM
  // loader, and the bundle can run from a vm.Script (bin/load.cjs)
  supported: { 'dynamic-import': false },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [stubs],
  alias: {
    // mqtt-packet pulls these polyfills through `bl`; Node has its own
    'readable-stream': 'node:stream',
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const commands = readdirSync('src/commands').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
  rmSync('dist', { recursive: true, force: true }); // nothing stale (older builds left chunks/ here)
  const { outputFiles } = await build({
    ...bundleOptions,
    entryPoints: Object.fromEntries(commands.map((c) => [c, `src/commands/${c}.ts`])),
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    write: false,
  });
  mkdirSync('dist', { recursive: true }); // a parallel build may have made it
  for (const out of outputFiles) {
    const body = out.text.endsWith('\n') ? out.text : `${out.text}\n`;
    const sha256 = createHash('sha256').update(body).digest('hex');
    writeFileSync(out.path, `${body}// tsmqtt-bundle-sha256: ${sha256}\n`); // format: bin/load.cjs's STAMP
  }
}
