// The session core against a real mosquitto: TCP, TLS (cafile, capath hashed and plain, client
// certificates, encrypted keys), password file, ACL, MQTT 5 features, and the suite every broker runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import type { Certs } from './helpers/certs.ts';
import { clientSuite } from './helpers/session-suite.ts';
import { collector, connected, opts, rejection, tcp } from './helpers/session-helpers.ts';
import { ConnectionRefusedError, ReasonCodeError, TransportError } from '../src/session/errors.ts';
import type { TlsOptions, TransportOptions } from '../src/session/types.ts';

let broker: Mosquitto;
let certs: Certs;
const ACL = 'user alice\ntopic readwrite allowed/#\ntopic read readonly/#\n';

before(async () => {
  broker = await startMosquitto({
    listeners: [
      { name: 'tcp', kind: 'tcp' },
      { name: 'tls', kind: 'tls' },
      { name: 'mtls', kind: 'tls', requireClientCert: true },
      { name: 'wronghost', kind: 'tls', cert: 'wronghost' },
      { name: 'expired', kind: 'tls', cert: 'expired' },
      { name: 'auth', kind: 'tcp', auth: { passwords: { alice: 's3cret' }, acl: ACL } },
    ],
  });
  certs = broker.certs!;
});
after(() => broker.stop());

clientSuite('mosquitto', () => ({ transport: () => tcp(broker.port), versions: [3, 4, 5] }));

const tls = (port: number, t: TlsOptions, host = '127.0.0.1'): TransportOptions => ({ kind: 'tls', host, port, tls: t });

async function roundTrip(transport: TransportOptions): Promise<void> {
  const c = await connected(opts(transport));
  const got = collector(c);
  await c.subscribe([{ topic: 'tls/check', qos: 1 }]);
  await c.publish({ topic: 'tls/check', payload: Buffer.from('ok'), qos: 1, retain: false });
  assert.equal((await got.until(1))[0]!.payload.toString(), 'ok');
  await c.end();
}

test('TLS with --cafile, by IP and by host name', async () => {
  await roundTrip(tls(broker.ports.tls!, { cafile: certs.ca }));
  await roundTrip(tls(broker.ports.tls!, { cafile: certs.ca }, 'localhost'));
});

test('TLS with --capath: a hashed directory and a plain directory of PEM files', async () => {
  await roundTrip(tls(broker.ports.tls!, { capath: certs.capathHashed }));
  await roundTrip(tls(broker.ports.tls!, { capath: certs.capathPlain }));
});

test('TLS errors name the cause', async () => {
  const unknownCa = await rejection(connected(opts(tls(broker.ports.tls!, { cafile: certs.otherCa }))));
  assert.ok(unknownCa instanceof TransportError);
  assert.match(unknownCa.message, /^TLS: the broker's certificate is not signed by a trusted CA \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\); give its CA with --cafile or --capath$/);

  const wrongHost = await rejection(connected(opts(tls(broker.ports.wronghost!, { cafile: certs.ca }, 'localhost'))));
  assert.equal(wrongHost.message, "TLS: certificate for 'localhost' has names [broker.example, other.example]; connect to one of them, or use --insecure to skip the host name check");
  // --insecure skips the name check only
  await roundTrip(tls(broker.ports.wronghost!, { cafile: certs.ca, insecure: true }, 'localhost'));

  const expired = await rejection(connected(opts(tls(broker.ports.expired!, { cafile: certs.ca }))));
  assert.equal(expired.message, "TLS: the broker's certificate has expired on 2020-01-02 00:00:00 UTC (CERT_HAS_EXPIRED): renew it on the broker, or check this machine's clock");

  const missingFile = await rejection(connected(opts(tls(broker.ports.tls!, { cafile: '/nonexistent/ca.pem' }))));
  assert.equal(missingFile.message, "cannot read --cafile '/nonexistent/ca.pem': no such file");

  const plainPort = await rejection(connected(opts(tls(broker.port, { cafile: certs.ca }))));
  assert.equal(plainPort.message, `TLS: 127.0.0.1:${broker.port} closed the connection during the TLS handshake: is it a TLS listener?`);

  // the other way round: plain MQTT to a TLS listener, which hangs up on the CONNECT bytes
  const tlsPort = await rejection(connected(opts(tcp(broker.ports.tls!))));
  assert.equal(tlsPort.message, `127.0.0.1:${broker.ports.tls} closed the connection without answering CONNECT: is it an MQTT listener (a TLS listener needs --cafile, --capath or --tls-use-os-certs)?`);
});

test('a listener that requires a client certificate', async () => {
  const noCert = await rejection(connected(opts(tls(broker.ports.mtls!, { cafile: certs.ca }))));
  assert.equal(noCert.message, 'TLS: the broker requires a client certificate (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED); give --cert and --key');
  await roundTrip(tls(broker.ports.mtls!, { cafile: certs.ca, cert: certs.clientCert, key: certs.clientKey }));
  await roundTrip(tls(broker.ports.mtls!, { cafile: certs.ca, cert: certs.clientCert, key: certs.clientKeyEncrypted, passphrase: certs.clientKeyPassphrase }));
  const badPass = await rejection(connected(opts(tls(broker.ports.mtls!, { cafile: certs.ca, cert: certs.clientCert, key: certs.clientKeyEncrypted, passphrase: 'wrong' }))));
  // exact: OpenSSL 3 says ERR_OSSL_UNSUPPORTED instead of BAD_DECRYPT for ~1 wrong passphrase in 300
  assert.equal(badPass.message, 'TLS: cannot decrypt the --key file: wrong or missing passphrase');
  const noPass = await rejection(connected(opts(tls(broker.ports.mtls!, { cafile: certs.ca, cert: certs.clientCert, key: certs.clientKeyEncrypted }))));
  assert.equal(noPass.message, 'TLS: cannot decrypt the --key file: wrong or missing passphrase');
});

test('password file: a wrong password is refused with the CONNACK reason, v3 and v5', async () => {
  const auth = tcp(broker.ports.auth!);
  const v4 = await rejection(connected(opts(auth, { username: 'alice', password: Buffer.from('nope') })));
  assert.ok(v4 instanceof ConnectionRefusedError);
  assert.equal(v4.reasonCode, 5);
  assert.equal(v4.message, 'Connection refused: not authorised');
  const v5 = await rejection(connected(opts(auth, { protocolVersion: 5, username: 'alice', password: Buffer.from('nope') })));
  assert.ok(v5 instanceof ConnectionRefusedError);
  assert.equal(v5.reasonCode, 0x87);
  assert.equal(v5.message, 'Connection refused: not authorized');
  const ok = await connected(opts(auth, { username: 'alice', password: Buffer.from('s3cret') }));
  await ok.end();
});

test('ACL denial: a v5 PUBACK carries "not authorized"', async () => {
  const c = await connected(opts(tcp(broker.ports.auth!), { protocolVersion: 5, username: 'alice', password: Buffer.from('s3cret') }));
  const err = await rejection(c.publish({ topic: 'forbidden/x', payload: Buffer.from('x'), qos: 1, retain: false }));
  assert.ok(err instanceof ReasonCodeError);
  assert.equal(err.reasonCode, 0x87);
  assert.equal(err.message, "PUBACK for 'forbidden/x' failed: not authorized (0x87)");
  await c.publish({ topic: 'allowed/x', payload: Buffer.from('x'), qos: 1, retain: false });
  // mosquitto 2.0 grants a denied subscription and filters on delivery; SUBACK failures are tested on the fake broker
  await c.end();
});

test('MQTT 5: properties travel both ways, no-local, session expiry and assigned client id', async () => {
  const c = await connected(opts(tcp(broker.port), { protocolVersion: 5, connectProperties: { sessionExpiryInterval: 0 } }));
  const got = collector(c);
  await c.subscribe([{ topic: 'v5/props', qos: 1 }, { topic: 'v5/nolocal', qos: 1, noLocal: true }], { subscriptionIdentifier: 42 });
  await c.publish({
    topic: 'v5/props', payload: Buffer.from('{"a":1}'), qos: 1, retain: false,
    properties: {
      contentType: 'application/json', payloadFormatIndicator: true, messageExpiryInterval: 60,
      responseTopic: 'v5/reply', correlationData: Buffer.from('corr'), userProperties: { k: 'v', dup: ['1', '2'] },
    },
  });
  await c.publish({ topic: 'v5/nolocal', payload: Buffer.from('mine'), qos: 1, retain: false });
  const [m] = await got.until(1);
  const p = m!.properties!;
  assert.equal(p.contentType, 'application/json');
  assert.equal(p.payloadFormatIndicator, true);
  assert.equal(p.responseTopic, 'v5/reply');
  assert.deepEqual(p.correlationData, Buffer.from('corr'));
  assert.deepEqual({ ...p.userProperties }, { k: 'v', dup: ['1', '2'] });
  assert.deepEqual(p.subscriptionIdentifier, 42);
  assert.ok(p.messageExpiryInterval! <= 60 && p.messageExpiryInterval! >= 59);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(got.messages.length, 1, 'no-local kept our own message on v5/nolocal away');
  await c.end();
});

test('MQTT 5: sending topic aliases when the broker allows them', async () => {
  const lines: string[] = [];
  const sub = await connected(opts(tcp(broker.port), { protocolVersion: 5 }));
  const got = collector(sub);
  await sub.subscribe([{ topic: 'alias/#', qos: 1 }]);
  const pub = await connected(opts(tcp(broker.port), { protocolVersion: 5, sendTopicAliases: true, debug: (l) => lines.push(l) }));
  for (let i = 0; i < 3; i++) await pub.publish({ topic: 'alias/long/topic/name', payload: Buffer.from(String(i)), qos: 1, retain: false });
  const msgs = await got.until(3);
  assert.deepEqual(msgs.map((m) => `${m.topic}=${m.payload}`), ['alias/long/topic/name=0', 'alias/long/topic/name=1', 'alias/long/topic/name=2']);
  const sent = lines.filter((l) => l.includes('sending PUBLISH'));
  assert.deepEqual(sent.map((l) => /'([^']*)'/.exec(l)![1]), ['alias/long/topic/name', '', '']);
  await Promise.all([sub.end(), pub.end()]);
});

test('-d debug lines look like mosquitto\'s and never show the password', async () => {
  const lines: string[] = [];
  const c = await connected(opts(tcp(broker.ports.auth!), { clientId: 'dbg', username: 'alice', password: Buffer.from('s3cret'), debug: (l) => lines.push(l) }));
  await c.publish({ topic: 'allowed/d', payload: Buffer.from('hello'), qos: 2, retain: false });
  await c.end();
  assert.deepEqual(lines, [
    'Client dbg sending CONNECT',
    'Client dbg received CONNACK (0)',
    "Client dbg sending PUBLISH (d0, q2, r0, m1, 'allowed/d', ... (5 bytes))",
    'Client dbg received PUBREC (Mid: 1)',
    'Client dbg sending PUBREL (m1)',
    'Client dbg received PUBCOMP (Mid: 1, RC:0)',
    'Client dbg sending DISCONNECT',
  ]);
  assert.ok(!lines.join('\n').includes('s3cret'));
});

test('a pipe of 70,000 QoS 1 messages crosses the packet id wrap and delivers every one', async () => {
  const sub = await connected(opts(tcp(broker.port)));
  const got = collector(sub);
  await sub.subscribe([{ topic: 'wrap/q1', qos: 1 }]);
  const pub = await connected(opts(tcp(broker.port)));
  const { pump } = await import('./helpers/session-helpers.ts');
  const N = 70_000;
  await pump(pub, N, (i) => ({ topic: 'wrap/q1', payload: Buffer.from(String(i)), qos: 1 }));
  await pub.end();
  const msgs = await got.until(N, 60_000);
  assert.equal(msgs.length, N);
  assert.equal(new Set(msgs.map((m) => m.payload.toString())).size, N);
  await sub.end();
});
