// The connection notices of tspub, tssub and tsclear as black boxes: the "another client uses the
// same id" hint only on evidence (a DISCONNECT with 0x8E; else drops without a reason right after
// first-attempt reconnects, three in a row), never after two quick broker restarts; and the one
// --retry-connect line while the broker is not there yet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePort, startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { spawnBin, type BinResult, type RunningBin } from './helpers/run-bin.ts';
import { acceptConnect, autoAck, startFakeBroker, type FakeBroker } from './helpers/fake-broker.ts';

let m: Mosquitto;

before(async () => { m = await startMosquitto(); });
after(async () => { await m?.stop(); });

const FAST = ['--reconnect-delay', '0.05', '--reconnect-max-delay', '0.1'];
const conn = (): string[] => ['-h', m.host, '-p', String(m.port)];
const stderrLines = (r: BinResult): string[] => r.stderr.split('\n').filter(Boolean);

const HINT_8E = (id: string): string => ` Another client has connected with the client id '${id}' (the broker said 0x8E session taken over): give each client its own -i.`;
const HINT = (id: string): string => ` Another client may be using the client id '${id}': the broker dropped the connection right after each of the last 3 reconnects, `
  + 'without a reason; give each client its own -i.';
const escape = (s: string): string => s.replace(/[.()]/g, '\\$&');

/** a tssub and a `tspub -l` (stdin left open) with one client id: they take the session from each other */
async function sameId(version: '5' | '311', id: string): Promise<[RunningBin, RunningBin]> {
  const topic = ['-t', `${id}/x`, '-i', id, '-V', version, ...FAST];
  const sub = spawnBin('tssub', [...conn(), ...topic]);
  await m.waitForLog(new RegExp(`Sending SUBACK to ${id}`));
  const pub = spawnBin('tspub', [...conn(), ...topic, '-l']);
  return [sub, pub];
}

async function stop(sub: RunningBin, pub: RunningBin): Promise<BinResult[]> {
  sub.kill('SIGINT');
  pub.kill('SIGKILL');
  return Promise.all([sub.exited(), pub.exited()]);
}

// mosquitto 2.0.11 closes the older connection without the DISCONNECT 0x8E it queued for an MQTT 5
// client (checked with mosquitto_sub -d too), so both versions go by the drops
for (const version of ['5', '311'] as const) {
  test(`-V ${version}: two clients with one id: the hint from the third quick drop after a first-attempt reconnect`, async () => {
    const id = `dup${version}`;
    const [sub, pub] = await sameId(version, id);
    await sub.waitForStderr(HINT(id), 15_000);
    await pub.waitForStderr(HINT(id), 15_000);
    for (const r of await stop(sub, pub)) {
      const lines = stderrLines(r);
      assert.ok(lines.length >= 4, r.stderr);
      // the first connection is no reconnect; then three quick drops make the evidence
      const lost = /^Connection lost \((the broker closed the connection|connection to 127\.0\.0\.1:\d+ was reset by the peer)\); reconnecting\./;
      lines.slice(0, 3).forEach((l) => assert.match(l, new RegExp(`${lost.source}$`)));
      lines.slice(3).forEach((l) => assert.match(l, new RegExp(`${lost.source}${escape(HINT(id))}$`)));
    }
  });
}

test('MQTT 5: a DISCONNECT with 0x8E session taken over gives the hint at the first drop', async () => {
  const fb = await startFakeBroker((c) => {
    acceptConnect(c);
    autoAck(c);
    void c.next('subscribe').then(() => {
      c.send({ cmd: 'disconnect', reasonCode: 0x8e } as never);
      c.close();
    }, () => undefined);
  });
  try {
    const sub = spawnBin('tssub', ['-h', '127.0.0.1', '-p', String(fb.port), '-V', '5', '-i', 'taken', '-t', 'x', ...FAST]);
    const line = `Connection lost (the broker closed the connection: session taken over); reconnecting.${HINT_8E('taken')}`;
    await sub.waitForStderr(line);
    sub.kill('SIGINT');
    const r = await sub.exited();
    assert.equal(r.code, 0);
    for (const l of stderrLines(r)) assert.equal(l, line);
  } finally {
    await fb.stop();
  }
});

/** net server on `port` that pipes every connection to the fake broker */
function forwarder(port: number, fb: FakeBroker): Promise<net.Server> {
  const server = net.createServer((sock) => {
    const up = net.connect(fb.port, '127.0.0.1');
    sock.pipe(up).pipe(sock);
    sock.on('error', () => up.destroy());
    up.on('error', () => sock.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const RETRY = (port: number): string => `Connection failed (Connection refused by 127.0.0.1:${port}: is the broker running and listening there?); retrying (--retry-connect).\n`;

const TOOLS: Array<[tool: string, args: string[], stdout: string]> = [
  ['tspub', ['-t', 'late/x', '-m', 'late', '-q', '1'], ''],
  ['tssub', ['-t', 'late/x', '-C', '1'], 'hello\n'],
  ['tsclear', ['-t', 'late/#', '--yes'], ''],
];

for (const [tool, args, out] of TOOLS) {
  test(`${tool} --retry-connect: one line while the broker is not there, then it connects and finishes, exit 0`, async () => {
    const port = await freePort();
    const fb = await startFakeBroker((c) => {
      acceptConnect(c);
      autoAck(c);
      if (tool === 'tssub') {
        void c.next('subscribe').then(() => c.send({ cmd: 'publish', topic: 'late/x', payload: Buffer.from('hello'), qos: 0, retain: false, dup: false }), () => undefined);
      }
    });
    const p = spawnBin(tool, ['-h', '127.0.0.1', '-p', String(port), ...args, '--retry-connect', ...FAST], { timeoutMs: 20_000 });
    let server: net.Server | undefined;
    try {
      await p.waitForStderr(RETRY(port));
      await new Promise((r) => setTimeout(r, 400));   // several more refused attempts: still one line
      assert.equal(p.stderrText(), RETRY(port));
      server = await forwarder(port, fb);
      const r = await p.exited();
      const summary = tool === 'tsclear' ? "No retained messages to clear under 'late/#' (snapshot ended after 300 ms without a retained message).\n" : '';
      assert.equal(r.stderr, RETRY(port) + summary);
      assert.equal(r.out, out);
      assert.equal(r.code, 0);
      const c = fb.connections[0]!;
      if (tool === 'tspub') assert.equal(c.received.filter((x) => x.cmd === 'publish').length, 1);
    } finally {
      server?.close();
      await fb.stop();
    }
  });
}

test('--retry-connect: the line goes to stderr unless --quiet', async () => {
  const port = await freePort();
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 'a', '-m', 'x', '--retry-connect', ...FAST];
  const [loud, quiet] = [spawnBin('tspub', args), spawnBin('tspub', [...args, '--quiet'])];
  await loud.waitForStderr(RETRY(port));
  await new Promise((r) => setTimeout(r, 300));
  loud.kill('SIGKILL');
  quiet.kill('SIGKILL');
  const [l, q] = await Promise.all([loud.exited(), quiet.exited()]);
  assert.deepEqual([l.stderr, q.stderr], [RETRY(port), '']);
});

// last: restarts the broker
test('two quick broker restarts: "Connection lost" twice, no hint about another client (MQTT 5 and 3.1.1)', async () => {
  const subs = (['5', '311'] as const).map((v) => spawnBin('tssub', [...conn(), '-t', `rs${v}/x`, '-i', `rs${v}`, '-V', v, ...FAST]));
  const subscribed = async (since: number): Promise<void> => {
    await m.waitForLog(/Sending SUBACK to rs5/, 10_000, since);
    await m.waitForLog(/Sending SUBACK to rs311/, 10_000, since);
  };
  await subscribed(0);
  for (let i = 0; i < 2; i++) {
    const mark = m.logMark();
    await m.restart();
    await subscribed(mark);
  }
  for (const s of subs) s.kill('SIGINT');
  for (const r of await Promise.all(subs.map((s) => s.exited()))) {
    assert.equal(r.code, 0, r.stderr);
    const lines = stderrLines(r);
    assert.equal(lines.length, 2, r.stderr);
    for (const l of lines) assert.match(l, /^Connection lost \(.+\); reconnecting\.$/);
  }
});
