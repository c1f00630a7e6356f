// The JSON message schema in-process: what tssub --json prints (messageToJson) read back by
// tspub -l --line-format json (lineParser 'json') gives the same message, byte for byte; the
// errors a damaged line gets; the -l file pre-check (checkLines). The black-box round trip
// against mosquitto is json-roundtrip.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageToJson } from '../src/cli/messages/message-json.ts';
import { lineParser, type LineDefaults } from '../src/cli/messages/line-format.ts';
import { checkLines, readRange } from '../src/cli/messages/checked-lines.ts';
import { UsageError } from '../src/cli/runtime/errors.ts';
import type { InboundMessage, OutboundMessage } from '../src/session/types.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const d5: LineDefaults = { topic: undefined, qos: 0, retain: false, properties: undefined, v5: true };
const json5 = lineParser('json', d5);
const json3 = lineParser('json', { ...d5, v5: false });
const line = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

const inbound = (topic: string, payload: Buffer, extra: Partial<InboundMessage> = {}): InboundMessage =>
  ({ topic, payload, qos: 0, retain: false, dup: false, ...extra });

test('printed then read back: payload bytes, QoS, retain and every sendable v5 property survive', () => {
  // as the codec decodes them: in packet order, keys interleaved, duplicates kept
  const userPropertyList = [['k', 'a'], ['__proto__', 'p'], ['k', 'b'], ['ü', ''], ['k', 'a']] as const;
  const cases: InboundMessage[] = [
    inbound('t/text', Buffer.from('héllo "quoted" \\ \u0000 \n')),
    inbound('t/all', ALL_BYTES, { qos: 1, messageId: 9, retain: true }),
    inbound('t/bad-utf8', Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80])),
    inbound('t/empty', Buffer.alloc(0), { qos: 2, messageId: 3 }),
    inbound('t/v5', Buffer.from('{"x":1}'), {
      qos: 1, messageId: 4, retain: true, dup: true,
      properties: {
        userPropertyList, correlationData: Buffer.from([0, 0xff, 0x10]), contentType: 'application/json',
        responseTopic: 'reply/here', payloadFormatIndicator: true, messageExpiryInterval: 4_294_967_295,
        subscriptionIdentifier: [3, 7], topicAlias: 2,
      },
    }),
    inbound('t/pfi0', Buffer.from('x'), { properties: { payloadFormatIndicator: false, correlationData: Buffer.from('text id') } }),
  ];
  for (const m of cases) {
    const got = json5(Buffer.from(JSON.stringify(messageToJson(m, NOW))));
    assert.notEqual(typeof got, 'string', String(got));
    const out = got as OutboundMessage;
    assert.deepEqual([out.topic, out.qos, out.retain], [m.topic, m.qos, m.retain], m.topic);
    assert.ok(out.payload.equals(m.payload), m.topic);
    // the receive-side ones (subscription identifiers, topic alias) are not sent again
    const { subscriptionIdentifier, topicAlias, ...sendable } = m.properties ?? {};
    assert.deepEqual(out.properties && { ...out.properties }, m.properties && { ...sendable }, m.topic);
  }
});

test('the printed line, field by field (schema version 1)', () => {
  const m = inbound('a/b', Buffer.from([0x68, 0xff]), {
    qos: 1, messageId: 7, retain: true,
    properties: { userProperties: { k: ['v', 'w'], z: 'y' }, correlationData: Buffer.from([0xfe]), contentType: 'c', subscriptionIdentifier: 4 },
  });
  assert.equal(JSON.stringify(messageToJson(m, NOW)),
    '{"v":1,"tst":"2026-01-02T03:04:05.678Z","topic":"a/b","qos":1,"retain":true,"mid":7,"payloadlen":2,"encoding":"base64","payload":"aP8=",'
    + '"properties":{"contentType":"c","correlationData":"/g==","correlationDataEncoding":"base64","userProperties":[["k","v"],["k","w"],["z","y"]],"subscriptionIdentifier":4}}');
  assert.equal(JSON.stringify(messageToJson(inbound('e', Buffer.alloc(0)), NOW)),
    '{"v":1,"tst":"2026-01-02T03:04:05.678Z","topic":"e","qos":0,"retain":false,"payloadlen":0,"encoding":"utf8","payload":""}');
});

test('mosquitto_sub %j lines and hand-written ones are read too', () => {
  assert.deepEqual(json5(line({ tst: '2026-01-02T03:04:05.678900Z+0000', topic: 'a', qos: 1, retain: 1, payloadlen: 2, mid: 5,
    properties: { 'user-properties': { k: 'v' }, 'content-type': 'text/plain', 'correlation-data': 'id1', 'payload-format-indicator': 1 }, payload: 'hi' })),
  { topic: 'a', payload: Buffer.from('hi'), qos: 1, retain: true,
    properties: { userPropertyList: [['k', 'v']], contentType: 'text/plain', correlationData: Buffer.from('id1'), payloadFormatIndicator: true } });
  // user properties as a list of one-key objects, duplicates kept
  assert.deepEqual((json5(line({ topic: 'a', properties: { userProperties: [{ k: 'v' }, { k: 'w' }] } })) as OutboundMessage).properties,
    { userPropertyList: [['k', 'v'], ['k', 'w']] });
  // no encoding: a JSON value is sent as its JSON text (%J)
  assert.deepEqual((json5(line({ topic: 'a', payload: { n: [1, 2] } })) as OutboundMessage).payload, Buffer.from('{"n":[1,2]}'));
  // %j's array of byte values for a payload that is not printable; a %J array stays JSON text
  assert.deepEqual((json5(line({ topic: 'a', payloadlen: 3, payload: [0, 255, 10] })) as OutboundMessage).payload, Buffer.from([0, 255, 10]));
  assert.deepEqual((json5(line({ topic: 'a', payloadlen: 7, payload: [0, 255] })) as OutboundMessage).payload, Buffer.from('[0,255]'));
  // only receive-side properties: fine without MQTT 5, nothing sent
  assert.deepEqual(json3(line({ topic: 'a', payload: 'x', properties: { subscriptionIdentifier: 3, topicAlias: 1 } })),
    { topic: 'a', payload: Buffer.from('x'), qos: 0, retain: false, properties: undefined });
});

test('a damaged line is an error naming what is wrong', () => {
  const cases: Array<[unknown, string]> = [
    [{ v: 2, topic: 'a' }, '"v" 2 is a newer format than this tspub reads (1)'],
    [{ v: '1', topic: 'a' }, '"v" must be 1'],
    [{ topic: 'a', encoding: 'base64', payload: 'aGk' }, '"payload" is not valid base64'],
    [{ topic: 'a', encoding: 'base64', payload: 'a$k=' }, '"payload" is not valid base64'],
    [{ topic: 'a', encoding: 'hex', payload: '00' }, '"encoding" must be "utf8" or "base64"'],
    [{ topic: 'a', encoding: 'utf8', payload: 5 }, '"payload" must be a string'],
    [{ topic: 'a', properties: { correlationDataEncoding: 'base64' } }, '"correlationDataEncoding" without "correlationData"'],
    [{ topic: 'a', properties: { correlationData: '@@', correlationDataEncoding: 'base64' } }, '"correlationData" is not valid base64'],
    [{ topic: 'a', properties: { payloadFormatIndicator: 2 } }, '"payloadFormatIndicator" must be 0 or 1'],
    [{ topic: 'a', properties: { messageExpiryInterval: 4_294_967_296 } }, '"messageExpiryInterval" must be an integer from 0 to 4294967295'],
    [{ topic: 'a', properties: { userProperties: [['k']] } }, '"userProperties" must be a list of [key, value] pairs of strings'],
    [{ topic: 'a', properties: { userProperties: [['k', 1]] } }, '"userProperties" must be a list of [key, value] pairs of strings'],
    [{ topic: 'a', properties: { subscriptionIdentifier: 'x' } }, '"subscriptionIdentifier" must be an integer (or a list of them)'],
    [{ topic: 'a', properties: { topicAlias: 70000 } }, '"topicAlias" must be an integer from 0 to 65535'],
    [{ topic: 'a', properties: { retain: true } }, 'unknown property "retain"'],
  ];
  for (const [o, want] of cases) assert.equal(json5(line(o)), want, JSON.stringify(o));
  assert.equal(json3(line({ topic: 'a', properties: { userProperties: [['k', 'v']] } })), '"properties" need MQTT 5 (-V 5)');
  assert.equal(json5(Buffer.from([0x7b, 0xff, 0x7d])), 'not valid UTF-8 (a binary payload goes in base64: "encoding":"base64")');
});

const dir = mkdtempSync(join(tmpdir(), 'json-schema-'));

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('checkLines: lines cut as -l cuts them, from the current offset, the range read back exactly', async () => {
  const file = join(dir, 'lines');
  const body = 'skip\nl1\n\nl3\r\nlast';
  writeFileSync(file, body);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, Buffer.alloc(5), 0, 5, null); // a script read the first line already: `(read x; tspub -l) < file`
    const seen: string[] = [];
    const r = checkLines(fd, (l) => { seen.push(l.toString()); return undefined; });
    assert.deepEqual(seen, ['l1', '', 'l3\r', 'last']);
    assert.deepEqual(r, { fd, start: 5, length: body.length - 5 });
    assert.equal((await collect(readRange(r))).toString(), body.slice(5));
  } finally {
    closeSync(fd);
  }
});

test('checkLines: the first bad line named, the others counted, nothing else happens', () => {
  const file = join(dir, 'bad');
  // lines longer than the 1 MiB read chunk are still whole lines
  const long = 'x'.repeat(1_500_000);
  writeFileSync(file, `ok\n${long}\nbad\nok\nbad\nbad`);
  const fd = openSync(file, 'r');
  try {
    const lens: number[] = [];
    assert.throws(() => checkLines(fd, (l) => { lens.push(l.length); return l.toString() === 'bad' ? 'it is bad' : undefined; }),
      (e: unknown) => e instanceof UsageError && e.message === 'stdin line 3: it is bad (and 2 more bad lines after it); nothing was published.');
    assert.deepEqual(lens, [2, 1_500_000, 3, 2, 3, 3]);
  } finally {
    closeSync(fd);
  }
  const one = join(dir, 'one');
  writeFileSync(one, 'bad\n');
  const fd1 = openSync(one, 'r');
  try {
    assert.throws(() => checkLines(fd1, () => 'no'), { message: 'stdin line 1: no; nothing was published.' });
  } finally {
    closeSync(fd1);
  }
});
