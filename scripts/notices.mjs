// `npm run notices`: THIRD_PARTY_NOTICES.md, the licences of exactly the packages esbuild puts into
// the bundles (its metafile's inputs under node_modules/), with each package's own licence file.
// The package ships those bundles and no node_modules, so this file is where their notices go.
// test/package.test.ts regenerates it and compares; re-run after changing a dependency.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleOptions } from './build.mjs';

/** node_modules/a/node_modules/@s/b/lib/x.js -> node_modules/a/node_modules/@s/b */
function packageDir(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? m[1] : undefined;
}

/** the package folders whose code is in any bundle, sorted by package name */
export async function bundledPackages(root = '.') {
  const commands = readdirSync(join(root, 'src/commands')).filter((f) => f.endsWith('.ts'));
  const { metafile } = await build({
    ...bundleOptions, absWorkingDir: resolve(root), logLevel: 'silent',
    entryPoints: commands.map((c) => `src/commands/${c}`), outdir: 'dist', outExtension: { '.js': '.cjs' }, write: false, metafile: true,
  });
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const dir = packageDir(input);
      if (dir && bytesInOutput > 0) dirs.add(dir);
    }
  }
  return [...dirs].map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    return { dir, name: pkg.name, version: pkg.version, license: pkg.license ?? 'UNKNOWN' };
  }).sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

function licenseText(root, dir) {
  const file = readdirSync(join(root, dir)).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(root, dir, file), 'utf8').trim() : undefined;
}

export async function noticesText(root = '.') {
  const pkgs = await bundledPackages(root);
  const out = ['# Third-party notices', '',
    'The bundles in dist/ contain code of these packages (found by esbuild\'s metafile: `npm run notices`).', ''];
  for (const p of pkgs) {
    out.push(`## ${p.name} ${p.version} (${p.license})`, '');
    const text = licenseText(root, p.dir);
    out.push(text ? ['```', text, '```'].join('\n') : `No licence file in the package; its package.json says ${p.license}.`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await noticesText();
  writeFileSync('THIRD_PARTY_NOTICES.md', text);
  console.log(`THIRD_PARTY_NOTICES.md: ${(await bundledPackages()).map((p) => `${p.name}@${p.version}`).join(', ')}`);
}
