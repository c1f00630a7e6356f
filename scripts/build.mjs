// Bundles each binary into dist/<name>.js (one file, ESM). Start-up is part of the product:
// a bundle loads faster than a tree of modules, and aliases keep polyfills off the start-up path.
import { build } from 'esbuild';
import { readdirSync, mkdirSync } from 'node:fs';

const commands = readdirSync('src/commands').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
mkdirSync('dist', { recursive: true });
await build({
  entryPoints: Object.fromEntries(commands.map((c) => [c, `src/commands/${c}.ts`])),
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle need require()
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  alias: {
    // mqtt-packet pulls these polyfills through `bl`; Node has its own
    'readable-stream': 'node:stream',
  },
});
