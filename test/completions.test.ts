// completions/: generated from the option tables (npm run completions), committed, and the same
// bytes as `tool --completion SHELL`. Each shell's completion runs for real: bash's function with
// COMP_WORDS/COMP_CWORD, zsh's completion system in a pseudo-terminal (helpers/zsh-complete.zsh),
// fish's `complete -C`. zsh and fish must be installed (scripts/ensure-test-tools.sh, .ci/run): a
// missing shell fails these tests, never skips them. A fixture tool checks subcommands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { discoverTools, binNames } from '../scripts/gen/tools.ts';
import { completionFiles, completionPath } from '../scripts/gen/completion-files.ts';
import { completionScript } from '../src/cli/options/completion.ts';
import { completionSource, type Tool } from '../src/cli/runtime/setup.ts';
import { optionTable, qos, type OptionSpec } from '../src/cli/options/option-spec.ts';
import { ROOT, runBin } from './helpers/run-bin.ts';

const tools = await discoverTools(ROOT);
const work = mkdtempSync(join(tmpdir(), 'tsmqtt-completions-'));
// a file and a directory for the value completions (compgen -f / -d run in this folder)
writeFileSync(join(work, 'ca.pem'), '');
mkdirSync(join(work, 'certs'));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

function shellPresent(shell: string): void {
  const r = spawnSync(shell, ['-c', 'exit 0']);
  assert.equal(r.error, undefined, `${shell} is not installed: run scripts/ensure-test-tools.sh (apt-get install ${shell})`);
}

/** bash: source the script, set COMP_WORDS/COMP_CWORD, call the function, print COMPREPLY */
function bash(script: string, fn: string, line: string): string[] {
  const words = line.split(' ');
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`],
    { encoding: 'utf8', cwd: work });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** zsh: the completion system over a folder holding _tool, in a pseudo-terminal */
function zsh(dir: string, line: string): string[] {
  const out = join(work, `zsh-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('zsh', ['-f', join(ROOT, 'test/helpers/zsh-complete.zsh'), dir, out, line], { encoding: 'utf8', cwd: work, timeout: 20_000 });
  assert.equal(r.status, 0, `zsh-complete.zsh ${line}: ${r.stderr}`);
  return existsSync(out) ? [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))].sort() : [];
}

/** fish: `complete -C` over the sourced script; the candidates without their descriptions */
function fish(file: string, line: string): string[] {
  const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8', cwd: work });
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).sort();
}

test('every package.json binary has a Tool, and completions/ is exactly what the tables generate', () => {
  assert.deepEqual(tools.map((t) => t.name), binNames(ROOT));
  const files = completionFiles(tools);
  assert.deepEqual(listFiles(join(ROOT, 'completions')).map((f) => relative(ROOT, f)).sort(), [...files.keys()].sort(),
    'completions/ holds one file per tool and shell: run `npm run completions`');
  for (const [path, text] of files) assert.equal(readFileSync(join(ROOT, path), 'utf8'), text, `${path} is stale: run \`npm run completions\``);
});

test('--completion bash|zsh|fish on every tool prints the committed file', async () => {
  for (const tool of tools) {
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      const r = await runBin(tool.name, ['--completion', shell]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
      assert.equal(r.out, readFileSync(join(ROOT, completionPath(shell, tool.name)), 'utf8'), `${tool.name} --completion ${shell}`);
    }
  }
  const bad = await runBin('tssub', ['--completion', 'tcsh']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: --completion: unknown shell 'tcsh' \(use bash, zsh or fish\)\.\n/);
});

test('bash: option names, -q values, -D commands and property names, files and directories', () => {
  const script = readFileSync(join(ROOT, 'completions/bash/tspub'), 'utf8');
  assert.deepEqual(bash(script, '_tspub', 'tspub --will-r'), ['--will-retain']);
  assert.deepEqual(bash(script, '_tspub', 'tspub -q '), ['0', '1', '2']);
  assert.deepEqual(bash(script, '_tspub', 'tspub -V mqttv3'), ['mqttv31', 'mqttv311']);
  assert.deepEqual(bash(script, '_tspub', 'tspub --line-format j'), ['json']);
  assert.deepEqual(bash(script, '_tspub', 'tspub -D '), ['connect', 'disconnect', 'publish', 'will']);
  assert.deepEqual(bash(script, '_tspub', 'tspub -D PUBLISH co'), ['content-type', 'correlation-data']);
  assert.deepEqual(bash(script, '_tspub', 'tspub -D publish content-type '), []);
  assert.deepEqual(bash(script, '_tspub', 'tspub -D publish user-property k '), []);
  assert.deepEqual(bash(script, '_tspub', 'tspub --cafile c'), ['ca.pem', 'certs']);
  assert.deepEqual(bash(script, '_tspub', 'tspub --capath c'), ['certs']);
  assert.deepEqual(bash(script, '_tspub', 'tspub -m '), []);
  const sub = readFileSync(join(ROOT, 'completions/bash/tssub'), 'utf8');
  assert.deepEqual(bash(sub, '_tssub', 'tssub --retain-handling n'), ['never', 'new']);
  assert.deepEqual(bash(sub, '_tssub', 'tssub -D subscribe '), ['subscription-identifier', 'user-property']);
  assert.deepEqual(bash(sub, '_tssub', 'tssub --completion '), ['bash', 'fish', 'zsh']);
});

test('zsh: the completion system offers option names, -q values, -D words, files', () => {
  shellPresent('zsh');
  const dir = join(ROOT, 'completions/zsh');
  assert.deepEqual(zsh(dir, 'tspub --will-r'), ['--will-retain']);
  assert.deepEqual(zsh(dir, 'tspub -q '), ['0', '1', '2']);
  assert.deepEqual(zsh(dir, 'tspub -D '), ['connect', 'disconnect', 'publish', 'will']);
  assert.deepEqual(zsh(dir, 'tspub -D publish co'), ['content-type', 'correlation-data']);
  assert.deepEqual(zsh(dir, 'tspub --cafile ca'), ['ca.pem']);
  assert.deepEqual(zsh(dir, 'tssub --retain-handling n'), ['never', 'new']);
});

test('fish: option names with descriptions, -q values, -D words, files', () => {
  shellPresent('fish');
  const file = (t: string): string => join(ROOT, `completions/fish/${t}.fish`);
  assert.deepEqual(fish(file('tspub'), 'tspub --will-r'), ['--will-retain']);
  assert.deepEqual(fish(file('tspub'), 'tspub -q '), ['0', '1', '2']);
  assert.deepEqual(fish(file('tspub'), 'tspub -D '), ['connect', 'disconnect', 'publish', 'will']);
  assert.deepEqual(fish(file('tspub'), 'tspub -D publish co'), ['content-type', 'correlation-data']);
  assert.deepEqual(fish(file('tspub'), 'tspub --cafile ca'), ['ca.pem']);
  assert.deepEqual(fish(file('tssub'), 'tssub --retain-handling n'), ['never', 'new']);
  const r = spawnSync('fish', ['--no-config', '-c', `source ${file('tspub')}; complete -C 'tspub --will-r'`], { encoding: 'utf8' });
  assert.equal(r.stdout, '--will-retain\tretain the Last Will\n');
});

// a tool with subcommands, as tsbench will be: `tsfix conn|pub [options]`
const spec = (s: OptionSpec): OptionSpec => s;
const FIXTURE: Tool = {
  name: 'tsfix', summary: 'fixture', synopsis: ['conn|pub [options]'], debugTo: 'stdout', prompt: 'always',
  table: optionTable([
    spec({ key: 'qos', names: ['-q', '--qos'], kind: 'value', arg: 'qos', group: 'protocol', help: 'quality of service', parse: qos }),
    spec({ key: 'help', names: ['--help'], kind: 'flag', group: 'misc', help: 'show this help' }),
  ]),
  subcommands: [
    { name: 'conn', summary: 'open connections and hold them', table: optionTable([
      spec({ key: 'clients', names: ['-c', '--clients'], kind: 'value', arg: 'N', group: 'misc', help: 'connections' }),
    ]) },
    { name: 'pub', summary: 'publish at a rate', table: optionTable([
      spec({ key: 'rate', names: ['--rate'], kind: 'value', arg: 'N', group: 'misc', help: 'messages per second' }),
      spec({ key: 'payloadFile', names: ['--payload-file'], kind: 'value', arg: 'file', group: 'misc', help: 'payload from a file' }),
    ]) },
  ],
};

test('subcommands: first the names, then each one\'s own options and the tool\'s (bash, zsh, fish)', () => {
  const source = completionSource(FIXTURE);
  const dir = join(work, 'fixture');
  mkdirSync(join(dir, 'zsh'), { recursive: true });
  const bashText = completionScript(source, 'bash');
  writeFileSync(join(dir, 'zsh', '_tsfix'), completionScript(source, 'zsh'));
  writeFileSync(join(dir, 'tsfix.fish'), completionScript(source, 'fish'));
  assert.deepEqual(bash(bashText, '_tsfix', 'tsfix '), ['conn', 'pub']);
  assert.deepEqual(bash(bashText, '_tsfix', 'tsfix pub --r'), ['--rate']);
  assert.deepEqual(bash(bashText, '_tsfix', 'tsfix conn --r'), []);
  assert.deepEqual(bash(bashText, '_tsfix', 'tsfix pub -q '), ['0', '1', '2']);
  assert.deepEqual(bash(bashText, '_tsfix', 'tsfix pub --payload-file c'), ['ca.pem', 'certs']);
  shellPresent('zsh');
  assert.deepEqual(zsh(join(dir, 'zsh'), 'tsfix '), ['conn', 'pub']);
  assert.deepEqual(zsh(join(dir, 'zsh'), 'tsfix pub --r'), ['--rate']);
  assert.deepEqual(zsh(join(dir, 'zsh'), 'tsfix conn --cl'), ['--clients']);
  assert.deepEqual(zsh(join(dir, 'zsh'), 'tsfix pub -q '), ['0', '1', '2']);
  shellPresent('fish');
  assert.deepEqual(fish(join(dir, 'tsfix.fish'), 'tsfix '), ['conn', 'pub']);
  assert.deepEqual(fish(join(dir, 'tsfix.fish'), 'tsfix pub --r'), ['--rate']);
  assert.deepEqual(fish(join(dir, 'tsfix.fish'), 'tsfix conn --r'), []);
  assert.deepEqual(fish(join(dir, 'tsfix.fish'), 'tsfix pub -q '), ['0', '1', '2']);
});
