// tsrr against a real mosquitto, MQTT 5 and 3.1.1: mosquitto_rr's flow and output side by side,
// -W's exit 27, correlation matching (two requesters on one response topic), stale retained
// replies skipped, -C with several responders, -l with 1,000 requests, --json's request fields.
// Responders are tsrr --respond (tested on their own in tsrr-respond.test.ts) or mosquitto_sub +
// mosquitto_pub, so that the requester is checked against an independent other side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnBin, spawnProcess, type RunningBin } from './helpers/run-bin.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { subscribed } from './helpers/subscribed.ts';

let m: Mosquitto;
let port: string;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
  port = String(m.port);
});
after(async () => { await m?.stop(); });

/** a tsrr responder on `filter`, subscribed once this resolves */
function responder(args: string[]): Promise<RunningBin> {
  return subscribed(m, () => spawnBin('tsrr', ['-p', port, '--respond', ...args]));
}

/** resolves once a client subscribed to the response topic: then the test may act */
async function requesterSubscribed(mark: number): Promise<void> {
  await m.waitForLog(/Sending SUBACK to/, 5000, mark);
}

test('one reply, -v, as mosquitto_rr prints it (MQTT 5 default)', async () => {
  const resp = await responder(['-t', 'one/req', '--exec', 'tr a-z A-Z', '-C', '2']);
  const args = ['-p', port, '-t', 'one/req', '-e', 'one/rep', '-m', 'hello', '-v', '-W', '10'];
  const ours = await runBin('tsrr', args);
  const theirs = await spawnProcess('mosquitto_rr', args).exited();
  assert.deepEqual([theirs.code, theirs.out, theirs.stderr], [0, 'one/rep HELLO\n', '']);
  assert.deepEqual([ours.code, ours.out, ours.stderr], [0, 'one/rep HELLO\n', '']);
  assert.equal((await resp.exited()).code, 0);
});

test('-W: "Timed out" and exit 27 when no reply comes, as mosquitto_rr', async () => {
  const args = ['-p', port, '-t', 'none/req', '-e', 'none/rep', '-m', 'x', '-W', '1'];
  const [ours, theirs] = await Promise.all([runBin('tsrr', args), spawnProcess('mosquitto_rr', args).exited()]);
  assert.deepEqual([theirs.code, theirs.out, theirs.stderr], [27, '', 'Timed out\n']);
  assert.deepEqual([ours.code, ours.out, ours.stderr], [27, '', 'Timed out\n']);
});

test('two requesters on one response topic each get only their own reply', async () => {
  // the responder answers each request with its payload; both requesters see both replies on the topic
  const resp = await responder(['-t', 'two/req', '--exec', 'cat', '-C', '2']);
  const mark = m.logMark();
  const a = spawnBin('tsrr', ['-p', port, '-t', 'two/req', '-e', 'two/rep', '-l', '-W', '10']);
  const b = spawnBin('tsrr', ['-p', port, '-t', 'two/req', '-e', 'two/rep', '-l', '-W', '10']);
  await requesterSubscribed(mark);
  await m.waitForLog(/Sending SUBACK to[\s\S]*Sending SUBACK to/, 5000, mark);
  // both subscribed before either asks: each sees the other's reply go by
  a.child.stdin!.end('from-a\n');
  b.child.stdin!.end('from-b\n');
  const [ra, rb] = await Promise.all([a.exited(), b.exited()]);
  assert.deepEqual([ra.code, ra.out], [0, 'from-a\n']);
  assert.deepEqual([rb.code, rb.out], [0, 'from-b\n']);
  assert.equal((await resp.exited()).code, 0);
});

test('a retained stale reply with the same correlation data is skipped (MQTT 5), taken with --accept-retained', async () => {
  const pub = await mosqPub(['-p', port, '-V', '5', '-r', '-t', 'stale/rep', '-m', 'stale', '-D', 'publish', 'correlation-data', 'cd-1']);
  assert.equal(pub.code, 0, pub.stderr);
  const resp = await responder(['-t', 'stale/req', '--exec', 'printf fresh', '-C', '1']);
  const r = await runBin('tsrr', ['-p', port, '-t', 'stale/req', '-e', 'stale/rep', '-m', 'q', '-D', 'publish', 'correlation-data', 'cd-1', '-W', '10']);
  assert.deepEqual([r.code, r.out, r.stderr], [0, 'fresh\n', '']);
  assert.equal((await resp.exited()).code, 0);
  const accept = await runBin('tsrr', ['-p', port, '-t', 'stale/req', '-e', 'stale/rep', '-m', 'q', '-D', 'publish', 'correlation-data', 'cd-1', '--accept-retained', '-W', '10']);
  assert.deepEqual([accept.code, accept.out], [0, 'stale\n']);
});

test('MQTT 3.1.1: the request goes out plain, the first live message on -e is the reply (a retained one is skipped), one notice', async () => {
  const pub = await mosqPub(['-p', port, '-r', '-t', 'v3/rep', '-m', 'stale']);
  assert.equal(pub.code, 0, pub.stderr);
  const resp = await responder(['-V', '311', '-t', 'v3/req', '-e', 'v3/rep', '--exec', 'rev', '-C', '1']);
  const r = await runBin('tsrr', ['-p', port, '-V', '311', '-t', 'v3/req', '-e', 'v3/rep', '-m', 'abc', '-W', '10']);
  assert.equal(r.stderr, "Notice: MQTT 3.1.1 has no Response Topic or Correlation Data: the request goes out plain and the next message on 'v3/rep' is taken as its reply, unmatched.\n");
  assert.deepEqual([r.code, r.out], [0, 'cba\n']);
  assert.equal((await resp.exited()).code, 0);
});

test('-C 3 with three responders: three replies, exit 0; -C 4 -W: the three printed, then exit 27', async () => {
  const resps = [];
  for (const word of ['one', 'two', 'three']) resps.push(await responder(['-t', 'many/req', '--exec', `echo ${word}`, '-C', '2']));
  const r = await runBin('tsrr', ['-p', port, '-t', 'many/req', '-e', 'many/rep', '-m', 'q', '-C', '3', '-W', '10']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.out.split('\n').filter(Boolean).sort(), ['one', 'three', 'two']);
  const short = await runBin('tsrr', ['-p', port, '-t', 'many/req', '-e', 'many/rep', '-m', 'q', '-C', '4', '-W', '2']);
  assert.equal(short.code, 27);
  assert.equal(short.stderr, 'Timed out\n');
  assert.deepEqual(short.out.split('\n').filter(Boolean).sort(), ['one', 'three', 'two']);
  for (const resp of resps) assert.equal((await resp.exited()).code, 0);
});

test('-l with 1,000 requests over one connection against a responder: all answered and matched (--json)', async () => {
  const resp = await responder(['-t', 'lines/req', '--exec', 'cat', '--max-running', '8', '-C', '1000']);
  const lines = Array.from({ length: 1000 }, (_, i) => `request-${i + 1}`);
  const mark = m.logMark();
  const r = await runBin('tsrr', ['-p', port, '-t', 'lines/req', '-e', 'lines/rep', '-l', '--json', '-q', '1', '-W', '60'],
    { stdin: `${lines.join('\n')}\n`, timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const replies = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { payload: string; properties: { correlationData: string }; request: { line: number; correlationData: string; correlationDataEncoding: string; rttMs: number } });
  assert.equal(replies.length, 1000);
  const seen = new Set<number>();
  const cds = new Set<string>();
  for (const rep of replies) {
    // each reply is its own line's answer, carrying that request's correlation data
    assert.equal(rep.payload, `request-${rep.request.line}`);
    assert.equal(rep.properties.correlationData, rep.request.correlationData);
    // 16 random bytes: base64, unless they happen to be valid UTF-8 (then text: the schema's rule)
    const enc = rep.request.correlationDataEncoding;
    assert.ok(enc === 'base64' || enc === 'utf8', enc);
    assert.equal(Buffer.from(rep.request.correlationData, enc === 'base64' ? 'base64' : 'utf8').length, 16);
    assert.equal(typeof rep.request.rttMs, 'number');
    seen.add(rep.request.line);
    cds.add(rep.request.correlationData);
  }
  assert.equal(seen.size, 1000);
  assert.equal(cds.size, 1000);
  // one connection for all of them
  const connects = m.log().slice(mark).match(/New client connected from 127\.0\.0\.1:\d+ as \S+ \(p5/g) ?? [];
  assert.equal(connects.length, 1);
  assert.equal((await resp.exited()).code, 0);
});

test('MQTT 3.1.1 -l: replies answer the requests in the order sent', async () => {
  const resp = await responder(['-V', '311', '-t', 'v3l/req', '-e', 'v3l/rep', '--exec', 'rev', '--max-running', '1', '-C', '3']);
  const r = await runBin('tsrr', ['-p', port, '-V', '311', '-t', 'v3l/req', '-e', 'v3l/rep', '-l', '-W', '10', '--quiet'], { stdin: 'abc\ndef\nghi\n' });
  assert.deepEqual([r.code, r.out, r.stderr], [0, 'cba\nfed\nihg\n', '']);
  assert.equal((await resp.exited()).code, 0);
});
