// --proxy socks5h://: MQTT over TCP and TLS through a SOCKS5 proxy (test/helpers/socks-proxy.ts,
// which mosquitto_pub's own SOCKS client also uses here), with the broker's host name resolved
// by the proxy, username/password authentication, and an error line for each way it can fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { startMosquitto, freePort, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { startSocksProxy, type SocksProxy } from './helpers/socks-proxy.ts';
import { subscribed } from './helpers/subscribed.ts';


let m: Mosquitto;
let open: SocksProxy;
let authed: SocksProxy;
let n = 0;
const fresh = (): string => `proxy/t${++n}`;

/** mosquitto_sub for one message on `topic`, subscribed before it returns */
function subOne(topic: string) {
  return subscribed(m, () => mosqSub(['-h', '127.0.0.1', '-p', String(m.ports.tcp), '-t', topic, '-C', '1']));
}

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'tls', kind: 'tls' }] });
  open = await startSocksProxy({ hosts: { 'broker.example': '127.0.0.1' } });
  authed = await startSocksProxy({ auth: { username: 'alice', password: 's3cret!' } });
});
after(async () => {
  await open?.stop();
  await authed?.stop();
  await m?.stop();
});

test('the proxy fixture speaks SOCKS5 as mosquitto_pub expects it', async () => {
  const t = fresh();
  const s = await subOne(t);
  const before = authed.requests.length;
  const p = await mosqPub(['-h', 'localhost', '-p', String(m.ports.tcp), '-t', t, '-m', 'by mosquitto_pub', '--proxy', `socks5h://alice:s3cret!@127.0.0.1:${authed.port}`]);
  assert.equal(p.code, 0, p.stderr);
  assert.equal((await s.exited()).out, 'by mosquitto_pub\n');
  assert.deepEqual(authed.requests.slice(before), [{ addressType: 'domain', host: 'localhost', port: m.ports.tcp, username: 'alice', password: 's3cret!' }]);
});

test('tspub and tssub through the proxy: the host name goes to the proxy unresolved (socks5h)', async () => {
  const t = fresh();
  const before = open.requests.length;
  const proxy = ['--proxy', `socks5h://127.0.0.1:${open.port}`];
  const s = spawnBin('tssub', ['-h', 'localhost', '-p', String(m.ports.tcp), '-t', t, '-v', '-C', '2', '-q', '1', '-d', ...proxy]);
  await s.waitForStdout('Subscribed (mid: 1): 1');
  const r = await runBin('tspub', ['-h', 'localhost', '-p', String(m.ports.tcp), '-t', t, '-l', '-q', '1', ...proxy], { stdin: 'one\ntwo\n' });
  assert.equal(r.code, 0, r.stderr);
  const got = await s.exited();
  assert.equal(got.code, 0, got.stderr);
  // the whole -d transcript, in mosquitto_sub's order (each message after its PUBACK line)
  assert.equal(got.out, [
    'Client (null) sending CONNECT', 'Client (null) received CONNACK (0)',
    `Client (null) sending SUBSCRIBE (Mid: 1, Topic: ${t}, QoS: 1, Options: 0x00)`, 'Client (null) received SUBACK', 'Subscribed (mid: 1): 1',
    `Client (null) received PUBLISH (d0, q1, r0, m1, '${t}', ... (3 bytes))`, 'Client (null) sending PUBACK (m1, rc0)', `${t} one`,
    `Client (null) received PUBLISH (d0, q1, r0, m2, '${t}', ... (3 bytes))`, 'Client (null) sending PUBACK (m2, rc0)', `${t} two`,
    'Client (null) sending DISCONNECT', '',
  ].join('\n'));
  assert.deepEqual(open.requests.slice(before), [
    { addressType: 'domain', host: 'localhost', port: m.ports.tcp },
    { addressType: 'domain', host: 'localhost', port: m.ports.tcp },
  ]);
});

test('TLS runs inside the tunnel: --cafile and the certificate check against the broker name', async () => {
  const t = fresh();
  const s = await subOne(t);
  const r = await runBin('tspub', ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', m.certs!.ca, '-t', t, '-m', 'tls in socks', '-q', '1',
    '--proxy', `socks5h://alice:s3cret!@127.0.0.1:${authed.port}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await s.exited()).out, 'tls in socks\n');
  // a name only the proxy can resolve, and one the certificate does not have: the check runs
  // against the broker's name
  const bad = await runBin('tspub', ['-h', 'broker.example', '-p', String(m.ports.tls), '--cafile', m.certs!.ca, '-t', t, '-m', 'x',
    '--proxy', `socks5h://127.0.0.1:${open.port}`]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "Error: TLS: certificate for 'broker.example' has names [localhost, 127.0.0.1]; connect to one of them, or use --insecure to skip the host name check\n");
  const insecure = await runBin('tspub', ['-h', 'broker.example', '-p', String(m.ports.tls), '--cafile', m.certs!.ca, '--insecure', '-t', t, '-m', 'x',
    '--proxy', `socks5h://127.0.0.1:${open.port}`]);
  assert.equal(insecure.code, 0, insecure.stderr);
});

test('each proxy failure is one clear line, exit 1, and the proxy password never shows', async () => {
  const closed = await freePort();
  const cases: Array<[string[], string]> = [
    [['-p', String(m.ports.tcp), '--proxy', `socks5h://alice:wrong-pw@127.0.0.1:${authed.port}`],
      `Error: the SOCKS proxy 127.0.0.1:${authed.port} refused the username/password given in --proxy`],
    [['-p', String(m.ports.tcp), '--proxy', `socks5h://127.0.0.1:${authed.port}`],
      `Error: the SOCKS proxy 127.0.0.1:${authed.port} accepts none of our authentication methods: give socks5h://user:password@host:port`],
    [['-p', String(closed), '--proxy', `socks5h://127.0.0.1:${open.port}`],
      `Error: the SOCKS proxy 127.0.0.1:${open.port} could not connect to localhost:${closed}: ConnectionRefused`],
    [['-p', String(m.ports.tcp), '--proxy', `socks5h://127.0.0.1:${closed}`],
      `Error: Connection refused by the SOCKS proxy 127.0.0.1:${closed}: is the proxy running and listening there?`],
  ];
  for (const [args, line] of cases) {
    const r = await runBin('tspub', ['-h', 'localhost', '-t', fresh(), '-m', 'x', ...args]);
    assert.deepEqual([r.code, r.stderr, r.out], [1, `${line}\n`, ''], args.join(' '));
    assert.ok(!r.stderr.includes('wrong-pw'));
  }
});
