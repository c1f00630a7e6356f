// `npm run man`: writes man/<tool>.1 for every tool from its option table and help sections, and
// lists them in package.json "man". Re-run it after changing a tool's options or help, or adding
// a tool; test/man.test.ts fails until the pages (and the list) match.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverTools } from './gen/tools.ts';
import { manFiles } from './gen/man-files.ts';
import { writeGenerated } from './gen/write-files.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = manFiles(await discoverTools(root));
writeGenerated(root, 'man', files);
const pkgFile = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
pkg.man = [...files.keys()];
writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
