// tsrr's argument errors: mosquitto_rr's exact bytes (the error, its blank lines, the Use line),
// checked against the Debian mosquitto_rr 2.0.11 run with the same argv, exit 1, nothing connected (the port is closed: an error not found
// before connecting would read "Connection refused"). Then our own options' errors, and tsrr run
// through a link named mosquitto_rr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './helpers/mosquitto.ts';
import { binPath, isolatedHome, runBin, spawnProcess } from './helpers/run-bin.ts';

const closed = String(await freePort());

/** mosquitto_rr refuses these too, with the same bytes (its name replaced by ours) */
const shared: Array<[string, string[], string]> = [
  ['nothing given', [], 'Error: All of topic, message, and response topic must be supplied.'],
  ['no response topic', ['-t', 'a', '-m', 'x'], 'Error: All of topic, message, and response topic must be supplied.'],
  ['no message', ['-t', 'a', '-e', 'b'], 'Error: All of topic, message, and response topic must be supplied.'],
  ['no topic', ['-e', 'b', '-m', 'x'], 'Error: All of topic, message, and response topic must be supplied.'],
  ['-e without value', ['-t', 'a', '-e'], 'Error: -e argument given but no response topic specified.'],
  ['wildcard response topic', ['-t', 'a', '-e', 'b/#', '-m', 'x'], "Error: Invalid response topic 'b/#', does it contain '+' or '#'?"],
  ['wildcard request topic', ['-t', 'a/+', '-e', 'b', '-m', 'x'], "Error: Invalid publish topic 'a/+', does it contain '+' or '#'?"],
  ['two message sources', ['-t', 'a', '-e', 'b', '-m', 'x', '-s'], 'Error: Only one type of message can be sent at once.'],
  ['-n and -f', ['-t', 'a', '-e', 'b', '-n', '-f', '/nonexistent'], 'Error: Only one type of message can be sent at once.'],
  ['-W 0', ['-t', 'a', '-e', 'b', '-m', 'x', '-W', '0'], 'Error: Invalid timeout "0".'],
  ['-W -1', ['-t', 'a', '-e', 'b', '-m', 'x', '-W', '-1'], 'Error: Invalid timeout "-1".'],
  ['unknown option', ['-t', 'a', '-e', 'b', '-m', 'x', '--colour'], "Error: Unknown option '--colour'."],
  ['sub-only option', ['-t', 'a', '-e', 'b', '-m', 'x', '-T', 'x'], "Error: Unknown option '-T'."],
  ['pub-only option', ['-t', 'a', '-e', 'b', '-m', 'x', '-r'], "Error: Unknown option '-r'."],
];

const use1 = (line: string): string => `${line}\n\nUse 'tsrr --help' to see usage.\n`;
const use2 = (line: string): string => `${line}\n\n\nUse 'tsrr --help' to see usage.\n`;

/** ours alone (mosquitto_rr has no -C, -l, --respond, ...) or worded in mosquitto's style: the whole stderr */
const ours: Array<[string, string[], string]> = [
  ['-C 0', ['-t', 'a', '-e', 'b', '-m', 'x', '-C', '0'], use2('Error: Invalid message count "0".')],
  // mosquitto_rr's line (it finds this after loading its options: no Use line)
  ['-D publish response-topic', ['-t', 'a', '-e', 'b', '-m', 'x', '-D', 'publish', 'response-topic', 'c'], 'Error in PUBLISH properties: Duplicate response topic.\n'],
  ['--exec without --respond', ['-t', 'a', '-e', 'b', '-m', 'x', '--exec', 'cat'], use1('Error: --exec needs --respond.')],
  ['--max-running without --respond', ['-t', 'a', '-e', 'b', '-m', 'x', '--max-running', '2'], use1('Error: --max-running needs --respond.')],
  ['--respond without -t', ['--respond', '--exec', 'cat'], use1('Error: --respond needs -t filter (the requests to answer).')],
  ['--respond without --exec', ['--respond', '-t', 'svc/#'], use1("Error: --respond needs --exec 'command' (run per request; its stdout is the reply).")],
  ['--respond with -m', ['--respond', '-t', 'svc/#', '--exec', 'cat', '-m', 'x'], use1('Error: --respond answers requests: -m, -f, -s, -l and -n are for sending one.')],
  ['--respond bad filter', ['--respond', '-t', 'svc/#/x', '--exec', 'cat'], use1("Error: Invalid subscription topic 'svc/#/x', are all '+' and '#' wildcards correct?")],
  ['--respond on 3.1.1 without -e', ['--respond', '-t', 'svc/#', '--exec', 'cat', '-V', '311'], use1('Error: --respond on MQTT 3.1.1 needs -e topic: requests carry no Response Topic there, replies go to -e.')],
  ['--max-running 0', ['--respond', '-t', 's', '--exec', 'cat', '--max-running', '0'], use2('Error: Invalid command count given, it must be between 1 and 1024 inclusive.')],
];

for (const [name, args, line] of shared) {
  test(`argument error, as mosquitto_rr: ${name}`, async () => {
    const argv = ['-p', closed, ...args];
    const [r, mosq] = await Promise.all([runBin('tsrr', argv), spawnProcess('mosquitto_rr', argv).exited()]);
    assert.equal(mosq.stderr.split('\n')[0], line, 'mosquitto_rr itself');
    assert.equal(mosq.code, 1);
    assert.match(r.stderr, /\nUse 'tsrr --help' to see usage\.\n$/);
    assert.equal(r.stderr, mosq.stderr.replace("Use 'mosquitto_rr --help'", "Use 'tsrr --help'"));
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
  });
}

for (const [name, args, line] of ours) {
  test(`argument error: ${name}`, async () => {
    const r = await runBin('tsrr', ['-p', closed, ...args]);
    assert.equal(r.stderr, line);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
  });
}

test('through a link named mosquitto_rr: that name in --version and --help, mosquitto_rr\'s options file first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrr-link-'));
  const link = join(dir, 'mosquitto_rr');
  symlinkSync(binPath('tsrr'), link);
  const home = isolatedHome();
  const version = await spawnProcess(process.execPath, [link, '--version'], { home }).exited();
  assert.match(version.out, /^mosquitto_rr version \S+ \(tsmqtt\)\.\n$/);
  const help = await spawnProcess(process.execPath, [link, '--help'], { home }).exited();
  assert.equal(help.out.split('\n')[0], 'mosquitto_rr sends a request with an MQTT 5 Response Topic and prints the reply (or answers requests: --respond).');
  // each options file holds a different bad option: which one is read shows in the error
  writeFileSync(join(home, '.config', 'mosquitto_rr'), '--from-mosquitto-file\n');
  writeFileSync(join(home, '.config', 'tsrr'), '--from-tsrr-file\n');
  const viaLink = await spawnProcess(process.execPath, [link, '-t', 'a', '-e', 'b', '-m', 'x'], { home }).exited();
  assert.equal(viaLink.stderr, `Error: ${join(home, '.config', 'mosquitto_rr')} line 1: Unknown option '--from-mosquitto-file'.\n\nUse 'mosquitto_rr --help' to see usage.\n`);
  assert.equal(viaLink.code, 1);
  const plain = await runBin('tsrr', ['-t', 'a', '-e', 'b', '-m', 'x'], { home });
  assert.equal(plain.stderr, `Error: ${join(home, '.config', 'tsrr')} line 1: Unknown option '--from-tsrr-file'.\n\nUse 'tsrr --help' to see usage.\n`);
  // tsrr reads mosquitto_rr's file when its own is absent
  const home2 = isolatedHome();
  mkdirSync(join(home2, '.config'), { recursive: true });
  writeFileSync(join(home2, '.config', 'mosquitto_rr'), '--only-mosquitto\n');
  const fallback = await runBin('tsrr', ['-t', 'a', '-e', 'b', '-m', 'x'], { home: home2 });
  assert.equal(fallback.stderr, `Error: ${join(home2, '.config', 'mosquitto_rr')} line 1: Unknown option '--only-mosquitto'.\n\nUse 'tsrr --help' to see usage.\n`);
});
