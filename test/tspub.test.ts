// tspub black-box against a real mosquitto: message sources, -l edge cases, line formats,
// --changes-only, repeat/placeholders, options file, -L, auth sources, -d, TLS, ws.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, isolatedHome, spawnProcess, spawnBin, binPath } from './helpers/run-bin.ts';
import { CLIENT_LISTENERS, startMosquitto, unixListener, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { startWsGateway } from './helpers/ws-gateway.ts';

let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'tspub-'));
const sock = join(dir, 'mosquitto.sock');
let topicN = 0;
const fresh = (): string => `tspub/t${++topicN}`;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({
    listeners: [...CLIENT_LISTENERS],
    extra: unixListener(sock),
  });
});
after(async () => { await m.stop(); });

const base = (): string[] => ['-h', '127.0.0.1', '-p', String(m.port)];

/** mosquitto_sub for `count` messages on `topic`, started and subscribed before it returns. */
async function sub(topic: string, count: number, extra: string[] = [], port = m.port) {
  const since = m.log().length;
  const s = mosqSub(['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-C', String(count), ...extra]);
  await m.waitForLog(/Sending SUBACK to/, 5000, since);
  return s;
}

test('-m, -n, -f, -s deliver exactly the payload; -r retains', async () => {
  const t = fresh();
  const s = await sub(t, 4, ['-F', '%r %x']);
  const file = join(dir, 'payload.bin');
  writeFileSync(file, Buffer.from([0, 1, 0xff, 0x0a, 0x41]));
  for (const [args, opts] of [
    [['-m', 'héllo'], {}],
    [['-n'], {}],
    [['-f', file], {}],
    [['-s'], { stdin: Buffer.from('a\nb\n') }],
  ] as Array<[string[], { stdin?: Buffer }]>) {
    const r = await runBin('tspub', [...base(), '-t', t, ...args], opts);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  }
  const res = await s.exited();
  assert.equal(res.out, `0 68c3a96c6c6f\n0 \n0 0001ff0a41\n0 610a620a\n`);
  const rt = fresh();
  assert.equal((await runBin('tspub', [...base(), '-t', rt, '-m', 'kept', '-r', '-q', '1'])).code, 0);
  const r2 = await sub(rt, 1, ['-F', '%r %p']);
  assert.equal((await r2.exited()).out, '1 kept\n');
});

test('QoS 0, 1 and 2 with MQTT 3.1, 3.1.1 and 5', async () => {
  const t = fresh();
  const s = await sub(t, 9, ['-F', '%q %p', '-q', '2']);
  for (const v of ['31', '311', '5']) {
    for (const q of ['0', '1', '2']) {
      const r = await runBin('tspub', [...base(), '-t', t, '-m', `v${v}q${q}`, '-q', q, '-V', v]);
      assert.equal(r.code, 0, r.stderr);
    }
  }
  assert.equal((await s.exited()).out, ['0 v31q0', '1 v31q1', '2 v31q2', '0 v311q0', '1 v311q1', '2 v311q2', '0 v5q0', '1 v5q1', '2 v5q2'].join('\n') + '\n');
});

test('-l: empty lines, CR kept, binary bytes, last line without newline', async () => {
  const t = fresh();
  const s = await sub(t, 6, ['-F', '%x']);
  const input = Buffer.concat([Buffer.from('one\n\ntwo\r\n'), Buffer.from([0, 0xff, 0x80, 0x0a]), Buffer.from('\nlast')]);
  const r = await runBin('tspub', [...base(), '-t', t, '-l', '-q', '1'], { stdin: input });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal((await s.exited()).out, '6f6e65\n\n74776f0d\n00ff80\n\n6c617374\n');
});

test('-l: a 1 MB line is one message', async () => {
  const t = fresh();
  const s = await sub(t, 2, ['-F', '%l']);
  const r = await runBin('tspub', [...base(), '-t', t, '-l'], { stdin: Buffer.concat([Buffer.alloc(1024 * 1024, 0x62), Buffer.from('\nend\n')]) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await s.exited()).out, '1048576\n3\n');
});

test('-l: 70000 QoS 1 lines over one connection, in order, across the packet id wrap at 65535', async () => {
  const t = fresh();
  const n = 70000;
  const s = await sub(t, n, ['-q', '1']);
  const since = m.log().length;
  const lines = Array.from({ length: n }, (_, i) => String(i + 1)).join('\n') + '\n';
  const r = await runBin('tspub', [...base(), '-t', t, '-l', '-q', '1'], { stdin: lines, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await s.exited()).out, lines);
  assert.equal(m.log().slice(since).split('New client connected').length - 1, 1);
});

test('--line-format tab and json: a topic per line', async () => {
  const a = `fmt/${fresh()}`;
  const b = `fmt/${fresh()}`;
  // live messages reach an existing subscriber with retain 0 (MQTT 3.1.1 [MQTT-3.3.1-9])
  const s = await sub('fmt/#', 5, ['-F', '%t %q %r %p', '-q', '1']);
  const tab = await runBin('tspub', [...base(), '-l', '--line-format', 'tab'], { stdin: `${a}\tx\ty\n${b}\t\n` });
  assert.equal(tab.code, 0, tab.stderr);
  const json = [
    JSON.stringify({ topic: a, payload: 'j1', qos: 1 }),
    'not json',
    JSON.stringify({ payload: { n: 2 }, retain: true }),
    JSON.stringify({ topic: b, payload: 'j3', properties: { 'content-type': 'text/plain' } }),
  ].join('\n');
  const r = await runBin('tspub', [...base(), '-l', '--line-format', 'json', '-t', a, '-V', '5'], { stdin: json });
  assert.equal(r.stderr, "Error: stdin line 2: not valid JSON (Unexpected token 'o', \"not json\" is not valid JSON); not published (the lines before it were: stdin is not a file, so lines go out as they are read).\n");
  assert.equal(r.code, 1);
  assert.equal((await s.exited()).out, `${a} 0 0 x\ty\n${b} 0 0 \n${a} 1 0 j1\n${a} 0 0 {"n":2}\n${b} 0 0 j3\n`);
  const kept = await sub(a, 1, ['-F', '%r %p']);
  assert.equal((await kept.exited()).out, '1 {"n":2}\n');
  await runBin('tspub', [...base(), '-t', a, '-r', '-n']);
});

test('--changes-only skips a line equal to the last one sent on its topic', async () => {
  const t = fresh();
  const s = await sub(`${t}/#`, 5, ['-F', '%t=%p']);
  const input = [`${t}/a\t1`, `${t}/a\t1`, `${t}/b\t1`, `${t}/a\t2`, `${t}/a\t2`, `${t}/a\t1`, `${t}/b\t1`, `${t}/b\t3`].join('\n');
  const r = await runBin('tspub', [...base(), '-l', '--line-format', 'tab', '--changes-only'], { stdin: input });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await s.exited()).out, `${t}/a=1\n${t}/b=1\n${t}/a=2\n${t}/a=1\n${t}/b=3\n`);
});

test('--repeat with placeholders and --repeat-delay', async () => {
  const t = fresh();
  const s = await sub(t, 3, ['-F', '%p']);
  const r = await runBin('tspub', [...base(), '-t', t, '-q', '1', '--repeat', '3', '--repeat-delay', '0.05', '-m', '{"n":{{counter}},"ts":{{now_ms}},"k":"{{kept}}"}']);
  assert.equal(r.code, 0, r.stderr);
  const got = (await s.exited()).out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(got.map((o) => o.n), [1, 2, 3]);
  assert.ok(got.every((o) => typeof o.ts === 'number' && o.k === '{{kept}}'));
  assert.ok(got[0].ts <= got[1].ts && got[1].ts <= got[2].ts);
  // without --repeat the text is sent as it is (mosquitto_pub compatible)
  const t2 = fresh();
  const s2 = await sub(t2, 1, ['-F', '%p']);
  await runBin('tspub', [...base(), '-t', t2, '-m', '{{counter}}']);
  assert.equal((await s2.exited()).out, '{{counter}}\n');
});

test('options file: ~/.config/tspub, else mosquitto_pub; the command line wins', async () => {
  const home = isolatedHome();
  const t = fresh();
  const s = await sub(t, 3, ['-F', '%p']);
  writeFileSync(join(home, '.config', 'mosquitto_pub'), `# from mosquitto\n-h 127.0.0.1\n-p ${m.port}\n-t ${t}\n`);
  assert.equal((await runBin('tspub', ['-m', 'via mosquitto_pub file'], { home })).code, 0);
  writeFileSync(join(home, '.config', 'tspub'), `-p 1\n-h 127.0.0.1\n-t ${t}\n-m from file\n`);
  assert.equal((await runBin('tspub', ['-p', String(m.port)], { home })).code, 0);
  assert.equal((await runBin('tspub', ['-p', String(m.port), '-m', 'cli wins'], { home })).code, 0);
  assert.equal((await s.exited()).out, 'via mosquitto_pub file\nfrom file\ncli wins\n');
  const xdg = join(dir, 'xdg');
  mkdirSync(xdg, { recursive: true });
  writeFileSync(join(xdg, 'tspub'), '-q 7\n');
  const bad = await runBin('tspub', ['-t', 'a', '-m', 'x'], { home, env: { XDG_CONFIG_HOME: xdg } });
  assert.equal(bad.stderr, `Error: ${join(xdg, 'tspub')} line 1: Invalid QoS given: 7\n\nUse 'tspub --help' to see usage.\n`);
  assert.equal(bad.code, 1);
});

test('auth: -L with user:password, --password-file, TSMQTT_PASSWORD; refusal exits 5', async () => {
  const port = m.ports.auth!;
  const t = fresh();
  const s = await sub(t, 3, ['-F', '%p', '-u', 'alice', '-P', 's3cret'], port);
  const pw = join(dir, 'pw');
  writeFileSync(pw, 's3cret\n');
  assert.equal((await runBin('tspub', ['-L', `mqtt://alice:s3cret@127.0.0.1:${port}/${t}`, '-m', 'url'])).code, 0);
  assert.equal((await runBin('tspub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'alice', '--password-file', pw, '-t', t, '-m', 'file'])).code, 0);
  assert.equal((await runBin('tspub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'alice', '-t', t, '-m', 'env'], { env: { TSMQTT_PASSWORD: 's3cret' } })).code, 0);
  assert.equal((await s.exited()).out, 'url\nfile\nenv\n');
  const bad = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'alice', '-P', 'wrong', '-t', t, '-m', 'x']);
  assert.equal(bad.stderr, 'Error: Connection refused: not authorised\n');
  assert.equal(bad.code, 5);
  const bad5 = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'alice', '-P', 'wrong', '-t', t, '-m', 'x', '-V', '5']);
  assert.equal(bad5.code, 135);
});

test('-d prints mosquitto-style packet lines on stdout and never the password', async () => {
  const port = m.ports.auth!;
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'alice', '-P', 's3cret', '-t', 'd/x', '-m', 'hi', '-q', '1', '-d', '-i', 'dbg']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.out, [
    'Client dbg sending CONNECT',
    'Client dbg received CONNACK (0)',
    "Client dbg sending PUBLISH (d0, q1, r0, m1, 'd/x', ... (2 bytes))",
    'Client dbg received PUBACK (Mid: 1, RC:0)',
    'Client dbg sending DISCONNECT',
    '',
  ].join('\n'));
  assert.ok(!r.out.includes('s3cret') && !r.stderr.includes('s3cret'));
});

test('-d -V 5 without -i: lines carry the id the broker assigned from the CONNACK on, as mosquitto_pub -d prints them', async () => {
  const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(m.ports.tcp), '-t', 'd/v5', '-m', 'hi', '-q', '2', '-d', '-V', '5']);
  assert.equal(r.code, 0, r.stderr);
  const id = /^Client \(null\) sending CONNECT\nClient (auto-[0-9A-F-]{36}) received CONNACK \(0\)\n/.exec(r.out)?.[1];
  assert.ok(id, r.out);
  assert.equal(r.out, [
    'Client (null) sending CONNECT',
    `Client ${id} received CONNACK (0)`,
    `Client ${id} sending PUBLISH (d0, q2, r0, m1, 'd/v5', ... (2 bytes))`,
    `Client ${id} received PUBREC (Mid: 1)`,
    `Client ${id} sending PUBREL (m1)`,
    `Client ${id} received PUBCOMP (Mid: 1, RC:0)`,
    `Client ${id} sending DISCONNECT`,
    '',
  ].join('\n'));
});

test('-d at QoS 0 numbers the publishes m1, m2, ... as mosquitto_pub -d does (same run, same bytes)', async () => {
  requireMosquittoClients();
  const args = ['-h', '127.0.0.1', '-p', String(m.ports.tcp), '-t', 'd/q0', '-m', 'hi', '--repeat', '3', '-d', '-i', 'dq0'];
  const ours = await runBin('tspub', args);
  const theirs = await mosqPub(args);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.equal(ours.out, [
    'Client dq0 sending CONNECT',
    'Client dq0 received CONNACK (0)',
    "Client dq0 sending PUBLISH (d0, q0, r0, m1, 'd/q0', ... (2 bytes))",
    "Client dq0 sending PUBLISH (d0, q0, r0, m2, 'd/q0', ... (2 bytes))",
    "Client dq0 sending PUBLISH (d0, q0, r0, m3, 'd/q0', ... (2 bytes))",
    'Client dq0 sending DISCONNECT',
    '',
  ].join('\n'));
  assert.equal(ours.out, theirs.out);
});

test('TLS with --cafile (port 8883 logic bypassed by -p), -L mqtts:// needs the CA too', async () => {
  const t = fresh();
  const s = await sub(t, 2, ['-F', '%p']);
  const tls = ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', m.certs!.ca, '-t', t];
  assert.equal((await runBin('tspub', [...tls, '-m', 'over tls'])).code, 0);
  const r = await runBin('tspub', ['-L', `mqtts://localhost:${m.ports.tls}/${t}`, '--cafile', m.certs!.ca, '-m', 'mqtts url']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await s.exited()).out, 'over tls\nmqtts url\n');
});

test('ws:// URL through a WebSocket gateway', async () => {
  const gw = await startWsGateway({ targetPort: m.port });
  try {
    const t = fresh();
    const s = await sub(t, 1, ['-F', '%p']);
    const r = await runBin('tspub', ['-L', `ws://127.0.0.1:${gw.port}/${t}`, '-m', 'via ws', '-q', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await s.exited()).out, 'via ws\n');
  } finally {
    await gw.stop();
  }
});

test('will, -I prefix, -c with -i, -x and -D connect/publish properties reach the broker', async () => {
  const t = fresh();
  const s = await sub(t, 1, ['-F', '%p|%C|%P', '-V', '5']);
  const since = m.log().length;
  const r = await runBin('tspub', [...base(), '-t', t, '-m', 'props', '-I', 'pre-', '-k', '30', '--will-topic', 'w/x', '--will-payload', 'gone',
    '-D', 'publish', 'content-type', 'text/plain', '-D', 'publish', 'user-property', 'k', 'v', '-D', 'connect', 'user-property', 'c', 'd']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await s.exited()).out, 'props|text/plain|k:v\n');
  assert.match(m.log().slice(since), /New client connected from 127\.0\.0\.1:\d+ as pre-\d+ \(p5, c1, k30\)/);
  const r2 = await runBin('tspub', [...base(), '-t', t, '-n', '-c', '-i', 'persist-me', '-V', '5', '-x', '60']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(m.log().slice(since), /as persist-me \(p5, c0, k60\)/);
});

test('-P without a value on a terminal prompts with echo off (run under script(1) for a pty)', async () => {
  const port = m.ports.auth!;
  const t = fresh();
  const s = await sub(t, 1, ['-F', '%p', '-u', 'alice', '-P', 's3cret'], port);
  const cmd = `${process.execPath} ${binPath('tspub')} -h 127.0.0.1 -p ${port} -u alice -P -t ${t} -m prompted`;
  const run = spawnProcess('script', ['-qec', cmd, '/dev/null'], {}, 'open');
  await run.waitForStdout('Password for alice: ', 10_000);
  run.child.stdin!.write('s3cret\r');
  const res = await run.exited();
  assert.equal(res.code, 0, res.out);
  assert.equal(res.out, 'Password for alice: \r\n');
  assert.equal((await s.exited()).out, 'prompted\n');
});

test('TLS: --capath (plain directory), client certificate (--cert/--key), -A bind address, --unix socket', async () => {
  const t = fresh();
  const s = await sub(t, 4, ['-F', '%p']);
  const c = m.certs!;
  const cases: string[][] = [
    ['-h', 'localhost', '-p', String(m.ports.tls), '--capath', c.capathPlain, '-m', 'capath'],
    ['-h', 'localhost', '-p', String(m.ports.mtls), '--cafile', c.ca, '--cert', c.clientCert, '--key', c.clientKey, '-m', 'mtls'],
    [...base(), '-A', '127.0.0.1', '--nodelay', '-m', 'bound'],
    ['--unix', sock, '-m', 'unix'],
  ];
  for (const args of cases) {
    const r = await runBin('tspub', ['-t', t, ...args]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
  }
  assert.equal((await s.exited()).out, 'capath\nmtls\nbound\nunix\n');
});

test('the will is published when tspub dies without DISCONNECT', async () => {
  const w = fresh();
  const s = await sub(w, 1, ['-F', '%t %p']);
  const since = m.log().length;
  const p = spawnBin('tspub', [...base(), '-t', fresh(), '-l', '-i', 'will-pub', '--will-topic', w, '--will-payload', 'gone', '--will-qos', '1']);
  await m.waitForLog(/as will-pub/, 10_000, since);
  p.kill('SIGKILL');
  await p.exited().catch(() => undefined);
  assert.equal((await s.exited()).out, `${w} gone\n`);
});

test('-d piped into head -1: EPIPE on stdout does not stop the publishing (exit 0, every line sent)', async () => {
  const t = fresh();
  const n = 2000;
  const s = await sub(t, n, ['-q', '1']);
  const lines = Array.from({ length: n }, (_, i) => `e${i}`).join('\n') + '\n';
  const p = spawnBin('tspub', [...base(), '-t', t, '-l', '-q', '1', '-d'], { stdin: lines });
  await p.waitForStdout('sending CONNECT');
  p.child.stdout!.destroy();
  const res = await p.exited();
  assert.equal(res.stderr, '');
  assert.equal(res.code, 0);
  assert.equal((await s.exited()).out, lines);
});

test('replay: tssub -F %j output piped into tspub --line-format json republishes the same messages', async () => {
  const src = `replay/${fresh()}`;
  const dst = `replayed/${fresh()}`;
  const since = m.log().length;
  const capture = spawnBin('tssub', [...base(), '-t', `${src}/#`, '-F', '%j', '-C', '2', '-V', '5']);
  await m.waitForLog(/Sending SUBACK to/, 5000, since);
  await runBin('tspub', [...base(), '-t', `${src}/a`, '-m', 'hello', '-V', '5', '-D', 'publish', 'content-type', 'text/plain', '-D', 'publish', 'user-property', 'k', 'v']);
  await runBin('tspub', [...base(), '-t', `${src}/b`, '-m', '{"x":1}']);
  const json = (await capture.exited()).out.split(src).join(dst);
  const s = await sub(`${dst}/#`, 2, ['-V', '5', '-F', '%t|%C|%P|%p']);
  const r = await runBin('tspub', [...base(), '-l', '--line-format', 'json', '-V', '5'], { stdin: json });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal((await s.exited()).out, `${dst}/a|text/plain|k:v|hello\n${dst}/b|||{"x":1}\n`);
});
