// tspub black-box: the remaining options, each with an observable effect: -M, --insecure,
// --tls-version, --will-retain, --retry-connect, --connect-timeout, --ws-path, -k, --quiet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { startMosquitto, freePort, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { startFakeBroker } from './helpers/fake-broker.ts';
import { startWsGateway } from './helpers/ws-gateway.ts';

let m: Mosquitto;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'tls', kind: 'tls' }, { name: 'wrong', kind: 'tls', cert: 'wronghost' }] });
});
after(async () => { await m.stop(); });

/** Largest number of QoS 1 messages in flight, replayed from -d lines. */
function maxInflight(debugOut: string): number {
  let inflight = 0;
  let max = 0;
  for (const line of debugOut.split('\n')) {
    if (/sending PUBLISH \(d0, q1/.test(line)) max = Math.max(max, ++inflight);
    else if (/received PUBACK/.test(line)) inflight--;
  }
  return max;
}

test('-M caps the QoS 1 messages in flight (default 20)', async () => {
  const lines = Array.from({ length: 60 }, (_, i) => `m${i}`).join('\n');
  const base = ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'opt/m', '-l', '-q', '1', '-d'];
  const two = await runBin('tspub', [...base, '-M', '2'], { stdin: lines });
  assert.equal(two.code, 0, two.stderr);
  assert.equal(maxInflight(two.out), 2);
  const dflt = await runBin('tspub', base, { stdin: lines });
  assert.equal(dflt.code, 0, dflt.stderr);
  assert.equal(maxInflight(dflt.out), 20);
  assert.equal(dflt.out.split('received PUBACK').length - 1, 60);
});

test('--insecure skips the host name check only; --tls-version pins the version', async () => {
  const c = m.certs!;
  const args = ['-h', '127.0.0.1', '-p', String(m.ports.wrong), '--cafile', c.ca, '-t', 'opt/tls', '-m', 'x'];
  const strict = await runBin('tspub', args);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /^Error: TLS: .*\n$/);
  const loose = await runBin('tspub', [...args, '--insecure']);
  assert.equal(loose.stderr, '');
  assert.equal(loose.code, 0);
  const v12 = await runBin('tspub', ['-h', 'localhost', '-p', String(m.ports.tls), '--cafile', c.ca, '--tls-version', 'tlsv1.2', '-t', 'opt/tls', '-m', 'x']);
  assert.equal(v12.stderr, '');
  assert.equal(v12.code, 0);
});

test('--will-retain: the will stays retained after an abrupt end', async () => {
  const since = m.log().length;
  const p = spawnBin('tspub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'opt/x', '-l', '-i', 'will-ret', '-k', '30',
    '--will-topic', 'opt/will', '--will-payload', 'offline', '--will-retain']);
  await m.waitForLog(/as will-ret \(p2, c1, k30\)/, 10_000, since);
  p.kill('SIGKILL');
  await p.exited().catch(() => undefined);
  await m.waitForLog(/Client will-ret (closed its connection|disconnected)/, 10_000, since);
  const s = mosqSub(['-h', '127.0.0.1', '-p', String(m.port), '-t', 'opt/will', '-C', '1', '-F', '%r %p']);
  assert.equal((await s.exited()).out, '1 offline\n');
  await runBin('tspub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'opt/will', '-r', '-n']);
});

test('--retry-connect waits for a broker that is not up yet; without it the first failure is final', async () => {
  const port = await freePort();
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 'opt/retry', '-m', 'late', '-q', '1', '--reconnect-delay', '0.05', '--reconnect-max-delay', '0.2'];
  const once = await runBin('tspub', args);
  assert.equal(once.code, 1);
  const p = spawnBin('tspub', [...args, '--retry-connect'], { timeoutMs: 30_000 });
  const retrying = `Connection failed (Connection refused by 127.0.0.1:${port}: is the broker running and listening there?); retrying (--retry-connect).\n`;
  await p.waitForStderr(retrying);   // a first attempt has failed: now the broker comes up
  const fb = await startFakeBroker(() => undefined);
  // the fake broker listens on its own port: put a tiny forwarder on `port` once tspub is retrying
  const net = await import('node:net');
  const server = net.createServer((sock) => {
    const up = net.connect(fb.port, '127.0.0.1');
    sock.pipe(up).pipe(sock);
    sock.on('error', () => up.destroy());
    up.on('error', () => sock.destroy());
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  try {
    const c = await fb.nextConnection(20_000);
    c.send({ cmd: 'connack', returnCode: 0, sessionPresent: false } as never);
    const pub = await c.next('publish');
    c.send({ cmd: 'puback', messageId: (pub as { messageId: number }).messageId } as never);
    const res = await p.exited();
    assert.equal(res.stderr, retrying);
    assert.equal(res.code, 0);
    assert.equal((pub as { payload: Buffer }).payload.toString(), 'late');
  } finally {
    server.close();
    await fb.stop();
  }
});

test('--connect-timeout: a broker that never answers CONNECT is one error line, exit 1', async () => {
  const fb = await startFakeBroker(() => undefined);
  try {
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'a', '-m', 'x', '--connect-timeout', '0.3']);
    assert.equal(r.stderr, 'Error: no CONNACK from the broker within 0.3s\n');
    assert.equal(r.code, 1);
    const q = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), '-t', 'a', '-m', 'x', '--connect-timeout', '0.3', '--quiet']);
    assert.equal(q.stderr, '');
    assert.equal(q.code, 1);
  } finally {
    await fb.stop();
  }
});

test('--ws-path picks the WebSocket endpoint of a ws:// URL', async () => {
  const gw = await startWsGateway({ targetPort: m.port, path: '/custom/ws' });
  try {
    const url = `ws://127.0.0.1:${gw.port}/opt/ws`;
    const wrong = await runBin('tspub', ['-L', url, '-m', 'x']);
    assert.equal(wrong.code, 1);
    const right = await runBin('tspub', ['-L', url, '--ws-path', '/custom/ws', '-m', 'x', '-q', '1']);
    assert.equal(right.stderr, '');
    assert.equal(right.code, 0);
  } finally {
    await gw.stop();
  }
});

test('-M 100 with QoS 2: MQTT 5 delivers all (receive maximum caps the window); MQTT 3.1.1 gets a warning', async () => {
  const n = 300;
  const lines = Array.from({ length: n }, (_, i) => `q2-${i}`).join('\n') + '\n';
  const since = m.log().length;
  const s = mosqSub(['-h', '127.0.0.1', '-p', String(m.port), '-t', 'opt/q2', '-q', '2', '-C', String(n)]);
  await m.waitForLog(/Sending SUBACK to/, 5000, since);
  const v5 = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'opt/q2', '-l', '-q', '2', '-M', '100', '-V', '5'], { stdin: lines });
  assert.equal(v5.stderr, '');
  assert.equal(v5.code, 0);
  assert.equal((await s.exited()).out, lines);
  const v311 = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(m.port), '-t', 'opt/q2w', '-m', 'x', '-q', '2', '-M', '100']);
  assert.equal(v311.stderr, 'Warning: -M 100 with QoS 2 on MQTT 3.1.1: a mosquitto broker with its default max_inflight_messages 20 drops QoS 2 messages beyond 20 in flight without telling; use -V 5 (the broker then caps the window) or -M 20.\n');
  assert.equal(v311.code, 0);
});
