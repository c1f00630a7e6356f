// Start-up is part of the product (a one-shot tspub is run thousands of times from shell loops):
// the plain-TCP one-shots must not load Node modules they do not use. Each of these cost 1-5 ms
// when something touched it by accident (perf_hooks through the global `performance`, dns and
// its resolver for "localhost", tls/crypto without TLS, ...).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin } from './helpers/run-bin.ts';

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
