// The lossless JSON round trip against real mosquitto: a retained snapshot saved with
// `tssub --json --snapshot` and restored with `tspub -l --line-format json` onto an empty broker
// snapshots the same (checked also with mosquitto_sub's -F %x and %D); live messages through a
// pipe; a bad line in a file publishes nothing, from a pipe the other lines go out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, runBin, spawnBin, spawnProcess, type BinResult } from './helpers/run-bin.ts';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { mosqPub, mosqSubRun, requireMosquittoClients } from './helpers/mosq-clients.ts';

let src: Mosquitto;
let dst: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'json-roundtrip-'));
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const BAD_UTF8 = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80, 0x0a, 0x00]);
const CORRELATION = Buffer.from([0x00, 0xff, 0x10, 0x0a]);

before(async () => {
  requireMosquittoClients();
  [src, dst] = await Promise.all([
    startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }] }),
    startMosquitto({ listeners: [{ name: 'tcp', kind: 'tcp' }] }),
  ]);
});
after(async () => { await Promise.all([src.stop(), dst.stop()]); });

const at = (m: Mosquitto): string[] => ['-h', '127.0.0.1', '-p', String(m.port)];

/** tspub with stdin redirected from a file, as `tspub ... < file` runs it */
function tspubFromFile(args: string[], file: string): Promise<BinResult> {
  return spawnProcess('/bin/sh', ['-c', 'exec "$0" "$@" < "$IN"', process.execPath, binPath('tspub'), ...args], { env: { IN: file } }).exited();
}

/** the retained messages under a filter as tssub --json prints them (QoS 2, so each keeps its own) */
async function snapshot(m: Mosquitto, filter: string): Promise<string> {
  const r = await runBin('tssub', [...at(m), '-V', '5', '-q', '2', '-t', filter, '--snapshot', '--json']);
  assert.deepEqual([r.code, r.stderr], [0, '']);
  return r.out;
}

type Json = Record<string, any>;
const parseLines = (out: string): Json[] => out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json)
  .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
/** what differs between two receptions of the same message: when, and the packet id */
const comparable = (o: Json): Json => {
  const { tst, mid, ...rest } = o;
  if (rest.properties?.messageExpiryInterval !== undefined) rest.properties = { ...rest.properties, messageExpiryInterval: 'some' };
  return rest;
};

test('a retained snapshot of text, binary and v5 messages restored onto an empty broker snapshots the same', async () => {
  writeFileSync(join(dir, 'all.bin'), ALL_BYTES);
  writeFileSync(join(dir, 'bad.bin'), BAD_UTF8);
  const pub = async (args: string[]): Promise<void> => {
    const r = await mosqPub([...at(src), '-V', '5', '-r', ...args]);
    assert.deepEqual([r.code, r.stderr], [0, ''], args.join(' '));
  };
  await pub(['-t', 'snap/text', '-m', 'plain text, "quoted"']);
  await pub(['-t', 'snap/bytes', '-q', '1', '-f', join(dir, 'all.bin')]);
  await pub(['-t', 'snap/bad-utf8', '-q', '2', '-f', join(dir, 'bad.bin')]);
  await pub(['-t', 'snap/json', '-m', '{"a":[1,2]}']);
  await pub(['-t', 'snap/v5', '-q', '1', '-m', 'with properties',
    // keys interleaved and repeated: the order survives (mqtt-packet alone would group by key)
    '-D', 'publish', 'user-property', 'k', 'a', '-D', 'publish', 'user-property', 'z', 'c', '-D', 'publish', 'user-property', 'k', 'b',
    '-D', 'publish', 'user-property', 'k', 'a', '-D', 'publish', 'content-type', 'text/plain', '-D', 'publish', 'response-topic', 'reply/to',
    '-D', 'publish', 'payload-format-indicator', '1', '-D', 'publish', 'message-expiry-interval', '3600']);
  // binary correlation data: mosquitto_pub takes it from argv, which cannot hold these bytes
  const corr = JSON.stringify({ topic: 'snap/corr', retain: true, qos: 2, payload: 'corr',
    properties: { correlationData: CORRELATION.toString('base64'), correlationDataEncoding: 'base64' } });
  const c = await runBin('tspub', [...at(src), '-V', '5', '-l', '--line-format', 'json'], { stdin: `${corr}\n` });
  assert.deepEqual([c.code, c.stderr], [0, '']);

  const saved = await snapshot(src, 'snap/#');
  const a = parseLines(saved);
  assert.deepEqual(a.map((o) => [o.topic, o.qos, o.retain, o.encoding]), [
    ['snap/bad-utf8', 2, true, 'base64'], ['snap/bytes', 1, true, 'base64'], ['snap/corr', 2, true, 'utf8'],
    ['snap/json', 0, true, 'utf8'], ['snap/text', 0, true, 'utf8'], ['snap/v5', 1, true, 'utf8'],
  ]);
  assert.ok(Buffer.from(a[1].payload, 'base64').equals(ALL_BYTES));
  assert.deepEqual(a[5].properties.userProperties, [['k', 'a'], ['z', 'c'], ['k', 'b'], ['k', 'a']]);
  assert.deepEqual(a[2].properties, { correlationData: CORRELATION.toString('base64'), correlationDataEncoding: 'base64' });

  const file = join(dir, 'snapshot.jsonl');
  writeFileSync(file, saved);
  const r = await tspubFromFile([...at(dst), '-V', '5', '-l', '--line-format', 'json'], file);
  assert.deepEqual([r.code, r.stderr, r.out], [0, '', '']);
  const b = parseLines(await snapshot(dst, 'snap/#'));
  assert.deepEqual(b.map(comparable), a.map(comparable));
  // the expiry restored is what remained when the snapshot was taken, and it runs on
  const expiry = (o: Json[]): number => o[5].properties.messageExpiryInterval;
  assert.ok(expiry(b) > 0 && expiry(b) <= expiry(a) && expiry(a) <= 3600, `${expiry(a)} -> ${expiry(b)}`);

  // an independent reader: mosquitto_sub sees the same bytes and properties on both brokers
  const mosq = async (m: Mosquitto, args: string[]): Promise<BinResult> => {
    const s = await mosqSubRun([...at(m), '-V', '5', '-q', '2', ...args]);
    assert.deepEqual([s.code, s.stderr], [0, '']);
    return s;
  };
  const fields = async (m: Mosquitto): Promise<string[]> =>
    (await mosq(m, ['-t', 'snap/#', '-C', '6', '-F', '%t|%q|%r|%x|%C|%R|%F|%P'])).out.split('\n').filter(Boolean).sort();
  const want = await fields(src);
  assert.deepEqual(await fields(dst), want);
  assert.ok(want.includes(`snap/bytes|1|1|${ALL_BYTES.toString('hex')}||||`), want.join('\n'));
  assert.ok(want.includes(`snap/bad-utf8|2|1|${BAD_UTF8.toString('hex')}||||`));
  assert.ok(want.includes(`snap/v5|1|1|${Buffer.from('with properties').toString('hex')}|text/plain|reply/to|1|k:a z:c k:b k:a`), want.join('\n'));
  const correlation = await mosq(dst, ['-t', 'snap/corr', '-C', '1', '-N', '-F', '%D']);
  assert.ok(correlation.stdout.equals(CORRELATION), correlation.stdout.toString('hex'));
});

test('live messages (an empty one too) captured with tssub --json and piped into tspub arrive the same', async () => {
  const capture = (m: Mosquitto) => spawnBin('tssub', [...at(m), '-V', '5', '-q', '2', '-t', 'live/#', '-C', '4', '--json']);
  const mark = src.logMark();
  const s = capture(src);
  await src.waitForLog(/Sending SUBACK/, 5000, mark);
  const lines = [
    { topic: 'live/empty', payload: '', qos: 1 },
    { topic: 'live/bin', encoding: 'base64', payload: ALL_BYTES.toString('base64'), qos: 2 },
    { topic: 'live/v5', payload: 'p', properties: { userProperties: [['dup', '1'], ['dup', '1']], contentType: 'x' } },
    { topic: 'live/nl', payload: 'two\nlines\r\n' },
  ].map((o) => JSON.stringify(o)).join('\n');
  const p = await runBin('tspub', [...at(src), '-V', '5', '-l', '--line-format', 'json'], { stdin: lines });
  assert.deepEqual([p.code, p.stderr], [0, '']);
  const first = await s.exited();
  assert.deepEqual([first.code, first.stderr], [0, '']);

  const dmark = dst.logMark();
  const again = capture(dst);
  await dst.waitForLog(/Sending SUBACK/, 5000, dmark);
  const r = await runBin('tspub', [...at(dst), '-V', '5', '-l', '--line-format', 'json'], { stdin: first.out });
  assert.deepEqual([r.code, r.stderr], [0, '']);
  const second = await again.exited();
  const a = parseLines(first.out);
  assert.deepEqual(parseLines(second.out).map(comparable), a.map(comparable));
  assert.deepEqual(a.map((o) => [o.topic, o.qos, o.retain, o.payloadlen]), [['live/bin', 2, false, 256], ['live/empty', 1, false, 0], ['live/nl', 0, false, 11], ['live/v5', 0, false, 1]]);
});

const FIVE = [
  JSON.stringify({ topic: 'pre/1', payload: 'one', retain: true }),
  JSON.stringify({ topic: 'pre/2', payload: 'two', retain: true }),
  'not json',
  JSON.stringify({ topic: 'pre/4', payload: 'four', retain: true }),
  JSON.stringify({ topic: 'pre/5', payload: 'five', retain: true }),
].join('\n');
const NOT_JSON = "not valid JSON (Unexpected token 'o', \"not json\" is not valid JSON)";

test('from a file, a bad line 3 of 5 publishes nothing: checked before connecting', async () => {
  const file = join(dir, 'five.jsonl');
  writeFileSync(file, `${FIVE}\n`);
  const since = dst.log().length;
  const r = await tspubFromFile([...at(dst), '-l', '--line-format', 'json'], file);
  assert.deepEqual([r.code, r.stderr, r.out], [1, `Error: stdin line 3: ${NOT_JSON}; nothing was published.\n`, '']);
  assert.doesNotMatch(dst.log().slice(since), /New client connected/);
  // the likely slip on a restore: a v5 backup without -V 5; and the tab format is checked the same way
  const v5 = join(dir, 'v5.jsonl');
  writeFileSync(v5, `${JSON.stringify({ topic: 'pre/a', payload: 'a', retain: true })}\n${JSON.stringify({ topic: 'pre/b', payload: 'b', retain: true, properties: { contentType: 'x' } })}\n`);
  const no5 = await tspubFromFile([...at(dst), '-l', '--line-format', 'json'], v5);
  assert.deepEqual([no5.code, no5.stderr], [1, 'Error: stdin line 2: "properties" need MQTT 5 (-V 5); nothing was published.\n']);
  const tab = join(dir, 'lines.tab');
  writeFileSync(tab, 'pre/t\tx\npre/#\ty\nno tab\n');
  const t = await tspubFromFile([...at(dst), '-l', '--line-format', 'tab', '-r'], tab);
  assert.deepEqual([t.code, t.stderr], [1, "Error: stdin line 2: 'pre/#': wildcards (+ #) are not allowed in a topic to publish to (and 1 more bad line after it); nothing was published.\n"]);
  assert.doesNotMatch(dst.log().slice(since), /New client connected/);
  assert.equal(await snapshot(dst, 'pre/#'), '');
});

test('from a pipe, lines go out as they come: a bad line 3 is named, the others published, exit 1', async () => {
  const r = await runBin('tspub', [...at(dst), '-l', '--line-format', 'json'], { stdin: FIVE });
  assert.equal(r.stderr, `Error: stdin line 3: ${NOT_JSON}; not published (the lines before it were: stdin is not a file, so lines go out as they are read).\n`);
  assert.equal(r.code, 1);
  assert.deepEqual(parseLines(await snapshot(dst, 'pre/#')).map((o) => [o.topic, o.payload]), [['pre/1', 'one'], ['pre/2', 'two'], ['pre/4', 'four'], ['pre/5', 'five']]);
});
