// docs/ARCHITECTURE.md: imports flow one way, bin -> commands -> cli -> session -> protocol -> mqtt-packet;
// inside cli/, one folder per tool and shared folders by purpose, and no tool imports another's folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const SRC = resolve('src');
const ORDER = ['protocol', 'session', 'cli', 'commands'];

/** src/cli/<tool>/: one folder per binary, named after it without 'ts' (tspub -> pub); rr, bench, dump are coming */
const TOOL_FOLDERS = ['pub', 'sub', 'clear', 'rr', 'bench', 'dump'];
/** src/cli/<purpose>/: what several tools share */
const SHARED_FOLDERS = ['runtime', 'options', 'output', 'messages'];

/** packages each layer may import (beyond node: builtins and lower layers) */
const ALLOWED_PACKAGES: Record<string, RegExp> = {
  protocol: /^mqtt-packet$/,
  session: /^(ws|socks)$/,
  cli: /^(ora|hdr-histogram-js)$/,
  commands: /^$/, // wiring only: packages come through cli/
};

/** node builtins the session and protocol layers must not use: no printing, no exiting */
const FORBIDDEN_IN_CORE = /\b(process\.(stdout|stderr|stdin|exit|argv|env)|console\.)/;

interface SourceFile {
  /** relative to src/: 'cli/pub/runner.ts' */
  path: string;
  text: string;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function sources(): SourceFile[] {
  return files(SRC).map((f) => ({ path: relative(SRC, f), text: readFileSync(f, 'utf8') }));
}

function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
  for (let m; (m = re.exec(text)); ) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** the cli/ folder of a path relative to src/ ('cli/pub/runner.ts' -> 'pub'), '' for a file directly in cli/ */
function cliFolder(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'cli') return undefined;
  return parts.length > 2 ? parts[1]! : '';
}

/** commands/tspub.ts -> 'pub': the one tool folder a command may import */
const toolOfCommand = (path: string): string => path.replace(/^commands\//, '').replace(/\.ts$/, '').replace(/^ts/, '');

/** What is wrong with one file's imports (and, in the core, its use of process/console). */
function violationsOf(file: SourceFile): string[] {
  const out: string[] = [];
  const layer = file.path.split('/')[0]!;
  const rank = ORDER.indexOf(layer);
  if (rank === -1) return [`${file.path} is outside the known layers`];
  const own = cliFolder(file.path);
  if (own !== undefined && !TOOL_FOLDERS.includes(own) && !SHARED_FOLDERS.includes(own)) {
    out.push(own === '' ? `${file.path} sits directly in cli/ (put it in its tool's folder or a shared one)` : `${file.path}: cli/${own}/ is neither a tool folder nor a shared one`);
  }
  for (const spec of importsOf(file.text)) {
    if (spec.startsWith('node:')) continue;
    if (!spec.startsWith('.')) {
      if (!ALLOWED_PACKAGES[layer]!.test(spec)) out.push(`${file.path} imports package '${spec}'`);
      continue;
    }
    const abs = resolve(SRC, dirname(file.path), spec);
    if (abs === resolve('package.json')) continue; // the version number
    const target = relative(SRC, abs);
    const tr = ORDER.indexOf(target.split('/')[0]!);
    if (tr === -1 || tr > rank) {
      out.push(`${file.path} imports ${spec} (${target.split('/')[0]} is above ${layer})`);
      continue;
    }
    const folder = cliFolder(target);
    if (folder === undefined || !TOOL_FOLDERS.includes(folder)) continue;
    if (own !== undefined && own !== folder) {
      out.push(`${file.path} imports ${spec} (${TOOL_FOLDERS.includes(own) ? "another tool's folder" : 'a tool folder, from a shared one'}: cli/${folder}/)`);
    } else if (layer === 'commands' && toolOfCommand(file.path) !== folder) {
      out.push(`${file.path} imports ${spec} (another tool's folder: cli/${folder}/)`);
    }
  }
  if (rank <= 1) {
    const code = file.text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    const m = FORBIDDEN_IN_CORE.exec(code);
    if (m) out.push(`${file.path} uses ${m[1]} (the core never prints, exits or reads argv/env)`);
  }
  return out;
}

const violationsIn = (all: SourceFile[]): string[] => all.flatMap(violationsOf);

test('every import in src/ flows down the layers, and no tool imports another tool\'s folder', () => {
  const all = sources();
  assert.ok(all.length > 10, 'src/ has the layers');
  assert.deepEqual(violationsIn(all), []);
});

test('src/cli/ holds one folder per tool and the shared folders, no loose files', () => {
  const entries = readdirSync(join(SRC, 'cli')).sort();
  assert.deepEqual(entries.filter((e) => !statSync(join(SRC, 'cli', e)).isDirectory()), []);
  for (const e of entries) assert.ok(TOOL_FOLDERS.includes(e) || SHARED_FOLDERS.includes(e), `src/cli/${e}/`);
  // every binary has its folder
  for (const c of readdirSync(join(SRC, 'commands'))) assert.ok(entries.includes(toolOfCommand(c)), `src/cli/${toolOfCommand(c)}/ for ${c}`);
});

test('a planted import from one tool folder into another fails the check', () => {
  const all = sources();
  const planted = (path: string, spec: string): string[] => violationsIn([...all, { path, text: `import { x } from '${spec}';\n` }]);
  assert.deepEqual(planted('cli/pub/planted.ts', '../sub/runner.ts'), ["cli/pub/planted.ts imports ../sub/runner.ts (another tool's folder: cli/sub/)"]);
  assert.deepEqual(planted('cli/rr/planted.ts', '../bench/x.ts'), ["cli/rr/planted.ts imports ../bench/x.ts (another tool's folder: cli/bench/)"]);
  assert.deepEqual(planted('cli/dump/planted.ts', '../clear/snapshot.ts'), ["cli/dump/planted.ts imports ../clear/snapshot.ts (another tool's folder: cli/clear/)"]);
  assert.deepEqual(planted('cli/messages/planted.ts', '../pub/options.ts'), ['cli/messages/planted.ts imports ../pub/options.ts (a tool folder, from a shared one: cli/pub/)']);
  assert.deepEqual(planted('commands/tssub.ts', '../cli/pub/check.ts'), ["commands/tssub.ts imports ../cli/pub/check.ts (another tool's folder: cli/pub/)"]);
  assert.deepEqual(planted('cli/sub-planted.ts', './runtime/run.ts'), ['cli/sub-planted.ts sits directly in cli/ (put it in its tool\'s folder or a shared one)']);
  // the controls: a tool's own folder and the shared ones are fine
  assert.deepEqual(planted('cli/pub/planted.ts', './runner.ts'), []);
  assert.deepEqual(planted('cli/rr/planted.ts', '../messages/payload.ts'), []);
  assert.deepEqual(planted('commands/tspub.ts', '../cli/pub/check.ts'), []);
});

test('mqtt-packet is imported by src/protocol/codec.ts only', () => {
  const importers = sources().filter((f) => importsOf(f.text).includes('mqtt-packet'));
  assert.deepEqual(importers.map((f) => f.path), ['protocol/codec.ts']);
});

test('the checker sees a wrong-way import', () => {
  assert.deepEqual(importsOf("import { x } from '../cli/run.ts';\nconst y = await import('ws');"), ['../cli/run.ts', 'ws']);
  assert.deepEqual(violationsOf({ path: 'session/x.ts', text: "import { run } from '../cli/runtime/run.ts';\n" }), ['session/x.ts imports ../cli/runtime/run.ts (cli is above session)']);
  assert.deepEqual(violationsOf({ path: 'cli/runtime/x.ts', text: "import yargs from 'yargs';\n" }), ["cli/runtime/x.ts imports package 'yargs'"]);
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
