// DESIGN.md: imports flow one way, bin -> commands -> cli -> session -> protocol -> mqtt-packet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const SRC = resolve('src');
const ORDER = ['protocol', 'session', 'cli', 'commands'];

/** packages each layer may import (beyond node: builtins and lower layers) */
const ALLOWED_PACKAGES: Record<string, RegExp> = {
  protocol: /^mqtt-packet$/,
  session: /^(ws|socks)$/,
  cli: /^(yargs|yargs\/.*|yargs-parser|chalk|ora|split2|hdr-histogram-js)$/,
  commands: /^(yargs|chalk|ora|split2|hdr-histogram-js)$/,
};

/** node builtins the session and protocol layers must not use: no printing, no exiting */
const FORBIDDEN_IN_CORE = /\b(process\.(stdout|stderr|stdin|exit|argv|env)|console\.)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
  for (let m; (m = re.exec(text)); ) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

test('every import in src/ flows down the layers', () => {
  const violations: string[] = [];
  const all = files(SRC);
  assert.ok(all.length > 10, 'src/ has the layers');
  for (const file of all) {
    const layer = relative(SRC, file).split('/')[0]!;
    const rank = ORDER.indexOf(layer);
    assert.notEqual(rank, -1, `${file} is outside the known layers`);
    const text = readFileSync(file, 'utf8');
    for (const spec of importsOf(text)) {
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        if (resolve(dirname(file), spec) === resolve('package.json')) continue; // the version number
        const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0]!;
        const tr = ORDER.indexOf(target);
        if (tr === -1 || tr > rank) violations.push(`${relative(SRC, file)} imports ${spec} (${target} is above ${layer})`);
        continue;
      }
      if (!ALLOWED_PACKAGES[layer]!.test(spec)) violations.push(`${relative(SRC, file)} imports package '${spec}'`);
    }
    if (rank <= 1) {
      const code = text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      const m = FORBIDDEN_IN_CORE.exec(code);
      if (m) violations.push(`${relative(SRC, file)} uses ${m[1]} (the core never prints, exits or reads argv/env)`);
    }
  }
  assert.deepEqual(violations, []);
});

test('mqtt-packet is imported by src/protocol/codec.ts only', () => {
  const importers = files(SRC).filter((f) => importsOf(readFileSync(f, 'utf8')).includes('mqtt-packet'));
  assert.deepEqual(importers.map((f) => relative(SRC, f)), ['protocol/codec.ts']);
});

test('the checker sees a wrong-way import', () => {
  assert.deepEqual(importsOf("import { x } from '../cli/run.ts';\nconst y = await import('ws');"), ['../cli/run.ts', 'ws']);
});

test('bin/: one shim per command, each only loading its bundle through bin/load.cjs (node builtins only)', () => {
  const bin = resolve('bin');
  const commands = readdirSync(SRC + '/commands').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  const shims = readdirSync(bin).filter((f) => f !== 'load.cjs').sort();
  assert.deepEqual(shims, commands.map((c) => `${c}.cjs`));
  for (const c of commands) {
    assert.equal(readFileSync(join(bin, `${c}.cjs`), 'utf8'), `#!/usr/bin/env node\nrequire('./load.cjs')('${c}');\n`);
  }
  const loaderRequires = [...readFileSync(join(bin, 'load.cjs'), 'utf8').matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  assert.ok(loaderRequires.length > 0);
  for (const r of loaderRequires) assert.match(r!, /^node:/, `bin/load.cjs requires ${r}`);
});
