// -F, %j and the terminal policy against a real broker: messages published by mosquitto_pub, printed
// by tssub as mosquitto develop prints them (grouped hex, hex widths, %d/%f, the %j shape), and by
// mosquitto_sub 2.0.11 in the same run where the two versions agree. Bad -F strings through the binary.
// On a pseudo-terminal (script(1)): colour is the only difference, and NO_COLOR removes it (tsclear's spinner too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { binPath, isolatedHome, runBin, spawnProcess } from './helpers/run-bin.ts';
import { mosqPub, mosqSubRun, requireMosquittoClients } from './helpers/mosq-clients.ts';

let m: Mosquitto;
const conn = (): string[] => ['-h', '127.0.0.1', '-p', String(m.port)];

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
  const dir = isolatedHome();
  const dbl = Buffer.alloc(8); dbl.writeDoubleLE(3.25);
  const flt = Buffer.alloc(4); flt.writeFloatLE(-1.5);
  writeFileSync(join(dir, 'dbl'), dbl);
  writeFileSync(join(dir, 'flt'), flt);
  const pubs: string[][] = [
    ['-t', 'fd/msg', '-m', 'message'],
    ['-t', 'fd/dbl', '-f', join(dir, 'dbl')],
    ['-t', 'fd/flt', '-f', join(dir, 'flt')],
    ['-t', 'fd/json', '-m', '{"n": 12345678901234567890, "a": [1, 2]}'],
    ['-V', '5', '-t', 'fd/v5', '-m', 'hello', '-q', '1', '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'user-property', 'z', 'y',
      '-D', 'publish', 'user-property', 'k', 'w', '-D', 'publish', 'content-type', 'text/plain', '-D', 'publish', 'correlation-data', 'cd1',
      '-D', 'publish', 'response-topic', 'rt/x', '-D', 'publish', 'payload-format-indicator', '1'],
  ];
  for (const args of pubs) {
    const r = await mosqPub([...conn(), '-r', ...args]);
    assert.equal(r.code, 0, r.stderr);
  }
});

after(async () => { await m?.stop(); });

const sub = (topic: string, args: string[]): string[] => [...conn(), '-t', topic, '-C', '1', '-W', '10', ...args];

test('%x/%X as develop: precision groups nibbles, the separator, a width pads the whole hex', async () => {
  const r = await runBin('tssub', sub('fd/msg', ['-F', '%.2x|%.1x|%.2:x|%18x|%-18x|%.4_X|%4x|%20.2x|']));
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.equal(r.out, '6d 65 73 73 61 67 65|6 d 6 5 7 3 7 3 6 1 6 7 6 5|6d:65:73:73:61:67:65|    6d657373616765|6d657373616765    |'
    + '6D65_7373_6167_65|6d657373|         6d 65 73 73 61 67 65|\n');
});

test('where 2.0.11 and develop agree: the same bytes as mosquitto_sub', async () => {
  for (const fmt of ['%x|%X|%-x|%p|%-p|%8p|%-10p|%3p|', '%t|%-10t|%.3t|%l|%05l|%q|%r']) {
    const [ours, theirs] = await Promise.all([runBin('tssub', sub('fd/msg', ['-F', fmt])), mosqSubRun(sub('fd/msg', ['-F', fmt]))]);
    assert.deepEqual([ours.code, theirs.code], [0, 0]);
    assert.equal(ours.out, theirs.out, fmt);
  }
  const [ours, theirs] = await Promise.all([runBin('tssub', sub('fd/v5', ['-V', '5', '-F', '%P|%C|%R|%D|%F'])), mosqSubRun(sub('fd/v5', ['-V', '5', '-F', '%P|%C|%R|%D|%F']))]);
  assert.equal(ours.out, 'k:v z:y k:w|text/plain|rt/x|cd1|1\n'); // packet order, keys interleaved
  assert.equal(ours.out, theirs.out);
});

test('%d / %f print the binary payload as printf %f; a payload of another size is a stderr line', async () => {
  const d = await runBin('tssub', sub('fd/dbl', ['-F', '%d|%.2d|%8.1d|%-8.3d|%010d']));
  assert.equal(d.out, '3.250000|3.25|     3.2|3.250   |003.250000\n');
  const f = await runBin('tssub', sub('fd/flt', ['-F', '%f|%.1f|%08.2f']));
  assert.equal(f.out, '-1.500000|-1.5|-0001.50\n');
  const bad = await runBin('tssub', sub('fd/msg', ['-F', '[%f]']));
  assert.deepEqual([bad.code, bad.out, bad.stderr], [0, '[]\n', 'Error: -F %f needs a 4-byte float payload, topic fd/msg has 7 bytes.\n']);
});

test('%j as develop: retain true, user properties an array in order with duplicates, tst without Z', async () => {
  const r = await runBin('tssub', sub('fd/v5', ['-V', '5', '-q', '1', '-F', '%j']));
  assert.equal(r.code, 0, r.stderr);
  const m1 = /^\{"tst":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d{4})",(.*)\n$/.exec(r.out);
  assert.ok(m1, r.out);
  // properties in the order the broker sent them (mosquitto_sub 2.0.11 shows the same order)
  assert.equal(m1[2], '"topic":"fd/v5","qos":1,"retain":true,"payloadlen":5,"mid":1,"properties":{"user-properties":[{"k":"v"},{"z":"y"},{"k":"w"}],'
    + '"content-type":"text/plain","correlation-data":"cd1","response-topic":"rt/x","payload-format-indicator":1},"payload":"hello"}');
  const p = await runBin('tssub', sub('fd/v5', ['-V', '5', '-F', '%J', '--pretty']));
  assert.match(p.stderr, /^Error: Message payload is not valid JSON on topic fd\/v5\.\n$/);
  const j = await runBin('tssub', sub('fd/json', ['-F', '%J']));
  // cJSON's number printing (%1.15g, else %1.17g), as mosquitto_sub prints it
  assert.match(j.out, /"retain":true,"payloadlen":40,"payload":\{"n":1\.2345678901234567e\+19,"a":\[1,2\]\}\}\n$/);
  const mj = await mosqSubRun(sub('fd/json', ['-F', '%J']));
  assert.equal(j.out.slice(j.out.indexOf('"payload"')), mj.out.slice(mj.out.indexOf('"payload"')));
});

test('bad -F: develop\'s check_format text as the first stderr line, exit 1, before connecting', async () => {
  const cases: Array<[string, string]> = [
    ['%', 'Error: Incomplete format specifier.'], ['%5.', 'Error: Incomplete format specifier.'], ['@', 'Error: Incomplete format specifier.'],
    ['%k', "Error: Invalid format specifier 'k'."], ['%0-5l', "Error: Invalid format specifier '5'."],
    ['%.2:', "Error: Invalid format specifier '\0'."], ['\\', 'Error: Incomplete escape specifier.'], ['\\q', "Error: Invalid escape specifier 'q'."],
  ];
  for (const [fmt, line] of cases) {
    // port 1: nothing listens there, so an error from connecting would show
    const r = await runBin('tssub', ['-p', '1', '-t', 'x', '-F', fmt]);
    assert.equal(r.code, 1, fmt);
    assert.equal(r.stderr.split('\n')[0], line, fmt);
    assert.equal(r.out, '');
  }
});

/** stdout (and stderr) of a command on a pseudo-terminal, \r\n as \n */
async function onPty(cmd: string[], env: Record<string, string>): Promise<string> {
  const line = cmd.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = await spawnProcess('script', ['-qec', `stty cols 100 rows 30; ${line}`, '/dev/null'], { env: { TERM: 'xterm', ...env } }).exited();
  return r.out.replace(/\r\n/g, '\n');
}

test('a terminal changes decoration only: -v colours the topic, --pretty indents on a pipe and a terminal alike', async () => {
  const tssub = [process.execPath, binPath('tssub'), ...sub('fd/json', ['-v'])];
  const raw = 'fd/json {"n": 12345678901234567890, "a": [1, 2]}\n';
  assert.equal(await onPty(tssub, {}), `\u001b[35mfd/json\u001b[39m ${raw.slice('fd/json '.length)}`);
  assert.equal(await onPty(tssub, { NO_COLOR: '1' }), raw);
  assert.equal(await onPty([...tssub, '--no-color'], {}), raw);
  const pretty = 'fd/json {\n  "n": 12345678901234567890,\n  "a": [\n    1,\n    2\n  ]\n}\n';
  assert.equal(await onPty([...tssub, '--pretty'], { NO_COLOR: '1' }), pretty);
  assert.equal((await runBin('tssub', sub('fd/json', ['-v', '--pretty']))).out, pretty);
  assert.equal((await runBin('tssub', sub('fd/json', ['-v']))).out, raw);
});

test('tsclear\'s spinner: cyan on a terminal, no colour with NO_COLOR or --no-color', async () => {
  const lines = Array.from({ length: 700 }, (_, i) => `spin/${i}\tx`).join('\n');
  const seed = async (): Promise<void> => {
    const r = await runBin('tspub', [...conn(), '-l', '--line-format', 'tab', '-r', '-q', '1'], { stdin: `${lines}\n` });
    assert.equal(r.code, 0, r.stderr);
  };
  const tsclear = [process.execPath, binPath('tsclear'), ...conn(), '-t', 'spin/#', '--yes', '--quiet-time', '2'];
  const runs: Array<[Record<string, string>, string[], boolean]> = [[{}, [], true], [{ NO_COLOR: '1' }, [], false], [{}, ['--no-color'], false]];
  for (const [env, extra, cyan] of runs) {
    await seed();
    const screen = await onPty([...tsclear, ...extra], env);
    assert.match(screen, /Reading retained messages: \d+ found/, JSON.stringify(env));
    assert.equal(screen.includes('\u001b[36m'), cyan, `${JSON.stringify(env)} ${extra.join(' ')}`);
    assert.match(screen, /Cleared 700 retained messages under 'spin\/#'/);
  }
});

test('tspub -D publish user-property sends them in the order given, as mosquitto_pub does (%P of mosquitto_sub)', async () => {
  const props = ['-D', 'publish', 'user-property', 'k', 'a', '-D', 'publish', 'user-property', 'z', 'c', '-D', 'publish', 'user-property', 'k', 'b'];
  const ours = await runBin('tspub', [...conn(), '-V', '5', '-r', '-t', 'fd/order-ts', '-m', 'x', ...props]);
  const theirs = await mosqPub([...conn(), '-V', '5', '-r', '-t', 'fd/order-mosq', '-m', 'x', ...props]);
  assert.deepEqual([ours.code, ours.stderr, theirs.code], [0, '', 0]);
  const read = async (topic: string): Promise<string> => (await mosqSubRun([...conn(), '-V', '5', '-t', topic, '-C', '1', '-F', '%P'])).out;
  assert.equal(await read('fd/order-ts'), 'k:a z:c k:b\n');
  assert.equal(await read('fd/order-mosq'), 'k:a z:c k:b\n');
});
