// tssub options that need a broker set up for them: TLS (--cafile, --capath, client certificates),
// --unix, -A, username/password, -L URLs (with extra -t), the default options file (ours, else
// mosquitto_sub's), the will, -V 5 -x, -k.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_LISTENERS, startMosquitto, unixListener, type Mosquitto } from './helpers/mosquitto.ts';
import { isolatedHome, runBin, spawnBin } from './helpers/run-bin.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';

let m: Mosquitto;
const sock = join(mkdtempSync(join(tmpdir(), 'tssub-sock-')), 'mosquitto.sock');
let n = 0;
const fresh = (): string => `opt/t${++n}`;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({
    listeners: [...CLIENT_LISTENERS, { name: 'wrong', kind: 'tls', cert: 'wronghost' }],
    extra: unixListener(sock),
  });
});
after(async () => { await m.stop(); });

const retained = async (topic: string, payload: string): Promise<void> => {
  const r = await mosqPub(['-h', '127.0.0.1', '-p', String(m.port), '-t', topic, '-m', payload, '-r']);
  assert.equal(r.code, 0, r.stderr);
};

test('transports: TLS --cafile / --capath / client certificate, mqtts:// URL, --unix, -A, --nodelay', async () => {
  const t = fresh();
  await retained(t, 'hello');
  const c = m.certs!;
  const cases: string[][] = [
    ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', c.ca, '-t', t],
    ['-h', 'localhost', '-p', String(m.ports.tls), '--capath', c.capathPlain, '-t', t],
    ['-h', 'localhost', '-p', String(m.ports.mtls), '--cafile', c.ca, '--cert', c.clientCert, '--key', c.clientKey, '-t', t],
    ['-L', `mqtts://localhost:${m.ports.tls}/${t}`, '--cafile', c.ca],
    ['--unix', sock, '-t', t],
    ['-h', '127.0.0.1', '-p', String(m.port), '-A', '127.0.0.1', '--nodelay', '-k', '5', '-t', t],
  ];
  for (const args of cases) {
    const r = await runBin('tssub', [...args, '--snapshot', '-v']);
    assert.deepEqual([r.code, r.stderr, r.out], [0, '', `${t} hello\n`], args.join(' '));
  }
  const bad = await runBin('tssub', ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', c.otherCa, '-t', t, '-E']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: TLS: .+\n$/);
});

test('authentication: -u/-P, mqtt://user:pass@ URL; a refused CONNACK exits with its code', async () => {
  const t = fresh();
  const port = String(m.ports.auth);
  const ok = await runBin('tssub', ['-h', '127.0.0.1', '-p', port, '-u', 'alice', '-P', 's3cret', '-t', t, '-E']);
  assert.deepEqual([ok.code, ok.stderr], [0, '']);
  const url = await runBin('tssub', ['-L', `mqtt://alice:s3cret@127.0.0.1:${port}/${t}`, '-t', `${t}/extra`, '-E', '-d', '-i', 'url-1']);
  assert.equal(url.code, 0, url.stderr);
  assert.ok(url.out.includes(`Topic: ${t}, QoS: 0`), url.out);
  assert.ok(url.out.includes(`Topic: ${t}/extra, QoS: 0`), url.out);
  assert.ok(url.out.includes('Subscribed (mid: 1): 0, 0\n'), url.out);
  const bad = await runBin('tssub', ['-h', '127.0.0.1', '-p', port, '-u', 'alice', '-P', 'wrong', '-t', t, '-E']);
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /^Error: Connection refused: .+\n$/);
  const bad5 = await runBin('tssub', ['-h', '127.0.0.1', '-p', port, '-u', 'alice', '-P', 'wrong', '-t', t, '-E', '-V', '5']);
  assert.equal(bad5.code, 135);
});

test('default options file: ~/.config/tssub, else ~/.config/mosquitto_sub; the command line wins', async () => {
  const t = fresh();
  await retained(t, 'cfg');
  const home = isolatedHome();
  writeFileSync(join(home, '.config', 'mosquitto_sub'), `-h 127.0.0.1\n-p ${m.port}\n# a comment\n-v\n`);
  const viaMosq = await runBin('tssub', ['-t', t, '--snapshot'], { home });
  assert.deepEqual([viaMosq.code, viaMosq.out], [0, `${t} cfg\n`]);
  writeFileSync(join(home, '.config', 'tssub'), `-p ${m.port}\n-h 127.0.0.1\n-F %t=%p\n`);
  const ours = await runBin('tssub', ['-t', t, '--snapshot'], { home });
  assert.deepEqual([ours.code, ours.out], [0, `${t}=cfg\n`]);
  const cli = await runBin('tssub', ['-t', t, '--snapshot', '-F', '%p!'], { home });
  assert.equal(cli.out, 'cfg!\n');
  writeFileSync(join(home, '.config', 'tssub'), '-F %k\n');
  const broken = await runBin('tssub', ['-t', t], { home });
  assert.equal(broken.code, 1);
  // mosquitto_sub's -F errors end with the Use line too
  assert.equal(broken.stderr, "Error: Invalid format specifier 'k'.\n\nUse 'tssub --help' to see usage.\n");
});

test('--will-*: the will goes out when tssub dies without DISCONNECT, not after Ctrl+C', async () => {
  const t = fresh();
  const watcher = spawnBin('tssub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', `${t}/will`, '-v', '-C', '1', '-W', '10']);
  await m.waitForLog(new RegExp(`SUBSCRIBE[\\s\\S]*${t}/will`));
  const mark = m.logMark();
  const clean = spawnBin('tssub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', t, '-i', `${n}-clean`, '--will-topic', `${t}/will`, '--will-payload', 'clean']);
  await m.waitForLog(new RegExp(`SUBACK to ${n}-clean`), 5000, mark);
  clean.kill('SIGINT');
  assert.equal((await clean.exited()).code, 0);
  const dying = spawnBin('tssub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', t, '-i', `${n}-dying`, '--will-topic', `${t}/will`,
    '--will-payload', 'bye', '--will-qos', '1']);
  await m.waitForLog(new RegExp(`SUBACK to ${n}-dying`), 5000, mark);
  dying.kill('SIGKILL');
  await dying.exited().catch(() => undefined);
  const r = await watcher.exited();
  assert.deepEqual([r.code, r.out], [0, `${t}/will bye\n`]);
});

test('-V 5 -c -i -x: the session survives a reconnect within the expiry', async () => {
  const t = fresh();
  const args = ['-h', '127.0.0.1', '-p', String(m.port), '-t', t, '-V', '5', '-c', '-i', `x-${n}`, '-x', '60', '-q', '1'];
  assert.equal((await runBin('tssub', [...args, '-E'])).code, 0);
  const r1 = await mosqPub(['-h', '127.0.0.1', '-p', String(m.port), '-t', t, '-m', 'queued', '-q', '1']);
  assert.equal(r1.code, 0);
  const r = await runBin('tssub', [...args, '-C', '1', '-W', '10']);
  assert.deepEqual([r.code, r.out], [0, 'queued\n']);
});

test('on a terminal -v colours the topic only (NO_COLOR: not even that); a pipe gets mosquitto\'s bytes', async () => {
  const t = fresh();
  await retained(t, '{"a":1}');
  const cmd = `"${process.execPath}" "${join(process.cwd(), 'bin', 'tssub.cjs')}" -h 127.0.0.1 -p ${m.port} -t '${t}' -v --snapshot`;
  const tty = await runBinLike('script', ['-qec', cmd, '/dev/null'], { TERM: 'xterm' });
  assert.equal(tty.replace(/\r\n/g, '\n'), `\u001b[35m${t}\u001b[39m {"a":1}\n`);
  const noColor = await runBinLike('script', ['-qec', cmd, '/dev/null'], { TERM: 'xterm', NO_COLOR: '1' });
  assert.equal(noColor.replace(/\r\n/g, '\n'), `${t} {"a":1}\n`);
  const pipe = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', t, '-v', '--snapshot'], { env: { FORCE_COLOR: '1' } });
  assert.equal(pipe.out, `${t} {"a":1}\n`);
});

/** run any command with a minimal env, return stdout */
function runBinLike(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '', HOME: isolatedHome(), ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

test('more options: --insecure, --tls-version, -I, --password-file, --retain-as-published, -D connect/disconnect, unsupported ones', async () => {
  const t = fresh();
  await retained(t, 'x');
  const c = m.certs!;
  const wrong = ['-h', 'localhost', '-p', String(m.ports.wrong), '--cafile', c.ca, '-t', t, '--snapshot'];
  const refused = await runBin('tssub', wrong);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^Error: TLS: .+\n$/);
  assert.equal((await runBin('tssub', [...wrong, '--insecure'])).out, 'x\n');
  assert.equal((await runBin('tssub', ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', c.ca, '--tls-version', 'tlsv1.2', '-t', t, '--snapshot'])).out, 'x\n');
  const mark = m.logMark();
  const pre = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(m.port), '-I', 'pfx-', '-t', t, '-E']);
  assert.equal(pre.code, 0);
  await m.waitForLog(/as pfx-\d+ /, 5000, mark);
  const home = isolatedHome();
  writeFileSync(join(home, 'pw'), 's3cret\n');
  const pf = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(m.ports.auth), '-u', 'alice', '--password-file', join(home, 'pw'), '-t', t, '-E']);
  assert.deepEqual([pf.code, pf.stderr], [0, '']);
  // v5 retain-as-published: a live retained message keeps retain=1 only with the option
  for (const [extra, want] of [[['--retain-as-published'], '1\n'], [[], '0\n']] as const) {
    const live = `${t}/rap${extra.length}`;
    const s = spawnBin('tssub', ['-h', '127.0.0.1', '-p', String(m.port), '-V', '5', '-t', live, ...extra, '-F', '%r', '-C', '1', '-W', '10',
      '-D', 'connect', 'user-property', 'who', 'tssub', '-D', 'disconnect', 'session-expiry-interval', '0']);
    await m.waitForLog(new RegExp(`SUBSCRIBE[\\s\\S]*${live}`));
    const p = await mosqPub(['-h', '127.0.0.1', '-p', String(m.port), '-t', live, '-m', 'r', '-r']);
    assert.equal(p.code, 0);
    const r = await s.exited();
    assert.deepEqual([r.code, r.out, r.stderr], [0, want, '']);
  }
  for (const [args, line] of [
    [['--psk', 'abc', '--psk-identity', 'me'], /^Error: --psk argument must be a key in hexadecimal/],
    [['--proxy', 'socks4://127.0.0.1:1080'], /^Error: Unsupported proxy protocol: socks4:\/\/127.0.0.1:1080\n/],
    [['--keyform', 'engine'], /^Error: --keyform engine is not supported by this tool/],
  ] as const) {
    const r = await runBin('tssub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', t, ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, line);
  }
});
