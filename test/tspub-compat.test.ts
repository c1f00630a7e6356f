// Drop-in check: the same arguments (and stdin, and options file) given to mosquitto_pub 2.0.11 and
// to tspub put the same messages on the broker: topic, QoS, retain, payload bytes, v5 properties.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, isolatedHome, type BinResult } from './helpers/run-bin.ts';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';

let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'tspub-compat-'));
const file = join(dir, 'f.bin');
writeFileSync(file, Buffer.from([1, 2, 3, 0, 0xff, 0x0a, 0x0a]));

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
});
after(async () => { await m.stop(); });

interface Case {
  name: string;
  args: (t: string) => string[];
  stdin?: string | Buffer;
  /** messages each tool publishes */
  count: number;
  /** options file (~/.config/mosquitto_pub), read by both */
  config?: (t: string) => string;
}

const cases: Case[] = [
  { name: '-m -q 1 -r', args: (t) => ['-t', t, '-m', 'hello world', '-q', '1', '-r'], count: 1 },
  { name: '-n -q 2', args: (t) => ['-t', t, '-n', '-q', '2'], count: 1 },
  { name: '-f binary file', args: (t) => ['-t', t, '-f', file], count: 1 },
  { name: '-s', args: (t) => ['-t', t, '-s'], stdin: 'all\nof\nstdin\n', count: 1 },
  { name: '-l with empty lines and no final newline', args: (t) => ['-t', t, '-l', '-q', '1'], stdin: 'a\n\nb\r\nc', count: 4 },
  { name: '--repeat 3', args: (t) => ['-t', t, '-m', 'again', '--repeat', '3', '-q', '1'], count: 3 },
  { name: '-L URL', args: (t) => ['-L', `mqtt://127.0.0.1:${m.port}/${t}`, '-m', 'url'], count: 1 },
  { name: '-V mqttv31', args: (t) => ['-t', t, '-m', 'v31', '-V', 'mqttv31'], count: 1 },
  { name: '-D publish properties', args: (t) => ['-t', t, '-m', 'p', '-D', 'publish', 'content-type', 'text/plain', '-D', 'publish', 'user-property', 'a', 'b',
    '-D', 'publish', 'payload-format-indicator', '1', '-D', 'publish', 'response-topic', 'r/t'], count: 1 },
  { name: 'options file', args: (t) => ['-t', t], config: () => `-h 127.0.0.1\n-p ${m.port}\n-m from the file\n-q 1\n`, count: 1 },
];

function check(r: BinResult, tool: string): void {
  assert.equal(r.code, 0, `${tool}: ${r.stderr}`);
  assert.equal(r.stderr, '', tool);
}

for (const c of cases) {
  test(`same messages as mosquitto_pub: ${c.name}`, async () => {
    const t = `compat/${c.name.replace(/[^a-z0-9]+/gi, '-')}`;
    const since = m.log().length;
    const s = mosqSub(['-h', '127.0.0.1', '-p', String(m.port), '-t', t, '-C', String(2 * c.count), '-V', '5', '-q', '2', '-F', '%t|%q|%r|%x|%C|%F|%R|%P']);
    await m.waitForLog(/Sending SUBACK to/, 5000, since);
    const home = isolatedHome();
    if (c.config) writeFileSync(join(home, '.config', 'mosquitto_pub'), c.config(t));
    const args = c.config ? c.args(t) : ['-h', '127.0.0.1', '-p', String(m.port), ...c.args(t)];
    const opts = { home, ...(c.stdin !== undefined ? { stdin: c.stdin } : {}) };
    check(await mosqPub(args, opts), 'mosquitto_pub');
    check(await runBin('tspub', args, opts), 'tspub');
    const lines = (await s.exited()).out.split('\n').slice(0, -1);
    assert.equal(lines.length, 2 * c.count);
    assert.deepEqual(lines.slice(c.count), lines.slice(0, c.count));
    await mosqPub(['-h', '127.0.0.1', '-p', String(m.port), '-t', t, '-r', '-n'], { home });
  });
}
