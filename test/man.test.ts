// man/<tool>.1: generated from the option tables and help sections (npm run man), committed, listed
// in package.json "man", and rendered by man(1) without a single warning. man-db and groff-base
// must be installed (scripts/ensure-test-tools.sh, .ci/run): a missing man fails, never skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverTools } from '../scripts/gen/tools.ts';
import { manFiles } from '../scripts/gen/man-files.ts';
import { ROOT } from './helpers/run-bin.ts';

const tools = await discoverTools(ROOT);
const files = manFiles(tools);

function render(page: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('man', ['--warnings', '-l', join(ROOT, page)],
    { encoding: 'utf8', env: { PATH: process.env.PATH, MANWIDTH: '80', MAN_KEEP_FORMATTING: '', LC_ALL: 'C.UTF-8', MANPAGER: 'cat', PAGER: 'cat' } });
  assert.equal(r.error, undefined, 'man is not installed: run scripts/ensure-test-tools.sh (apt-get install man-db groff-base)');
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test('man/ is exactly what the tables generate, and package.json lists every page', () => {
  assert.deepEqual(readdirSync(join(ROOT, 'man')).map((f) => `man/${f}`).sort(), [...files.keys()].sort(), 'one page per tool: run `npm run man`');
  for (const [path, text] of files) assert.equal(readFileSync(join(ROOT, path), 'utf8'), text, `${path} is stale: run \`npm run man\``);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man?: string[] };
  assert.deepEqual(pkg.man, [...files.keys()]);
});

test('man --warnings renders every page without a warning, with every option and section', () => {
  for (const tool of tools) {
    const r = render(`man/${tool.name}.1`);
    assert.equal(r.stderr, '', `man --warnings -l man/${tool.name}.1`);
    assert.equal(r.status, 0);
    const text = r.stdout.replace(/.\x08/g, '');
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'FILES', 'ENVIRONMENT', 'SEE ALSO']) {
      assert.match(text, new RegExp(`^${section}$`, 'm'), `${tool.name}.1: ${section}`);
    }
    assert.match(text, new RegExp(`^ {7}${tool.name} - `, 'm'));
    for (const spec of tool.table.specs.filter((s) => !s.hidden)) {
      for (const name of spec.names) assert.ok(new RegExp(`^ {7}(.*, )?${name}(,| |$)`, 'm').test(text), `${tool.name}.1 lists ${name}`);
    }
  }
  const pub = render('man/tspub.1').stdout.replace(/.\x08/g, '');
  assert.ok(pub.includes("\n           tspub -t cfg/app -f app.json -V 5 -D publish content-type application/json\n"), 'an example, whole');
  assert.match(pub, /^ {7}0 {6}success: every message handed over \(QoS 0\) or acknowledged/m);
  // SEE ALSO: every other tool of package.json's bin, then mosquitto's own (the rendered line wraps as tools are added)
  const others = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).bin as Record<string, string>).filter((t) => t !== 'tspub');
  const seeAlso = pub.slice(pub.indexOf('SEE ALSO\n'), pub.indexOf('\n\n', pub.indexOf('SEE ALSO\n'))).replace(/\s+/g, ' ');
  assert.equal(seeAlso, `SEE ALSO ${[...others, 'mosquitto_pub'].map((t) => `${t}(1)`).join(', ')}, mosquitto(8)`);
});
