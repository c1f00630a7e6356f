// Proves the test harness itself (test/helpers/*) with the real Debian mosquitto clients as the
// independent party: if these fail, every other test's verdict is suspect.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import type { Packet } from '../src/protocol/codec.ts';
import { makeCerts } from './helpers/certs.ts';
import { startMosquitto, requireMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, mosqSubRun, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { startWsGateway } from './helpers/ws-gateway.ts';
import { startEmbedded } from './helpers/embedded.ts';
import { startFakeBroker, acceptConnect } from './helpers/fake-broker.ts';
import { runBin, spawnNodeScript, isolatedHome, ROOT } from './helpers/run-bin.ts';
import { wsMqtt } from './helpers/ws-mqtt.ts';

requireMosquitto();
requireMosquittoClients();

const CONNECT: Packet = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'harness-ws', keepalive: 30 };

describe('certs', () => {
  test('CA, server, wrong-host, expired, client and encrypted client key are what they claim', async () => {
    const c = await makeCerts();
    assert.equal(await makeCerts(), c, 'memoised per process');
    const ca = new X509Certificate(readFileSync(c.ca));
    const load = (f: string) => new X509Certificate(readFileSync(f));
    const server = load(c.serverCert);
    assert.equal(server.subject, 'CN=localhost');
    assert.equal(server.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.equal(server.checkIssued(ca), true);
    assert.equal(server.verify(ca.publicKey), true);
    const wrong = load(c.wrongHostCert);
    assert.equal(wrong.subjectAltName, 'DNS:broker.example, DNS:other.example');
    assert.equal(wrong.verify(ca.publicKey), true);
    const expired = load(c.expiredCert);
    assert.equal(expired.validTo, 'Jan  2 00:00:00 2020 GMT');
    assert.equal(expired.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.equal(expired.verify(ca.publicKey), true);
    const client = load(c.clientCert);
    assert.equal(client.subject, 'CN=tsmqtt-client');
    assert.equal(client.verify(ca.publicKey), true);
    assert.equal(load(c.otherCa).checkIssued(ca), false);
    const enc = readFileSync(c.clientKeyEncrypted, 'utf8');
    assert.match(enc, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    assert.throws(() => createPrivateKey({ key: enc }));
    const k1 = createPrivateKey({ key: enc, passphrase: c.clientKeyPassphrase }).export({ format: 'der', type: 'pkcs8' });
    const k2 = createPrivateKey(readFileSync(c.clientKey)).export({ format: 'der', type: 'pkcs8' });
    assert.deepEqual(k1, k2);
    const hashed = readdirSync(c.capathHashed);
    assert.equal(hashed.length, 2);
    assert.ok(hashed.includes('ca.pem'));
    assert.match(hashed.find((f) => f !== 'ca.pem')!, /^[0-9a-f]{8}\.0$/);
    assert.deepEqual(readdirSync(c.capathPlain).sort(), ['ca.pem', 'other-ca.pem']);
  });
});

describe('mosquitto with tcp, tls, mutual-tls and password/acl listeners', () => {
  let m: Mosquitto;
  const P = (name: string) => ['-h', 'localhost', '-p', String(m.ports[name])];
  before(async () => {
    m = await startMosquitto({
      listeners: [
        { name: 'tcp', kind: 'tcp' },
        { name: 'tls', kind: 'tls' },
        { name: 'mtls', kind: 'tls', requireClientCert: true },
        { name: 'auth', kind: 'tcp', auth: { passwords: { alice: 's3cret' }, acl: 'user alice\ntopic readwrite allowed/#\n' } },
      ],
    });
  });
  after(() => m.stop());

  test('ports are distinct and the config has the required settings', () => {
    assert.equal(m.host, '127.0.0.1');
    assert.equal(m.port, m.ports.tcp);
    assert.equal(new Set(Object.values(m.ports)).size, 4);
    const conf = readFileSync(m.configFile, 'utf8');
    for (const line of ['per_listener_settings true', 'max_queued_messages 1000000', 'max_inflight_messages 20', 'log_dest stderr']) {
      assert.ok(conf.split('\n').includes(line), line);
    }
    assert.ok(m.certs, 'certs set when a tls listener exists');
    assert.match(m.log(), /mosquitto version [\d.]+ running/);
  });

  test('plain tcp: retained publish, then subscribe', async () => {
    assert.deepEqual(await mosqPub([...P('tcp'), '-t', 'h/tcp', '-m', 'over tcp', '-r', '-q', '1']),
      { code: 0, signal: null, stdout: Buffer.alloc(0), stderr: '', out: '' });
    const r = await mosqSubRun([...P('tcp'), '-t', 'h/tcp', '-C', '1', '-W', '5', '-v']);
    assert.equal(r.out, 'h/tcp over tcp\n');
    assert.equal(r.code, 0);
  });

  test('tls: publish with --cafile, subscribe with --capath (hashed dir)', async () => {
    const c = m.certs!;
    const p = await mosqPub([...P('tls'), '--cafile', c.ca, '-t', 'h/tls', '-m', 'over tls', '-r', '-q', '1']);
    assert.equal(p.stderr, '');
    assert.equal(p.code, 0);
    const r = await mosqSubRun([...P('tls'), '--capath', c.capathHashed, '-t', 'h/tls', '-C', '1', '-W', '5']);
    assert.equal(r.stderr, '');
    assert.equal(r.out, 'over tls\n');
  });

  test('tls: an unknown CA is refused', async () => {
    const r = await mosqPub([...P('tls'), '--cafile', m.certs!.otherCa, '-t', 'h/x', '-m', 'x']);
    // mosquitto_pub 2.0.11 races here: the handshake fails either inside connect (exit 1) or in its loop (exit 8)
    assert.ok(r.code === 1 || r.code === 8, `exit ${r.code}`);
    assert.equal(r.stderr, r.code === 1 ? 'Unable to connect (A TLS error occurred.).\n' : 'Error: A TLS error occurred.\n');
  });

  test('mutual tls: refused without a client cert, works with one', async () => {
    const c = m.certs!;
    const since = m.logMark();
    const no = await mosqPub([...P('mtls'), '--cafile', c.ca, '-t', 'h/m', '-m', 'x']);
    // mosquitto_pub 2.0.11 races here too: "Protocol error" (exit 1) or "connection was lost" (exit 7)
    assert.ok(no.code === 1 || no.code === 7, `exit ${no.code}`);
    assert.equal(no.stderr, no.code === 1 ? 'Error: Protocol error\n' : 'Error: The connection was lost.\n');
    await m.waitForLog('peer did not return a certificate', 5000, since);
    const yes = await mosqPub([...P('mtls'), '--cafile', c.ca, '--cert', c.clientCert, '--key', c.clientKey,
      '-t', 'h/mtls', '-m', 'over mtls', '-r', '-q', '1']);
    assert.equal(yes.stderr, '');
    assert.equal(yes.code, 0);
    const r = await mosqSubRun([...P('tcp'), '-t', 'h/mtls', '-C', '1', '-W', '5']);
    assert.equal(r.out, 'over mtls\n');
  });

  test('password listener: a wrong password and anonymous are refused, the right one works', async () => {
    const refused = 'Connection error: Connection Refused: not authorised.\nError: The connection was refused.\n';
    const bad = await mosqPub([...P('auth'), '-u', 'alice', '-P', 'wrong', '-t', 'allowed/a', '-m', 'x']);
    assert.deepEqual([bad.code, bad.stderr], [5, refused]);
    const anon = await mosqPub([...P('auth'), '-t', 'allowed/a', '-m', 'x']);
    assert.deepEqual([anon.code, anon.stderr], [5, refused]);
    const ok = await mosqPub([...P('auth'), '-u', 'alice', '-P', 's3cret', '-t', 'allowed/a', '-m', 'x', '-q', '1']);
    assert.deepEqual([ok.code, ok.stderr], [0, '']);
  });

  test('acl denies a topic outside the user\'s pattern', async () => {
    const since = m.logMark();
    const r = await mosqPub([...P('auth'), '-V', '5', '-u', 'alice', '-P', 's3cret', '-t', 'denied/a', '-m', 'x', '-q', '1']);
    assert.equal(r.stderr, 'Warning: Publish 1 failed: Not authorized.\n');
    assert.equal(r.code, 0);
    await m.waitForLog(/Denied PUBLISH from \S+ \(d0, q1, r0, m1, 'denied\/a'/, 5000, since);
  });
});

test('restart keeps a retained message with persistence, same port, new pid', async () => {
  const m = await startMosquitto({ persistence: true });
  try {
    const { port, pid } = m;
    const p = await mosqPub(['-p', String(port), '-t', 'persist/me', '-m', 'survived', '-r', '-q', '1']);
    assert.equal(p.code, 0);
    await m.restart();
    assert.equal(m.port, port);
    assert.notEqual(m.pid, pid);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    const r = await mosqSubRun(['-p', String(port), '-t', 'persist/me', '-C', '1', '-W', '5']);
    assert.equal(r.out, 'survived\n');
    await m.stop();
    assert.throws(() => process.kill(m.pid, 0), { code: 'ESRCH' });
  } finally {
    await m.stop();
  }
});

describe('ws gateway in front of mosquitto', () => {
  let m: Mosquitto;
  before(async () => { m = await startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'tls', kind: 'tls' }] }); });
  after(() => m.stop());

  test('ws:// carries CONNECT/CONNACK, SUBSCRIBE/SUBACK and a PUBLISH from mosquitto_pub', async () => {
    const gw = await startWsGateway({ targetPort: m.port });
    try {
      assert.equal(gw.url, `ws://127.0.0.1:${gw.port}/mqtt`);
      const c = await wsMqtt(gw.url);
      assert.equal(c.ws.protocol, 'mqtt');
      assert.deepEqual(gw.upgrades, [['mqtt']]);
      c.send(CONNECT);
      const connack = await c.next();
      assert.equal(connack.cmd, 'connack');
      assert.equal((connack as { returnCode?: number }).returnCode, 0);
      c.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'gw/t', qos: 0 }] });
      const suback = await c.next() as { cmd: string; messageId: number; granted: number[] };
      assert.deepEqual([suback.cmd, suback.messageId, suback.granted], ['suback', 7, [0]]);
      assert.equal((await mosqPub(['-p', String(m.port), '-t', 'gw/t', '-m', 'through the gateway'])).code, 0);
      const pub = await c.next() as { cmd: string; topic: string; payload: Buffer };
      assert.equal(pub.cmd, 'publish');
      assert.equal(pub.topic, 'gw/t');
      assert.equal(pub.payload.toString(), 'through the gateway');
      await c.close();
    } finally {
      await gw.stop();
    }
  });

  test('wss:// with the test CA carries CONNECT/CONNACK', async () => {
    const c = m.certs!;
    const gw = await startWsGateway({ targetPort: m.port, tls: { cert: c.serverCert, key: c.serverKey } });
    try {
      assert.equal(gw.url, `wss://127.0.0.1:${gw.port}/mqtt`);
      const ws = await wsMqtt(gw.url, { ca: c.ca });
      ws.send(CONNECT);
      const connack = await ws.next();
      assert.deepEqual([connack.cmd, (connack as { returnCode?: number }).returnCode], ['connack', 0]);
      await ws.close();
    } finally {
      await gw.stop();
    }
  });
});

describe('embedded aedes broker', () => {
  test('mosquitto_pub / mosquitto_sub round trip over TCP, CONNECT/CONNACK over ws', async () => {
    const b = await startEmbedded({ ws: true });
    try {
      assert.equal((await mosqPub(['-p', String(b.port), '-t', 'emb/t', '-m', 'embedded', '-r', '-q', '1'])).code, 0);
      const r = await mosqSubRun(['-p', String(b.port), '-t', 'emb/t', '-C', '1', '-W', '5', '-v']);
      assert.equal(r.out, 'emb/t embedded\n');
      assert.match(b.wsUrl!, /^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
      const c = await wsMqtt(b.wsUrl!);
      c.send(CONNECT);
      const connack = await c.next();
      assert.deepEqual([connack.cmd, (connack as { returnCode?: number }).returnCode], ['connack', 0]);
      await c.close();
    } finally {
      await b.stop();
    }
  });

  test('scripts/embedded-broker.mjs run directly prints its address and stops on SIGTERM', async () => {
    const p = spawnNodeScript(join(ROOT, 'scripts/embedded-broker.mjs'), ['0']);
    await p.waitForStdout('\n');
    const m = /^listening on 127\.0\.0\.1:(\d+)\n$/.exec(p.stdoutText());
    assert.ok(m, p.stdoutText());
    assert.equal((await mosqPub(['-p', m[1], '-t', 'x', '-m', 'y'])).code, 0);
    p.kill('SIGTERM');
    const r = await p.exited();
    assert.deepEqual([r.code, r.stderr], [0, '']);
  });
});

describe('fake broker', () => {
  test('decodes CONNECT of every version from mosquitto_pub and refuses it', async () => {
    const fb = await startFakeBroker((c) => acceptConnect(c, { reasonCode: c.version === 5 ? 0x86 : 5 }));
    try {
      const v3 = await mosqPub(['-p', String(fb.port), '-V', '311', '-i', 'fake-311', '-u', 'bob', '-P', 'pw', '-k', '17', '-t', 't', '-m', 'x']);
      assert.equal(v3.stderr, 'Connection error: Connection Refused: not authorised.\nError: The connection was refused.\n');
      assert.equal(v3.code, 5);
      const v5 = await mosqPub(['-p', String(fb.port), '-V', '5', '-i', 'fake-5', '-t', 't', '-m', 'x']);
      assert.equal(v5.stderr, 'Connection error: Bad User Name or Password\n'
        + 'Error: A network protocol error occurred when communicating with the broker.\n');
      assert.equal(v5.code, 134);
      const v31 = await mosqPub(['-p', String(fb.port), '-V', '31', '-i', 'fake-31', '-t', 't', '-m', 'x']);
      assert.equal(v31.code, 5);
      assert.deepEqual(fb.connections.map((c) => [c.version, c.connect.protocolId, c.connect.clientId]),
        [[4, 'MQTT', 'fake-311'], [5, 'MQTT', 'fake-5'], [3, 'MQIsdp', 'fake-31']]);
      const c0 = fb.connections[0].connect;
      assert.deepEqual([c0.username, c0.password?.toString(), c0.keepalive, c0.clean], ['bob', 'pw', 17, true]);
      assert.deepEqual(fb.errors, []);
    } finally {
      await fb.stop();
    }
  });

  test('scripted v5 PUBACK failure reaches mosquitto_pub', async () => {
    const fb = await startFakeBroker(async (c) => {
      acceptConnect(c);
      const p = await c.next('publish') as { messageId: number };
      c.send({ cmd: 'puback', messageId: p.messageId, reasonCode: 0x87 });
    });
    try {
      const r = await mosqPub(['-p', String(fb.port), '-V', '5', '-t', 'fake/t', '-m', 'payload', '-q', '1']);
      assert.equal(r.stderr, 'Warning: Publish 1 failed: Not authorized.\n');
      assert.equal(r.code, 0);
      const c = await fb.nextConnection();
      await c.closed;
      assert.deepEqual(c.received.map((p) => p.cmd), ['connect', 'publish', 'disconnect']);
      const pub = c.received[1] as { topic: string; payload: Buffer; qos: number };
      assert.deepEqual([pub.topic, pub.payload.toString(), pub.qos], ['fake/t', 'payload', 1]);
      assert.deepEqual(fb.errors, []);
    } finally {
      await fb.stop();
    }
  });
});

describe('run-bin', () => {
  test('a missing build is a clear error', async () => {
    await assert.rejects(runBin('no-such-binary', []), {
      message: `${join(ROOT, 'dist', 'no-such-binary.cjs')} does not exist: run \`npm run build\` before the tests (is src/commands/no-such-binary.ts there?)`,
    });
  });

  test('isolatedHome is a fresh dir with an empty .config', () => {
    const a = isolatedHome();
    const b = isolatedHome();
    assert.notEqual(a, b);
    assert.equal(statSync(join(a, '.config')).isDirectory(), true);
    assert.deepEqual(readdirSync(a), ['.config']);
    assert.equal(existsSync(join(b, '.config')), true);
  });
});
