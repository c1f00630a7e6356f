// Start-up is part of the product (a one-shot tspub is run thousands of times from shell loops):
// the plain-TCP one-shots must not load Node modules they do not use. Each of these cost 1-5 ms
// when something touched it by accident (perf_hooks through the global `performance`, dns and
// its resolver for "localhost", tls/crypto without TLS, ...).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { binEnv, binPath, isolatedHome, runBin } from './helpers/run-bin.ts';

const LAZY = ['dns', 'perf_hooks', 'tls', '_tls_wrap', 'http', 'https', 'zlib', 'readline', 'child_process', 'worker_threads'];

let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'startup-modules-'));
const preload = join(dir, 'record.cjs');
writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(process.env.RECORD_TO, JSON.stringify(process.moduleLoadList)));\n`);

before(async () => { m = await startMosquitto(); });
after(async () => { await m?.stop(); });

async function modulesOf(tool: string, args: string[]): Promise<string[]> {
  const out = join(dir, `${tool}-${args.length}.json`);
  const r = await runBin(tool, ['-h', 'localhost', '-p', String(m.port), ...args], { env: { NODE_OPTIONS: `--require ${preload}`, RECORD_TO: out } });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((e) => e.startsWith('NativeModule ')).map((e) => e.slice(13));
}

for (const [tool, args] of [
  ['tspub', ['-t', 'startup/a', '-m', 'x', '-q', '1']],
  ['tssub', ['-t', 'startup/a', '-E']],
  ['tsclear', ['-t', 'startup/none/#', '--yes']],
  // its own request comes back on the response topic with its correlation data: the reply
  ['tsrr', ['-t', 'startup/rr', '-e', 'startup/rr', '-m', 'x', '-W', '10']],
] as const) {
  test(`${tool} ${args.join(' ')}: loads none of ${LAZY.join(', ')}`, async () => {
    const loaded = await modulesOf(tool, [...args]);
    assert.ok(loaded.includes('net'), 'the record is real: net was loaded');
    assert.deepEqual(loaded.filter((name) => LAZY.includes(name)), []);
  });
}

// tsbench --help answers from the option table: the session (net), hdr-histogram-js (it loads zlib
// to encode) and the worker threads come only with a run. Its stdout is a file: a pipe would load
// net for process.stdout itself.
test('tsbench --help: loads neither the session (net), hdr-histogram-js (zlib), worker_threads nor the others', () => {
  const out = join(dir, 'tsbench-help.json');
  const help = openSync(join(dir, 'tsbench-help.txt'), 'w');
  const r = spawnSync(process.execPath, [binPath('tsbench'), '--help'], {
    stdio: ['ignore', help, 'pipe'], encoding: 'utf8', env: binEnv(isolatedHome(), { NODE_OPTIONS: `--require ${preload}`, RECORD_TO: out }),
  });
  closeSync(help);
  assert.deepEqual({ status: r.status, stderr: r.stderr }, { status: 0, stderr: '' });
  assert.match(readFileSync(join(dir, 'tsbench-help.txt'), 'utf8'), /^tsbench MQTT load/);
  const loaded = (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((e) => e.startsWith('NativeModule ')).map((e) => e.slice(13));
  assert.ok(loaded.includes('fs'), 'the record is real: fs was loaded');
  assert.deepEqual(loaded.filter((name) => [...LAZY, 'net', 'zlib', 'worker_threads'].includes(name)), []);
});
