// tspub black-box: every bad input is found before connecting (a fake broker proves no connection
// was attempted), with one exact `Error: ...` line on stderr and exit 1; and the exit codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, runBin, use1, use2 } from './helpers/run-bin.ts';
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
  ['missing -t value', ['-m', 'x', '-t'], use2('tspub', 'Error: -t argument given but no topic specified.')],
  ['missing -m value', ['-t', 'a', '-m'], use2('tspub', 'Error: -m argument given but no message specified.')],
  ['bad port', ['-t', 'a', '-m', 'x', '-p', 'abc'], use1('tspub', 'Error: Invalid port given: abc')],
  ['port out of range', ['-t', 'a', '-m', 'x', '-p', '70000'], use1('tspub', 'Error: Invalid port given: 70000')],
  ['bad QoS', ['-t', 'a', '-m', 'x', '-q', '3'], use1('tspub', 'Error: Invalid QoS given: 3')],
  ['bad will QoS', ['-t', 'a', '-m', 'x', '--will-topic', 'w', '--will-qos', '5'], use2('tspub', 'Error: Invalid will QoS 5.')],
  ['wildcard in topic', ['-t', 'a/+/b', '-m', 'x'], use1('tspub', "Error: Invalid publish topic 'a/+/b', does it contain '+' or '#'?")],
  ['wildcard in will topic', ['-t', 'a', '-m', 'x', '--will-topic', '#'], use1('tspub', "Error: Invalid will topic '#', does it contain '+' or '#'?")],
  ['missing file', ['-t', 'a', '-f', join(dir, 'nope')], `Error: -f: cannot read '${join(dir, 'nope')}': no such file.\n`],
  ['directory as file', ['-t', 'a', '-f', dir], `Error: -f: cannot read '${dir}': is a directory.\n`],
  ['conflicting message options', ['-t', 'a', '-m', 'x', '-n'], use2('tspub', 'Error: Only one type of message can be sent at once.')],
  ['-l with -s', ['-t', 'a', '-l', '-s'], use2('tspub', 'Error: Only one type of message can be sent at once.')],
  ['bad URL scheme', ['-L', 'http://h/t', '-m', 'x'], use2('tspub', 'Error: Unsupported URL scheme.')],
  ['URL without topic', ['-L', 'mqtt://127.0.0.1', '-m', 'x'], use1('tspub', 'Error: Invalid URL for -L argument specified - topic missing.')],
  ['URL bad port', ['-L', 'mqtt://h:99999/t', '-m', 'x'], use1('tspub', 'Error: Invalid port given: 99999')],
  ['bad -D command', ['-t', 'a', '-m', 'x', '-D', 'bogus', 'content-type', 'x'], use2('tspub', 'Error: Invalid command bogus given in --property argument.')],
  ['bad -D name', ['-t', 'a', '-m', 'x', '-D', 'publish', 'colour', 'x'], use2('tspub', 'Error: Invalid property name colour given in --property argument.')],
  ['-D not allowed', ['-t', 'a', '-m', 'x', '-D', 'publish', 'receive-maximum', '1'], use2('tspub', 'Error: receive-maximum property not allowed for publish in --property argument.')],
  ['-D value', ['-t', 'a', '-m', 'x', '-D', 'publish', 'message-expiry-interval', '-1'], use2('tspub', 'Error: Property value (-1) out of range for property message-expiry-interval.')],
  ['-D with -V 311', ['-t', 'a', '-m', 'x', '-D', 'publish', 'content-type', 'x', '-V', '311'], use1('tspub', 'Error: -D sets MQTT 5 properties, but -V asks for MQTT 3.1.1; drop -V or use -V 5.')],
  ['unknown option', ['-t', 'a', '-m', 'x', '--colour'], use1('tspub', "Error: Unknown option '--colour'.")],
  ['bad keepalive', ['-t', 'a', '-m', 'x', '-k', '1'], use2('tspub', 'Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.')],
  ['bad protocol', ['-t', 'a', '-m', 'x', '-V', '4'], use2('tspub', 'Error: Invalid protocol version argument given.')],
  ['-c without id', ['-t', 'a', '-m', 'x', '-c'], use1('tspub', 'Error: You must provide a client id if you are using the -c option.')],
  ['-i with -I', ['-t', 'a', '-m', 'x', '-i', 'a', '-I', 'b'], use2('tspub', 'Error: -i and -I argument cannot be used together.')],
  ['--repeat 0', ['-t', 'a', '-m', 'x', '--repeat', '0'], use2('tspub', 'Error: --repeat argument must be >0.')],
  ['--repeat with -l', ['-t', 'a', '-l', '--repeat', '2'], use1('tspub', 'Error: --repeat works with -m, -f, -s or -n, not with -l.')],
  ['--line-format without -l', ['-t', 'a', '-m', 'x', '--line-format', 'json'], use1('tspub', 'Error: --line-format needs -l (one message per stdin line).')],
  ['bad line format', ['-t', 'a', '-l', '--line-format', 'csv'], use1('tspub', "Error: --line-format: unknown line format 'csv' (use raw, json or tab).")],
  ['will payload without topic', ['-t', 'a', '-m', 'x', '--will-payload', 'p'], use1('tspub', 'Error: Will payload given, but no will topic given.')],
  ['cert without key', ['-t', 'a', '-m', 'x', '--cafile', 'ca', '--cert', 'c'], use1('tspub', 'Error: Both certfile and keyfile must be provided if one of them is set.')],
  ['password without user', ['-t', 'a', '-m', 'x', '-P', 'secret'], 'Error: Problem setting username and/or password.\n'],
  ['unreadable password file', ['-t', 'a', '-m', 'x', '-u', 'u', '--password-file', unreadable], use1('tspub', `Error: Unable to read --password-file file "${unreadable}": permission denied.`)],
  ['-P without value and no terminal', ['-t', 'a', '-m', 'x', '-u', 'u', '-P'], use2('tspub', 'Error: -P argument given but no password specified.')],
  ['--psk without identity', ['-t', 'a', '-m', 'x', '--psk', '0011'], use1('tspub', 'Error: --psk-identity required if --psk used.')],
  ['--psk-identity without key', ['-t', 'a', '-m', 'x', '--psk-identity', 'me'], use1('tspub', 'Error: --psk-identity needs --psk (the pre-shared key, in hex).')],
  ['--psk not hex', ['-t', 'a', '-m', 'x', '--psk', '0x11', '--psk-identity', 'me'], use2('tspub', 'Error: --psk argument must be a key in hexadecimal, pairs of 0-9 a-f (e.g. --psk 1a2b3c4d).')],
  ['client id over 65535 bytes', ['-t', 'a', '-m', 'x', '-i', 'i'.repeat(65536)], use2('tspub', 'Error: -i argument: the client id is longer than 65535 bytes.')],
  ['username over 65535 bytes', ['-t', 'a', '-m', 'x', '-u', 'ü'.repeat(32768)], use2('tspub', 'Error: -u argument: the username is longer than 65535 bytes.')],
  ['password over 65535 bytes', ['-t', 'a', '-m', 'x', '-u', 'u', '-P', 'p'.repeat(65536)], use2('tspub', 'Error: -P argument: the password is longer than 65535 bytes.')],
  ['will payload over 65535 bytes', ['-t', 'a', '-m', 'x', '--will-topic', 'w', '--will-payload', 'w'.repeat(65536)], use2('tspub', 'Error: --will-payload argument: the Last Will payload is longer than 65535 bytes.')],
  ['-D string over 65535 bytes', ['-t', 'a', '-m', 'x', '-D', 'publish', 'content-type', 'c'.repeat(65536)], use2('tspub', 'Error: Property value too long for property content-type.')],
  ['-D user property over 65535 bytes', ['-t', 'a', '-m', 'x', '-D', 'connect', 'user-property', 'k', 'v'.repeat(65536)], use2('tspub', 'Error: Property value too long for property user-property.')],
  ['--psk with --cafile', ['-t', 'a', '-m', 'x', '--psk', '0011', '--psk-identity', 'me', '--cafile', 'ca.pem'], use1('tspub', 'Error: Only one of --psk or --cafile/--capath may be used at once.')],
  ['proxy not SOCKS', ['-t', 'a', '-m', 'x', '--proxy', 'http://127.0.0.1:3128'], use1('tspub', 'Error: Unsupported proxy protocol: http://127.0.0.1:3128')],
  ['proxy bad port', ['-t', 'a', '-m', 'x', '--proxy', 'socks5h://127.0.0.1:99999'], use1('tspub', 'Error: Invalid proxy port 99999')],
  ['proxy with a path', ['-t', 'a', '-m', 'x', '--proxy', 'socks5h://127.0.0.1/x'], use1('tspub', 'Error: Invalid proxy.')],
  ['proxy with --unix', ['-t', 'a', '-m', 'x', '--unix', '/tmp/s', '--proxy', 'socks5h://127.0.0.1'], use1('tspub', 'Error: --proxy cannot be used with --unix (a SOCKS proxy reaches TCP ports).')],
];

const root = process.getuid?.() === 0;

for (const [name, args, stderr] of cases) {
  if (name === 'unreadable password file' && root) continue; // root reads any file; the case is covered by 'missing file'
  test(`bad input: ${name}`, async () => {
    const before = fb.connections.length;
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), ...args.map((a) => a)]);
    assert.equal(r.stderr, stderr);
    assert.equal(r.out, '');
    assert.equal(r.code, 1);
    assert.equal(fb.connections.length, before, 'no connection may be attempted');
  });
}

test('no topic and no message: the error on stderr, then the whole --help on stdout (as mosquitto_pub)', async () => {
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port)]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error: Both topic and message must be supplied.\n');
  assert.equal(r.out, (await runBin('tspub', ['--help'])).out);
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
    // -l is ours to check (the Use line), -s is loaded after the options as mosquitto_pub does (none)
    assert.equal(err, opt === '-l' ? use1('tspub', line!) : `${line}\n`);
    assert.equal(code, 1);
    assert.equal(fb.connections.length, before, 'no connection may be attempted');
  }
});
