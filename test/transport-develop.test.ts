// mosquitto develop's transport options against a real mosquitto: --ws (plain and TLS, to a
// `protocol websockets` listener), --tls-keylog (NSS key lines of this connection, file 0600),
// --no-tls, and --proxy with %-encoded credentials through the SOCKS fixture (mosquitto_pub 2.0.11
// side by side), also in an options file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, spawnBin, isolatedHome } from './helpers/run-bin.ts';
import { startMosquitto, freePort, type Mosquitto } from './helpers/mosquitto.ts';
import { makeCerts } from './helpers/certs.ts';
import { mosqPub, mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { startSocksProxy, type SocksProxy } from './helpers/socks-proxy.ts';
import { subscribed } from './helpers/subscribed.ts';

let m: Mosquitto;
let wsPort: number;
let wssPort: number;
let socks: SocksProxy;
let n = 0;
const fresh = (): string => `develop/t${++n}`;
const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-transport-'));
// user "al:ice", password "pa:ss%w", %-encoded. Not %40: mosquitto 2.0.11 (and develop's stored
// source) decode it to ':', not the '@' its man page promises; we decode '@' (the unit test has it)
const USER = 'al:ice';
const PASS = 'pa:ss%w';
const ENCODED = 'al%3Aice:pa%3ass%25w';

/** mosquitto_sub on the plain listener for one message, subscribed before it returns */
function subOne(topic: string) {
  return subscribed(m, () => mosqSub(['-h', '127.0.0.1', '-p', String(m.ports.tcp), '-t', topic, '-C', '1']));
}

before(async () => {
  requireMosquittoClients();
  const certs = await makeCerts();
  wsPort = await freePort();
  wssPort = await freePort();
  m = await startMosquitto({
    listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'tls', kind: 'tls' }],
    extra: [`listener ${wsPort} 127.0.0.1`, 'protocol websockets', 'allow_anonymous true',
      `listener ${wssPort} 127.0.0.1`, 'protocol websockets', 'allow_anonymous true',
      `cafile ${certs.ca}`, `certfile ${certs.serverCert}`, `keyfile ${certs.serverKey}`].join('\n'),
  });
  socks = await startSocksProxy({ auth: { username: USER, password: PASS } });
});
after(async () => {
  await socks?.stop();
  await m?.stop();
});

test('--ws: tspub and tssub speak MQTT over WebSockets to -h/-p (plain, and wss with --cafile)', async () => {
  const t = fresh();
  const s = spawnBin('tssub', ['-h', '127.0.0.1', '-p', String(wsPort), '--ws', '-t', t, '-C', '2', '-v', '-d']);
  await s.waitForStdout('Subscribed (mid: 1): 0');
  const plain = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(wsPort), '--ws', '-t', t, '-m', 'over ws']);
  assert.deepEqual([plain.code, plain.stderr], [0, '']);
  const secure = await runBin('tspub', ['-h', 'localhost', '-p', String(wssPort), '--ws', '--cafile', m.certs!.ca, '-t', t, '-m', 'over wss']);
  assert.deepEqual([secure.code, secure.stderr], [0, '']);
  const got = await s.exited();
  assert.equal(got.code, 0, got.stderr);
  assert.match(got.out, new RegExp(`^${t} over ws$`, 'm'));
  assert.match(got.out, new RegExp(`^${t} over wss$`, 'm'));
  // without --ws the same port is no MQTT listener: the difference is the option
  const tcpToWs = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(wsPort), '-t', t, '-m', 'x', '--connect-timeout', '3']);
  assert.equal(tcpToWs.code, 1);
});

test('-L ws:// and wss:// are --ws with the URL\'s parts; the default port is 1883, 8883 with TLS (develop)', async () => {
  const t = fresh();
  const s = await subOne(t);
  const r = await runBin('tspub', ['-L', `wss://localhost:${wssPort}/${t}`, '--cafile', m.certs!.ca, '-m', 'by url']);
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.equal((await s.exited()).out, 'by url\n');
  // a closed default port names it: 1883 for ws://, 8883 for wss://
  const ws = await runBin('tspub', ['-L', 'ws://127.0.0.1/t', '-m', 'x', '--connect-timeout', '3']);
  const wss = await runBin('tspub', ['-L', 'wss://127.0.0.1/t', '-m', 'x', '--connect-timeout', '3']);
  const wsFlag = await runBin('tspub', ['--ws', '-h', '127.0.0.1', '--cafile', m.certs!.ca, '-t', 't', '-m', 'x', '--connect-timeout', '3']);
  assert.match(ws.stderr, /ws:\/\/127\.0\.0\.1:1883\/mqtt/);
  assert.match(wss.stderr, /wss:\/\/127\.0\.0\.1:8883\/mqtt/);
  assert.match(wsFlag.stderr, /wss:\/\/127\.0\.0\.1:8883\/mqtt/);
});

const KEYLOG_LINE = /^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) ([0-9a-f]{64}) ([0-9a-f]{64,96})$/;

/** the key log's lines grouped by client random, each group's labels sorted */
function keylogSets(file: string): string[][] {
  const lines = readFileSync(file, 'latin1').split('\n').filter((l) => l !== '');
  const byRandom = new Map<string, string[]>();
  for (const line of lines) {
    const mm = KEYLOG_LINE.exec(line);
    assert.ok(mm, `not an NSS key log line: ${line}`);
    byRandom.set(mm[2]!, [...(byRandom.get(mm[2]!) ?? []), mm[1]!]);
  }
  return [...byRandom.values()].map((labels) => labels.sort());
}

const TLS13 = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0'];

test('--tls-keylog: one set of NSS key lines per TLS connection (TLS 1.3, 1.2, wss), appended, file mode 0600', async () => {
  const file = join(dir, 'keys.log');
  const base = ['-h', 'localhost', '--cafile', m.certs!.ca, '-t', fresh(), '-m', 'k', '--tls-keylog', file];
  const first = await runBin('tspub', ['-p', String(m.ports.tls), ...base]);
  assert.deepEqual([first.code, first.stderr], [0, '']);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(keylogSets(file), [TLS13]);
  const tls12 = await runBin('tspub', ['-p', String(m.ports.tls), '--tls-version', 'tlsv1.2', ...base]);
  assert.deepEqual([tls12.code, tls12.stderr], [0, '']);
  const wss = await runBin('tspub', ['-p', String(wssPort), '--ws', ...base]);
  assert.deepEqual([wss.code, wss.stderr], [0, '']);
  // three connections, three client randoms: the earlier lines are kept
  assert.deepEqual(keylogSets(file), [TLS13, ['CLIENT_RANDOM'], TLS13]);
});

test('--tls-keylog: a file that cannot be opened is a clear error before connecting; without TLS no file is made', async () => {
  const missing = join(dir, 'no-such-dir', 'keys.log');
  const r = await runBin('tspub', ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', m.certs!.ca, '-t', 't', '-m', 'x', '--tls-keylog', missing]);
  assert.deepEqual([r.code, r.stderr, r.out], [1, `Error: cannot open the --tls-keylog file '${missing}': no such file\n`, '']);
  const dirAsFile = await runBin('tspub', ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', m.certs!.ca, '-t', 't', '-m', 'x', '--tls-keylog', dir]);
  assert.deepEqual([dirAsFile.code, dirAsFile.stderr], [1, `Error: cannot open the --tls-keylog file '${dir}': is a directory\n`]);
  const plainFile = join(dir, 'plain.log');
  const plain = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(m.ports.tcp), '-t', 't', '-m', 'x', '--tls-keylog', plainFile]);
  assert.deepEqual([plain.code, plain.stderr, existsSync(plainFile)], [0, '', false]);
});

test('--no-tls turns off the TLS an options file asks for (--cafile, and --tls-keylog with it)', async () => {
  const home = isolatedHome();
  const keys = join(dir, 'no-tls.log');
  writeFileSync(join(home, '.config', 'tspub'), `--cafile ${m.certs!.ca}\n--tls-keylog ${keys}\n-h 127.0.0.1\n`);
  const t = fresh();
  const s = await subOne(t);
  // the options file's TLS against the plain listener fails; --no-tls on the command line mends it
  const tlsToPlain = await runBin('tspub', ['-p', String(m.ports.tcp), '-t', t, '-m', 'x'], { home });
  assert.equal(tlsToPlain.code, 1);
  assert.equal(existsSync(keys), true);
  rmSync(keys);
  const r = await runBin('tspub', ['-p', String(m.ports.tcp), '--no-tls', '-t', t, '-m', 'plain again'], { home });
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.equal((await s.exited()).out, 'plain again\n');
  assert.equal(existsSync(keys), false);
  // --ws and --no-tls in the options file too
  writeFileSync(join(home, '.config', 'tspub'), `--ws\n--no-tls\n--cafile ${m.certs!.ca}\n-h 127.0.0.1\n`);
  const t2 = fresh();
  const s2 = await subOne(t2);
  const viaFile = await runBin('tspub', ['-p', String(wsPort), '-t', t2, '-m', 'ws from the file'], { home });
  assert.deepEqual([viaFile.code, viaFile.stderr], [0, '']);
  assert.equal((await s2.exited()).out, 'ws from the file\n');
});

test('--proxy: %-encoded user and password reach the proxy decoded, as from mosquitto_pub 2.0.11; --ws through it too', async () => {
  const t = fresh();
  const proxy = ['--proxy', `socks5h://${ENCODED}@127.0.0.1:${socks.port}`];
  const before = socks.requests.length;
  const s = spawnBin('tssub', ['-h', 'localhost', '-p', String(m.ports.tcp), '-t', t, '-C', '3', ...proxy]);
  await m.waitForLog(new RegExp(`Received SUBSCRIBE from \\S+\\n.*${t}`), 5000);
  const ours = await runBin('tspub', ['-h', 'localhost', '-p', String(m.ports.tcp), '-t', t, '-m', 'tspub', ...proxy]);
  assert.deepEqual([ours.code, ours.stderr], [0, '']);
  const ws = await runBin('tspub', ['-h', 'localhost', '-p', String(wsPort), '--ws', '-t', t, '-m', 'tspub --ws', ...proxy]);
  assert.deepEqual([ws.code, ws.stderr], [0, '']);
  const theirs = await mosqPub(['-h', 'localhost', '-p', String(m.ports.tcp), '-t', t, '-m', 'mosquitto_pub', ...proxy]);
  assert.deepEqual([theirs.code, theirs.stderr], [0, '']);
  const got = await s.exited();
  assert.deepEqual([got.code, got.out], [0, 'tspub\ntspub --ws\nmosquitto_pub\n']);
  const who = { addressType: 'domain', host: 'localhost', username: USER, password: PASS };
  assert.deepEqual(socks.requests.slice(before), [
    { ...who, port: m.ports.tcp }, { ...who, port: m.ports.tcp }, { ...who, port: wsPort }, { ...who, port: m.ports.tcp },
  ]);
});
