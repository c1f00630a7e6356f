// TLS-PSK (--psk hex-key --psk-identity id) against mosquitto's psk_file listener: TLS 1.3 and a
// pinned TLS 1.2, tspub and tssub, checked against mosquitto_pub/mosquitto_sub over the same
// listener; a wrong key or identity is one clear line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, mosqSub, requireMosquittoClients } from './helpers/mosq-clients.ts';

const KEY = '00112233445566778899aabbccddeeff';
let m: Mosquitto;
let n = 0;
const fresh = (): string => `psk/t${++n}`;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }, { name: 'psk', kind: 'psk', keys: { sensor7: KEY } }] });
});
after(() => m.stop());

const psk = (key = KEY, id = 'sensor7'): string[] => ['-h', '127.0.0.1', '-p', String(m.ports.psk), '--psk', key, '--psk-identity', id];

async function subOne(topic: string, count: number) {
  const since = m.logMark();
  const s = mosqSub(['-h', '127.0.0.1', '-p', String(m.ports.tcp), '-t', topic, '-C', String(count), '-v']);
  await m.waitForLog(/Sending SUBACK to/, 5000, since);
  return s;
}

test('tspub over TLS-PSK, TLS 1.3 and pinned TLS 1.2, QoS 0/1/2', async () => {
  const t = fresh();
  const s = await subOne(t, 4);
  for (const [q, extra] of [['0', []], ['1', []], ['2', []], ['1', ['--tls-version', 'tlsv1.2']]] as const) {
    const r = await runBin('tspub', [...psk(), '-t', t, '-m', `q${q}${extra.length ? ' tls1.2' : ''}`, '-q', q, ...extra]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal((await s.exited()).out, `${t} q0\n${t} q1\n${t} q2\n${t} q1 tls1.2\n`);
});

test('tssub over TLS-PSK receives what mosquitto_pub sends over TLS-PSK', async () => {
  const t = fresh();
  const s = spawnBin('tssub', [...psk(), '-t', t, '-C', '1', '-v', '-q', '1', '-d']);
  await s.waitForStdout('Subscribed (mid: 1): 1');
  const p = await mosqPub([...psk(), '-t', t, '-m', 'from mosquitto_pub', '-q', '1']);
  assert.equal(p.code, 0, p.stderr);
  const r = await s.exited();
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.out.includes(`\n${t} from mosquitto_pub\n`), r.out);
});

test('a wrong key or an unknown identity: exit 1 and a line that says what to check', async () => {
  const target = `127.0.0.1:${m.ports.psk}`;
  for (const [key, id] of [['ffeeddccbbaa99887766554433221100', 'sensor7'], [KEY, 'nobody']]) {
    const r = await runBin('tspub', [...psk(key, id), '-t', fresh(), '-m', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error: TLS-PSK: ${target.replace(/\./g, '\\.')} refused the handshake \\(ERR_SSL_[A-Z0-9_]+\\): check --psk and --psk-identity against the listener's psk_file\\n$`));
    assert.ok(!r.stderr.includes(key));
  }
});
