// tspub black-box: every bad input is found before connecting (a fake broker proves no connection
// was attempted), with one exact `Error: ...` line on stderr and exit 1; and the exit codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, runBin } from './helpers/run-bin.ts';
import { startFakeBroker, acceptConnect, autoAck, type FakeBroker } from './helpers/fake-broker.ts';

let fb: FakeBroker;
const dir = mkdtempSync(join(tmpdir(), 'tspub-err-'));
const unreadable = join(dir, 'secret');
writeFileSync(unreadable, 'x');
chmodSync(unreadable, 0o000);

before(async () => {
  fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
});
after(async () => { await fb.stop(); });

const cases: Array<[string, string[], string]> = [
  ['missing -t value', ['-m', 'x', '-t'], 'Error: -t argument given but no topic specified.'],
  ['missing -m value', ['-t', 'a', '-m'], 'Error: -m argument given but no message specified.'],
  ['bad port', ['-t', 'a', '-m', 'x', '-p', 'abc'], "Error: -p: 'abc' is not a number (port: 1-65535)."],
  ['port out of range', ['-t', 'a', '-m', 'x', '-p', '70000'], 'Error: -p: port 70000 is out of range (1-65535).'],
  ['bad QoS', ['-t', 'a', '-m', 'x', '-q', '3'], "Error: -q: invalid QoS '3' (use 0, 1 or 2)."],
  ['bad will QoS', ['-t', 'a', '-m', 'x', '--will-topic', 'w', '--will-qos', '5'], "Error: --will-qos: invalid QoS '5' (use 0, 1 or 2)."],
  ['wildcard in topic', ['-t', 'a/+/b', '-m', 'x'], "Error: -t: 'a/+/b': wildcards (+ #) are not allowed in a topic to publish to."],
  ['wildcard in will topic', ['-t', 'a', '-m', 'x', '--will-topic', '#'], "Error: --will-topic: '#': wildcards (+ #) are not allowed in a topic to publish to."],
  ['missing file', ['-t', 'a', '-f', join(dir, 'nope')], `Error: -f: cannot read '${join(dir, 'nope')}': no such file.`],
  ['directory as file', ['-t', 'a', '-f', dir], `Error: -f: cannot read '${dir}': is a directory.`],
  ['conflicting message options', ['-t', 'a', '-m', 'x', '-n'], 'Error: Only one type of message can be sent at once: -m and -n given (use one of -m, -f, -s, -l, -n).'],
  ['-l with -s', ['-t', 'a', '-l', '-s'], 'Error: Only one type of message can be sent at once: -l and -s given (use one of -m, -f, -s, -l, -n).'],
  ['bad URL scheme', ['-L', 'http://h/t', '-m', 'x'], "Error: -L: unsupported URL scheme in 'http://h/t' (use mqtt://, mqtts://, ws:// or wss://)."],
  ['URL without topic', ['-L', 'mqtt://127.0.0.1', '-m', 'x'], "Error: -L: invalid URL 'mqtt://127.0.0.1': topic missing (mqtt://host/topic)."],
  ['URL bad port', ['-L', 'mqtt://h:99999/t', '-m', 'x'], "Error: -L: invalid port '99999' in URL 'mqtt://h:99999/t' (1-65535)."],
  ['bad -D command', ['-t', 'a', '-m', 'x', '-D', 'bogus', 'content-type', 'x'], "Error: -D: invalid command 'bogus' (use connect, publish, disconnect, will)."],
  ['bad -D name', ['-t', 'a', '-m', 'x', '-D', 'publish', 'colour', 'x'], "Error: -D: invalid property name 'colour'."],
  ['-D not allowed', ['-t', 'a', '-m', 'x', '-D', 'publish', 'receive-maximum', '1'], 'Error: -D: receive-maximum property not allowed for publish (allowed for connect, connack).'],
  ['-D value', ['-t', 'a', '-m', 'x', '-D', 'publish', 'message-expiry-interval', '-1'], "Error: -D: property message-expiry-interval needs a number, not '-1'."],
  ['-D with -V 311', ['-t', 'a', '-m', 'x', '-D', 'publish', 'content-type', 'x', '-V', '311'], 'Error: -D sets MQTT 5 properties, but -V asks for MQTT 3.1.1; drop -V or use -V 5.'],
  ['unknown option', ['-t', 'a', '-m', 'x', '--colour'], "Error: Unknown option '--colour'."],
  ['bad keepalive', ['-t', 'a', '-m', 'x', '-k', '1'], 'Error: -k: keepalive 1 is out of range (5-65535).'],
  ['bad protocol', ['-t', 'a', '-m', 'x', '-V', '4'], "Error: -V: invalid protocol version '4' (use 5, 311 or 31; or mqttv5, mqttv311, mqttv31)."],
  ['-c without id', ['-t', 'a', '-m', 'x', '-c'], 'Error: You must provide a client id (-i) if you are using the -c option.'],
  ['-i with -I', ['-t', 'a', '-m', 'x', '-i', 'a', '-I', 'b'], 'Error: -i and -I cannot be used together (-i sets the client id, -I a prefix for it).'],
  ['--repeat 0', ['-t', 'a', '-m', 'x', '--repeat', '0'], 'Error: --repeat: repeat count 0 is out of range (1-2147483647).'],
  ['--repeat with -l', ['-t', 'a', '-l', '--repeat', '2'], 'Error: --repeat works with -m, -f, -s or -n, not with -l.'],
  ['--line-format without -l', ['-t', 'a', '-m', 'x', '--line-format', 'json'], 'Error: --line-format needs -l (one message per stdin line).'],
  ['bad line format', ['-t', 'a', '-l', '--line-format', 'csv'], "Error: --line-format: unknown line format 'csv' (use raw, json or tab)."],
  ['will payload without topic', ['-t', 'a', '-m', 'x', '--will-payload', 'p'], 'Error: Will payload given, but no will topic given (--will-topic).'],
  ['cert without key', ['-t', 'a', '-m', 'x', '--cafile', 'ca', '--cert', 'c'], 'Error: Both --cert and --key must be given if one of them is set.'],
  ['password without user', ['-t', 'a', '-m', 'x', '-P', 'secret'], 'Error: A password needs a username (-u) on MQTT 3.1/3.1.1.'],
  ['unreadable password file', ['-t', 'a', '-m', 'x', '-u', 'u', '--password-file', unreadable], `Error: --password-file: cannot read '${unreadable}': permission denied.`],
  ['-P without value and no terminal', ['-t', 'a', '-m', 'x', '-u', 'u', '-P'], 'Error: -P argument given but no password specified (no terminal to prompt on; use --password-file FILE or TSMQTT_PASSWORD).'],
  ['--psk without identity', ['-t', 'a', '-m', 'x', '--psk', '0011'], 'Error: --psk-identity required if --psk used.'],
  ['--psk-identity without key', ['-t', 'a', '-m', 'x', '--psk-identity', 'me'], 'Error: --psk-identity needs --psk (the pre-shared key, in hex).'],
  ['--psk not hex', ['-t', 'a', '-m', 'x', '--psk', '0x11', '--psk-identity', 'me'], "Error: --psk: '0x11' is not a key in hexadecimal (pairs of 0-9 a-f, e.g. --psk 1a2b3c4d)."],
  ['client id over 65535 bytes', ['-t', 'a', '-m', 'x', '-i', 'i'.repeat(65536)], 'Error: -i: the client id is longer than 65535 bytes.'],
  ['username over 65535 bytes', ['-t', 'a', '-m', 'x', '-u', 'ü'.repeat(32768)], 'Error: -u: the username is longer than 65535 bytes.'],
  ['password over 65535 bytes', ['-t', 'a', '-m', 'x', '-u', 'u', '-P', 'p'.repeat(65536)], 'Error: -P: the password is longer than 65535 bytes.'],
  ['will payload over 65535 bytes', ['-t', 'a', '-m', 'x', '--will-topic', 'w', '--will-payload', 'w'.repeat(65536)], 'Error: --will-payload: the Last Will payload is longer than 65535 bytes.'],
  ['-D string over 65535 bytes', ['-t', 'a', '-m', 'x', '-D', 'publish', 'content-type', 'c'.repeat(65536)], 'Error: -D: value too long for property content-type (max 65535 bytes).'],
  ['-D user property over 65535 bytes', ['-t', 'a', '-m', 'x', '-D', 'connect', 'user-property', 'k', 'v'.repeat(65536)], 'Error: -D: value too long for property user-property (max 65535 bytes).'],
  ['--psk with --cafile', ['-t', 'a', '-m', 'x', '--psk', '0011', '--psk-identity', 'me', '--cafile', 'ca.pem'], 'Error: Only one of --psk or --cafile/--capath may be used at once.'],
  ['proxy not SOCKS', ['-t', 'a', '-m', 'x', '--proxy', 'http://127.0.0.1:3128'], 'Error: Unsupported proxy protocol: http://127.0.0.1:3128'],
  ['proxy bad port', ['-t', 'a', '-m', 'x', '--proxy', 'socks5h://127.0.0.1:99999'], 'Error: Invalid proxy port 99999'],
  ['proxy with a path', ['-t', 'a', '-m', 'x', '--proxy', 'socks5h://127.0.0.1/x'], 'Error: Invalid proxy.'],
  ['proxy with --unix', ['-t', 'a', '-m', 'x', '--unix', '/tmp/s', '--proxy', 'socks5h://127.0.0.1'], 'Error: --proxy cannot be used with --unix (a SOCKS proxy reaches TCP ports).'],
];

const root = process.getuid?.() === 0;

for (const [name, args, line] of cases) {
  if (name === 'unreadable password file' && root) continue; // root reads any file; the case is covered by 'missing file'
  test(`bad input: ${name}`, async () => {
    const before = fb.connections.length;
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), ...args.map((a) => a)]);
    assert.equal(r.stderr, `${line}\n`);
    assert.equal(r.out, '');
    assert.equal(r.code, 1);
    assert.equal(fb.connections.length, before, 'no connection may be attempted');
  });
}

test('no topic and no message: the error, then the usage on stderr', async () => {
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port)]);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], 'Error: Both topic and message must be supplied.');
  assert.equal(lines[1], '');
  assert.match(lines[2]!, /^Usage: tspub \{\[-h host\]/);
  assert.equal(lines.at(-2), "Use 'tspub --help' to see all options.");
});

test('--help and --version go to stdout with exit 0', async () => {
  const h = await runBin('tspub', ['--help']);
  assert.equal(h.code, 0);
  assert.equal(h.stderr, '');
  assert.match(h.out, /^tspub publishes a message/);
  for (const opt of ['-A', '-c', '-d', '-D', '-f', '-h', '-i', '-I', '-k', '-L', '-l', '-m', '-M', '-n', '-p', '-P', '-q', '-r', '-s', '-S', '-t', '-u', '-V', '-x',
    '--repeat', '--repeat-delay', '--quiet', '--nodelay', '--unix', '--proxy', '--will-topic', '--will-payload', '--will-qos', '--will-retain',
    '--cafile', '--capath', '--cert', '--key', '--ciphers', '--tls-version', '--tls-alpn', '--insecure', '--tls-use-os-certs',
    '--line-format', '--changes-only', '--password-file', '--no-reconnect', '--no-color']) {
    assert.match(h.out, new RegExp(`(^|[ ,])${opt.replace(/[-]/g, '\\-')}[ ,\\n]`), `help lists ${opt}`);
  }
  assert.match(h.out, /TSMQTT_PASSWORD/);
  assert.match(h.out, /Exit status:/);
  const v = await runBin('tspub', ['--version']);
  assert.equal(v.code, 0);
  assert.match(v.out, /^tspub version \d+\.\d+\.\d+ \(tsmqtt\)\.\n$/);
});

test('connection refused by the broker: exit code is the CONNACK code (v3 5, v5 135)', async () => {
  const refuse = await startFakeBroker((c) => acceptConnect(c, { reasonCode: c.version === 5 ? 0x87 : 5 }));
  try {
    const r3 = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(refuse.port), '-t', 'a', '-m', 'x']);
    assert.equal(r3.stderr, 'Error: Connection refused: not authorised\n');
    assert.equal(r3.code, 5);
    const r5 = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(refuse.port), '-t', 'a', '-m', 'x', '-V', '5']);
    assert.equal(r5.stderr, 'Error: Connection refused: not authorized\n');
    assert.equal(r5.code, 135);
    const quiet = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(refuse.port), '-t', 'a', '-m', 'x', '--quiet']);
    assert.equal(quiet.stderr, '');
    assert.equal(quiet.code, 5);
  } finally {
    await refuse.stop();
  }
});

test('a refused PUBACK is an error naming it; the other messages still go', async () => {
  const fb2 = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c, { puback: false });
    c.onPacket((p) => {
      if (p.cmd === 'publish' && p.qos === 1) {
        const bad = p.payload.toString() === 'b';
        c.send({ cmd: 'puback', messageId: p.messageId!, reasonCode: bad ? 0x87 : 0 } as never);
      }
    });
  });
  try {
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb2.port), '-t', 't/x', '-l', '-q', '1', '-V', '5'], { stdin: 'a\nb\nc\n' });
    assert.equal(r.stderr, "Error: PUBACK for 't/x' failed: not authorized (0x87)\n");
    assert.equal(r.code, 1);
    const c = fb2.connections[0]!;
    assert.deepEqual(c.received.filter((p) => p.cmd === 'publish').map((p) => (p as { payload: Buffer }).payload.toString()), ['a', 'b', 'c']);
  } finally {
    await fb2.stop();
  }
});

test('a refused PUBREC (QoS 2) is an error too', async () => {
  const fb2 = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c, { qos2: false });
    c.onPacket((p) => { if (p.cmd === 'publish') c.send({ cmd: 'pubrec', messageId: p.messageId!, reasonCode: 0x97 } as never); });
  });
  try {
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb2.port), '-t', 'q2', '-m', 'x', '-q', '2', '-V', '5']);
    assert.equal(r.stderr, "Error: PUBREC for 'q2' failed: quota exceeded (0x97)\n");
    assert.equal(r.code, 1);
  } finally {
    await fb2.stop();
  }
});

test('-f larger than the broker maximum packet size is refused before sending', async () => {
  const fb2 = await startFakeBroker((c) => { acceptConnect(c, { properties: { maximumPacketSize: 200 } }); autoAck(c); });
  const file = join(dir, 'big');
  writeFileSync(file, Buffer.alloc(1000, 0x61));
  try {
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb2.port), '-t', 'big', '-f', file, '-V', '5']);
    assert.equal(r.stderr, `Error: -f '${file}': the message is 1009 bytes; the broker accepts packets of at most 200 bytes.\n`);
    assert.equal(r.code, 1);
    assert.equal(fb2.connections[0]!.received.filter((p) => p.cmd === 'publish').length, 0);
  } finally {
    await fb2.stop();
  }
});

test('nothing listening: one clear line, exit 1 (and --no-reconnect changes nothing for the first connect)', async () => {
  const port = fb.port;
  await fb.stop();
  try {
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(port), '-t', 'a', '-m', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n').length, 2);
    assert.match(r.stderr, /^Error: .*127\.0\.0\.1:\d+/);
  } finally {
    fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
  }
});

test('-A of the other address family: one line naming -A and the family, exit 1', async () => {
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), '-A', '::1', '-t', 'a', '-m', 'x']);
  assert.equal(r.stderr, `Error: cannot bind the local address (-A) for 127.0.0.1:${fb.port}: it is not of the broker address's family (IPv4/IPv6)\n`);
  assert.equal(r.code, 1);
});

test('stdin redirected from a directory: -l and -s say so before connecting (Node would read it as empty)', async () => {
  for (const [opt, line] of [['-l', 'Error: -l: standard input is a directory, not lines to publish.'], ['-s', 'Error: -s: standard input is a directory, not a message.']]) {
    const before = fb.connections.length;
    const fd = openSync(dir, 'r');
    const child = spawn(process.execPath, [binPath('tspub'), '-h', '127.0.0.1', '-p', String(fb.port), '-t', 'a', opt!], { stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    const code = await new Promise((r) => child.once('close', r));
    assert.equal(err, `${line}\n`);
    assert.equal(code, 1);
    assert.equal(fb.connections.length, before, 'no connection may be attempted');
  }
});
