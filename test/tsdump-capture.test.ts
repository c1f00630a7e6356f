// tsdump -r: captures that tcpdump writes during the test (v3.1.1 and v5 traffic from tspub,
// tssub and mosquitto_pub), read as pcap, nanosecond pcap and pcapng (editcap), from a file and
// from a pipe, and compared PDU by PDU with Wireshark's dissector (tshark). Then hand-made files:
// segments out of order, duplicated and overlapping, and the errors of files that are no capture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireMosquitto, startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { runBin, spawnBin } from './helpers/run-bin.ts';
import { editcap, requireCaptureTools, startTcpdump, tsdumpPdus, tsharkMqtt } from './helpers/capture-tools.ts';
import { frame, pcapFile, pcapngFile, type Seg } from './helpers/pcap-build.ts';
import { encode } from '../src/protocol/codec.ts';

requireMosquitto();
requireMosquittoClients();
requireCaptureTools();

let m: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'tsdump-cap-'));
const pcap = join(dir, 'lo.pcap');

const jsonLines = (out: string): Array<Record<string, unknown>> => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

before(async () => {
  m = await startMosquitto();
  const port = String(m.port);
  const cap = await startTcpdump(m.port, pcap);
  const sub = spawnBin('tssub', ['-p', port, '-V', '5', '-t', 't/#', '-q', '2', '-C', '3', '-i', 'sub5']);
  await m.waitForLog(/Sending SUBACK to sub5/, 5000);
  for (const args of [['-V', '311', '-t', 't/a', '-m', 'one', '-q', '1', '-i', 'pub311'],
    ['-V', '5', '-t', 't/b', '-m', 'two', '-q', '2', '-D', 'publish', 'user-property', 'k', 'v', '-i', 'pub5']]) {
    const r = await runBin('tspub', ['-p', port, ...args]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal((await mosqPub(['-p', port, '-V', '311', '-t', 't/c', '-m', 'three', '-q', '1'])).code, 0);
  const got = await sub.exited();
  assert.equal(got.code, 0, got.stderr);
  assert.equal((await runBin('tspub', ['-p', port, '-t', 'end', '-m', 'x', '-i', 'last'])).code, 0);
  // every connection's close is in the file before tcpdump is stopped: the last one's FIN from both sides
  for (;;) {
    const r = await runBin('tsdump', ['-r', pcap, '--port', port, '--json', '--type', 'disconnect']);
    const closes = jsonLines(r.out).filter((o) => o.event === 'close' && o.clientId === 'last');
    if (closes.length === 1 && closes[0]!.reason !== 'the capture ends') break;
  }
  await cap.stop();
});

after(async () => {
  await m?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('tsdump -r finds the packets tshark finds in a tcpdump capture (type, topic, packet id, QoS, reason codes)', async () => {
  const r = await runBin('tsdump', ['-r', pcap, '--port', String(m.port), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const ours = tsdumpPdus(jsonLines(r.out));
  const theirs = tsharkMqtt(pcap, m.port);
  assert.ok(ours.length >= 30, `only ${ours.length} packets`);
  assert.deepEqual(ours, theirs);
  // the v5 PUBLISH, both ways, with its user property in the message schema
  const pubs = jsonLines(r.out).filter((o) => o.type === 'publish' && o.topic === 't/b');
  assert.deepEqual(pubs.map((o) => [o.from, o.qos, o.payload, o.encoding, o.properties]), [
    ['client', 2, 'two', 'utf8', { userProperties: [['k', 'v']] }],
    ['broker', 2, 'two', 'utf8', { userProperties: [['k', 'v']] }],
  ]);
});

test('pcapng, nanosecond pcap and a pipe (-r -) give the same packets as the pcap', async () => {
  const want = (await runBin('tsdump', ['-r', pcap, '--port', String(m.port), '--json'])).out;
  for (const format of ['pcapng', 'nsecpcap']) {
    const file = join(dir, `lo.${format}`);
    editcap(format, pcap, file);
    const r = await runBin('tsdump', ['-r', file, '--port', String(m.port), '--json']);
    assert.equal(r.code, 0, r.stderr);
    // editcap keeps the times to the microsecond: the same lines, tst included
    assert.equal(r.out, want, format);
  }
  const piped = await runBin('tsdump', ['-r', '-', '--port', String(m.port), '--json'], { stdin: readFileSync(join(dir, 'lo.pcapng')) });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.out, want);
});

// ---- hand-made captures ------------------------------------------------------------------------

const CPORT = 40000;
const BPORT = 1883;

function conversation(): { segs: Seg[]; whole: Buffer } {
  const connect = encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'c1', clean: true, keepalive: 30 }, 4);
  const pubs = [1, 2, 3].map((i) => encode({ cmd: 'publish', topic: `a/${i}`, payload: Buffer.from(`payload ${i}`), qos: 1, messageId: i, retain: false, dup: false }, 4));
  const whole = Buffer.concat([connect, ...pubs]);
  let seq = 1000;
  const segs: Seg[] = [{ from: 'client', seq: seq - 1, flags: { syn: true } }, { from: 'broker', seq: 4999, flags: { syn: true, ack: true } }];
  // the client's bytes in 7-byte segments: packets split across segments, several per segment
  for (let at = 0; at < whole.length; at += 7) {
    segs.push({ from: 'client', seq, payload: whole.subarray(at, at + 7) });
    seq += Math.min(7, whole.length - at);
  }
  const connack = encode({ cmd: 'connack', returnCode: 0, sessionPresent: false }, 4);
  segs.splice(5, 0, { from: 'broker', seq: 5000, payload: connack }); // after the CONNECT's third segment
  segs.push({ from: 'client', seq, flags: { fin: true, ack: true } }, { from: 'broker', seq: 5004, flags: { fin: true, ack: true } });
  return { segs, whole };
}

const toFrames = (segs: Seg[]): Array<{ ms: number; data: Buffer }> => segs.map((s, i) => ({ ms: 1_700_000_000_000 + i, data: frame(s, CPORT, BPORT) }));

async function dumpFile(bytes: Buffer, args: string[] = []): Promise<string> {
  const file = join(dir, `made-${Math.random().toString(36).slice(2)}.cap`);
  writeFileSync(file, bytes);
  const r = await runBin('tsdump', ['-r', file, '--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.out;
}

/** the packets, without the times (which follow the frames) */
const packets = (out: string): unknown[] => jsonLines(out).filter((o) => o.type).map(({ tst: _t, ...rest }) => rest);

test('TCP reassembly: segments swapped, duplicated and overlapping give the packets of the stream in order', async () => {
  const { segs } = conversation();
  const inOrder = packets(await dumpFile(pcapFile(toFrames(segs))));
  assert.deepEqual(inOrder.map((p) => (p as { type: string }).type), ['connect', 'connack', 'publish', 'publish', 'publish']);
  assert.deepEqual((inOrder[2] as { payload: string }).payload, 'payload 1');
  const mixed = [...segs];
  // swap two data segments, send one twice, and resend a segment that overlaps its neighbours
  [mixed[5], mixed[6]] = [mixed[6]!, mixed[5]!];
  mixed.splice(8, 0, mixed[4]!);
  const a = segs[9]!;
  mixed.splice(11, 0, { from: 'client', seq: a.seq - 3, payload: Buffer.concat([segs[8]!.payload!.subarray(4), a.payload!, segs[10]!.payload!.subarray(0, 2)]) });
  assert.deepEqual(packets(await dumpFile(pcapFile(toFrames(mixed)))), inOrder);
  // the same in pcapng and in big-endian nanosecond pcap
  assert.deepEqual(packets(await dumpFile(pcapngFile(toFrames(mixed)))), inOrder);
  assert.deepEqual(packets(await dumpFile(pcapFile(toFrames(mixed), { nano: true, bigEndian: true }))), inOrder);
});

test('a capture started mid-connection: packets read as MQTT 3.1.1, or as -V says', async () => {
  // no handshake, no CONNECT: the client's stream starts with a v5 PUBLISH
  const v5 = Buffer.concat([1, 2].map((i) => encode({
    cmd: 'publish', topic: 'b', payload: Buffer.from(`p${i}`), qos: 0, retain: false, dup: false,
    properties: { userProperties: { k: String(i) } },
  }, 5)));
  const bytes = pcapFile(toFrames([{ from: 'client', seq: 77, payload: v5 }]));
  const asV5 = packets(await dumpFile(bytes, ['-V', '5']));
  assert.deepEqual(asV5.map((p) => { const o = p as Record<string, unknown>; return [o.topic, o.payload, o.properties]; }),
    [['b', 'p1', { userProperties: [['k', '1']] }], ['b', 'p2', { userProperties: [['k', '2']] }]]);
  // read as 3.1.1 the property section (length byte, id, key 'k', value: 8 bytes) is payload
  const asV311 = packets(await dumpFile(bytes));
  assert.deepEqual(asV311.map((p) => (p as { payloadlen: number }).payloadlen), [8 + 2, 8 + 2]);
});

test('not a capture, an empty file, a file cut short: errors and a warning', async () => {
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, 'hello world, this is not a capture file\n');
  let r = await runBin('tsdump', ['-r', bad]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Error: ${bad}: not a pcap or pcapng file (it starts with 0x68656c6c).\n`);
  const empty = join(dir, 'empty.pcap');
  writeFileSync(empty, '');
  r = await runBin('tsdump', ['-r', empty]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Error: ${empty}: the capture is empty.\n`);
  r = await runBin('tsdump', ['-r', join(dir, 'missing.pcap')]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Error: ${join(dir, 'missing.pcap')}: no such file.\n`);
  const { segs } = conversation();
  const whole = pcapFile(toFrames(segs));
  const cut = join(dir, 'cut.pcap');
  writeFileSync(cut, whole.subarray(0, whole.length - 10));
  r = await runBin('tsdump', ['-r', cut, '--json']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, `Warning: ${cut}: the capture is cut short inside a record (${16 + frame(segs.at(-1)!, CPORT, BPORT).length - 10} bytes after the last whole one); the packets before it were read.\n`);
  assert.equal(packets(r.out).length, 5);
});
