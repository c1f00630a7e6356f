// tsdump --listen/--to: a real mosquitto behind the proxy, v3.1.1 and v5 traffic from tspub,
// tssub and mosquitto_pub; passwords masked; payloads byte for byte; the timing of QoS 1/2
// flows and the summary at close; TLS terminated and TLS upstream; a stream that cannot be
// decoded (reported once, forwarded; closed with --strict); the argument errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireMosquitto, startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { echoServer, exchange, packetsOf, startDump } from './helpers/tsdump-proxy.ts';

requireMosquitto();
requireMosquittoClients();

let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'tsdump-proxy-'));

before(async () => { m = await startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'tls', kind: 'tls' }] }); });
after(async () => {
  await m?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('v3.1.1 through the proxy: every packet decoded, the password masked, the PUBACK timed', async () => {
  const d = await startDump(['--to', `127.0.0.1:${m.port}`, '--json']);
  const r = await runBin('tspub', ['-p', String(d.port), '-V', '311', '-i', 'p311', '-u', 'alice', '-P', 's3cret', '-t', 'a/b', '-m', 'hello', '-q', '1', '-k', '30']);
  assert.equal(r.code, 0, r.stderr);
  const out = await d.stop();
  assert.equal(out.code, 0);
  assert.match(out.stderr, /^tsdump: listening on 127\.0\.0\.1:\d+, forwarding to 127\.0\.0\.1:\d+\n$/);
  assert.deepEqual(packetsOf(out.lines), [
    { conn: 1, from: 'client', type: 'connect', size: 33, protocolName: 'MQTT', protocolVersion: 4, clientId: 'p311', keepalive: 30, clean: true, username: 'alice', password: '***' },
    { conn: 1, from: 'broker', type: 'connack', size: 4, sessionPresent: false, reasonCode: 0, reason: 'accepted' },
    { conn: 1, from: 'client', type: 'publish', size: 14, topic: 'a/b', qos: 1, retain: false, mid: 1, payloadlen: 5, encoding: 'utf8', payload: 'hello', dup: false },
    { conn: 1, from: 'broker', type: 'puback', size: 4, mid: 1, timed: true },
    { conn: 1, from: 'client', type: 'disconnect', size: 2 },
  ]);
  const close = out.lines.at(-1)!;
  assert.deepEqual({ ...close, tst: 0, durationMs: 0, slowestAck: { ...(close.slowestAck as object), ms: 0 } }, {
    v: 1, tst: 0, conn: 1, event: 'close', clientId: 'p311', reason: close.reason, durationMs: 0,
    packets: { client: 3, broker: 2 }, bytes: { client: 33 + 14 + 2, broker: 4 + 4 },
    messages: { qos0: 0, qos1: 1, qos2: 0 }, slowestAck: { type: 'puback', mid: 1, ms: 0 },
  });
  assert.ok(close.reason === 'client closed' || close.reason === 'broker closed', String(close.reason));
});

test('the line output: password masked unless --show-passwords, payload newlines escaped', async () => {
  for (const show of [false, true]) {
    const d = await startDump(['--to', `127.0.0.1:${m.port}`, '--type', 'connect,publish', ...(show ? ['--show-passwords'] : [])]);
    const r = await runBin('tspub', ['-p', String(d.port), '-i', 'pl', '-u', 'alice', '-P', 's3cret', '-t', 'a/b', '-m', 'two\nlines']);
    assert.equal(r.code, 0, r.stderr);
    const out = await d.stop();
    const lines = out.out.split('\n').filter(Boolean).map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, '').replace(/127\.0\.0\.1:\d+/g, 'ADDR'));
    assert.deepEqual(lines.slice(0, 3), [
      '#1 open ADDR -> ADDR',
      `#1 c>b CONNECT mqtt=3.1.1 id='pl' keepalive=60 clean=1 username='alice' password=${show ? "'s3cret'" : '***'}`,
      "#1 c>b PUBLISH 'a/b' q0 r0 d0 (9 bytes) two\\nlines",
    ]);
    assert.match(lines[3]!, /^#1 close id='pl' \((client|broker) closed\) after \d+\.\d{3}s: packets c>b 3 b>c 1, bytes c>b \d+ b>c 4, messages q0 1 q1 0 q2 0$/);
    assert.equal(out.out.includes('s3cret'), show);
  }
});

test('v5 through the proxy: SUBSCRIBE options, PUBLISH properties, a binary payload byte for byte, QoS 2 timed at each step', async () => {
  const d = await startDump(['--to', `127.0.0.1:${m.port}`, '--json', '--no-ping']);
  const payload = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13, 0x80]);
  const file = join(dir, 'bin.dat');
  writeFileSync(file, payload);
  const sub = spawnBin('tssub', ['-p', String(d.port), '-V', '5', '-i', 's5', '-t', 'v/#', '-q', '2', '-C', '1', '-N']);
  await m.waitForLog(/Sending SUBACK to s5/, 5000);
  const r = await runBin('tspub', ['-p', String(d.port), '-V', '5', '-i', 'p5', '-t', 'v/x', '-f', file, '-q', '2',
    '-D', 'publish', 'content-type', 'application/octet-stream', '-D', 'publish', 'user-property', 'k', 'v']);
  assert.equal(r.code, 0, r.stderr);
  const got = await sub.exited();
  assert.equal(got.code, 0, got.stderr);
  assert.deepEqual(got.stdout, payload);
  const out = await d.stop();
  const pk = packetsOf(out.lines);
  const of = (clientConn: number, type: string) => pk.filter((p) => p.conn === clientConn && p.type === type);
  assert.deepEqual(of(1, 'subscribe').map((p) => [p.mid, p.subscriptions]), [[1, [{ topic: 'v/#', qos: 2, noLocal: false, retainAsPublished: false, retainHandling: 0 }]]]);
  assert.deepEqual(of(1, 'suback').map((p) => [p.reasonCodes, p.reasons]), [[[2], ['granted QoS 2']]]);
  const pubs = pk.filter((p) => p.type === 'publish');
  assert.deepEqual(pubs.map((p) => [p.conn, p.from, p.qos, p.encoding, p.payload, p.payloadlen]), [
    [2, 'client', 2, 'base64', payload.toString('base64'), 8],
    [1, 'broker', 2, 'base64', payload.toString('base64'), 8],
  ]);
  assert.deepEqual(pubs[0]!.properties, { contentType: 'application/octet-stream', userProperties: [['k', 'v']] });
  assert.deepEqual(of(2, 'pubrec').concat(of(2, 'pubrel'), of(2, 'pubcomp')).map((p) => [p.from, p.type, p.mid, p.timed]), [
    ['broker', 'pubrec', 1, true], ['client', 'pubrel', 1, true], ['broker', 'pubcomp', 1, true],
  ]);
  const close = out.lines.find((o) => o.event === 'close' && o.clientId === 'p5')!;
  assert.deepEqual([close.messages, (close.slowestAck as { type: string }).type], [{ qos0: 0, qos1: 0, qos2: 1 }, 'pubcomp']);
});

test('filters: --type, --no-acks, --client-id, --topic (with the acks of the PUBLISH it shows)', async () => {
  const traffic = async (port: number): Promise<void> => {
    for (const [id, topic] of [['f1', 'f/a/1'], ['f2', 'f/b/1']]) {
      assert.equal((await runBin('tspub', ['-p', String(port), '-i', id!, '-t', topic!, '-m', 'x', '-q', '1'])).code, 0);
    }
    assert.equal((await mosqPub(['-p', String(port), '-i', 'f3', '-t', 'f/a/2', '-m', 'y', '-q', '0'])).code, 0);
  };
  const cases: Array<[string[], string[]]> = [
    [['--type', 'publish'], ['f1 publish f/a/1', 'f2 publish f/b/1', 'f3 publish f/a/2']],
    // --no-acks wins over --type's puback; CONNACK is no ack of a message
    [['--no-acks', '--type', 'publish,puback,connack'], ['f1 connack', 'f1 publish f/a/1', 'f2 connack', 'f2 publish f/b/1', 'f3 connack', 'f3 publish f/a/2']],
    [['--client-id', 'f2'], ['f2 connect', 'f2 connack', 'f2 publish f/b/1', 'f2 puback', 'f2 disconnect']],
    [['--topic', 'f/a/#'], ['f1 publish f/a/1', 'f1 puback', 'f3 publish f/a/2']],
    [['--topic', 'f/+/1', '--type', 'puback'], ['f1 puback', 'f2 puback']],
  ];
  for (const [args, want] of cases) {
    const d = await startDump(['--to', `127.0.0.1:${m.port}`, '--json', ...args]);
    await traffic(d.port);
    const out = await d.stop();
    const ids = new Map<unknown, unknown>();
    for (const o of out.lines) if (o.event === 'close') ids.set(o.conn, o.clientId);
    const shown = packetsOf(out.lines).map((p) => `${ids.get(p.conn)} ${p.type}${p.topic ? ` ${p.topic}` : ''}`);
    assert.deepEqual(shown, want, args.join(' '));
    if (args[0] === '--client-id') assert.deepEqual(out.lines.filter((o) => o.event).map((o) => o.event), ['open', 'close']);
  }
});

test('TLS: terminated at the proxy, TLS again to the broker', async () => {
  const c = m.certs!;
  const d = await startDump(['--listen-cert', c.serverCert, '--listen-key', c.serverKey, '--to', `127.0.0.1:${m.ports.tls}`, '--cafile', c.ca, '--json', '--type', 'publish']);
  assert.match(d.proc.stderrText(), /\(TLS\), forwarding to TLS 127\.0\.0\.1:/);
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(d.port), '--cafile', c.ca, '-t', 'tls/t', '-m', 'secret payload']);
  assert.equal(r.code, 0, r.stderr);
  const out = await d.stop();
  assert.deepEqual(packetsOf(out.lines).map((p) => [p.topic, p.payload]), [['tls/t', 'secret payload']]);
});

test('a stream that cannot be decoded: reported once, forwarded byte for byte; --strict closes that connection', async () => {
  const echo = await echoServer();
  try {
    const good = Buffer.from([0xc0, 0x00]); // PINGREQ
    const bad = Buffer.from([0x00, 0x03, 1, 2, 3, 0xff, 0xff, 0xff, 0xff, 0x7f]); // reserved type 0, then a 5-byte length
    const d = await startDump(['--to', `127.0.0.1:${echo.port}`, '--json']);
    const r = await exchange(d.port, [good, bad, good]);
    // the echo sent back everything: both directions went through untouched
    assert.deepEqual(r.back, Buffer.concat([good, bad, good]));
    assert.deepEqual(Buffer.concat(echo.received[0]!), Buffer.concat([good, bad, good]));
    const out = await d.stop();
    // each direction: the PINGREQ, then one report of the bad packet, and nothing decoded after it (the second PINGREQ)
    const seen = out.lines.filter((o) => o.type || o.event === 'error').map((o) => (o.type ? `${o.from} ${o.type}` : `${o.from}: ${o.error}`));
    assert.deepEqual(seen.sort(), [
      'broker pingreq', 'broker: RESERVED at byte 2: reserved packet type 0; the rest is forwarded undecoded',
      'client pingreq', 'client: RESERVED at byte 2: reserved packet type 0; the rest is forwarded undecoded',
    ].sort());
    const strict = await startDump(['--to', `127.0.0.1:${echo.port}`, '--json', '--strict']);
    const s = await exchange(strict.port, [Buffer.concat([good, bad])]);
    assert.ok(s.back.length <= good.length + bad.length);
    const sout = await strict.stop();
    const errors = sout.lines.filter((o) => o.event === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.error, 'RESERVED at byte 2: reserved packet type 0; closing the connection (--strict)');
    assert.equal(sout.lines.find((o) => o.event === 'close')!.reason, 'decode error (--strict)');
  } finally {
    await echo.close();
  }
});

test('argument errors', async () => {
  const cases: Array<[string[], string]> = [
    [[], 'Error: tsdump needs --listen [host:]port --to host:port (proxy) or -r file (a capture).'],
    [['--listen', '1884'], 'Error: --listen needs --to host:port (the broker to forward to).'],
    [['--listen', '1884', '--to', 'x:1', '-r', 'f'], 'Error: --listen and -r cannot be used together: proxy or capture, one at a time.'],
    [['--to', 'broker'], "Error: --to: 'broker' is not host:port."],
    [['--listen', 'a:b'], "Error: --listen: 'a:b' is not [host:]port."],
    [['-r', 'f', '--to', 'x:1'], 'Error: --to needs --listen (proxy mode); -r reads a capture.'],
    [['-r', 'f', '--strict'], 'Error: --strict needs --listen (proxy mode): a capture has no connection to close.'],
    [['--listen', '1', '--to', 'x:1', '--listen-cert', 'c'], 'Error: Both --listen-cert and --listen-key must be given if one of them is set.'],
    [['--listen', '1', '--to', 'x:1', '--port', '1883'], 'Error: --port is the MQTT port of a capture (-r); the proxy forwards to --to host:port.'],
    [['-r', 'f', '--type', 'publish,bogus'], "Error: --type: unknown packet type 'bogus' (use connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect, auth)."],
    [['-r', 'f', '--payload', 'octal'], "Error: --payload: 'octal' is not one of text, hex, base64, json."],
    [['-r', 'f', '--json', '--payload', 'hex'], 'Error: --payload shapes the line output; --json carries payloads as the message schema does (utf8 or base64).'],
    [['-r', 'f', '--topic', 'a/#/b'], "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?"],
  ];
  for (const [args, first] of cases) {
    const r = await runBin('tsdump', args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stderr.split('\n')[0], first, args.join(' '));
  }
});
