// Unit tests: the stdin line reader (edge cases, back-pressure), line formats, --changes-only, templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { LineReader } from '../src/cli/messages/stdin-lines.ts';
import { ChangeFilter, lineParser, type LineDefaults } from '../src/cli/messages/line-format.ts';
import { compileTemplate } from '../src/cli/messages/template.ts';

function readAll(chunks: Buffer[], stopEvery = 0): Promise<Buffer[]> {
  const s = new PassThrough();
  const lines: Buffer[] = [];
  return new Promise((resolve, reject) => {
    let reader: LineReader;
    const sink = (l: Buffer): boolean => {
      lines.push(Buffer.from(l));
      if (stopEvery && lines.length % stopEvery === 0) {
        setImmediate(() => reader.resume());
        return false;
      }
      return true;
    };
    reader = new LineReader(s, sink, () => resolve(lines), reject);
    for (const c of chunks) s.write(c);
    s.end();
  });
}

const strs = (b: Buffer[]): string[] => b.map((x) => x.toString('latin1'));

test('lines: empty lines, no final newline, CR kept, split across chunks', async () => {
  assert.deepEqual(strs(await readAll([Buffer.from('a\n\nb\r\nc')])), ['a', '', 'b\r', 'c']);
  assert.deepEqual(strs(await readAll([Buffer.from('ab'), Buffer.from('c\nd'), Buffer.from('e\n')])), ['abc', 'de']);
  assert.deepEqual(strs(await readAll([Buffer.from('\n')])), ['']);
  assert.deepEqual(strs(await readAll([])), []);
});

test('lines: binary bytes pass untouched', async () => {
  const bin = Buffer.from([0, 0xff, 0xfe, 0x80, 0x0d, 0x09]);
  const lines = await readAll([Buffer.concat([bin, Buffer.from('\n'), bin])]);
  assert.deepEqual(lines, [bin, bin]);
});

test('lines: a 1 MB line in 64 KB chunks', async () => {
  const big = Buffer.alloc(1024 * 1024, 0x61);
  const data = Buffer.concat([big, Buffer.from('\nx\n')]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536));
  const lines = await readAll(chunks);
  assert.equal(lines.length, 2);
  assert.ok(lines[0]!.equals(big));
  assert.equal(lines[1]!.toString(), 'x');
});

test('lines: the sink can stop mid-chunk and resume; order and count kept', async () => {
  const text = Array.from({ length: 1000 }, (_, i) => String(i)).join('\n');
  const lines = await readAll([Buffer.from(text)], 7);
  assert.deepEqual(strs(lines), text.split('\n'));
});

test('lines: stdin is paused while the sink is full', async () => {
  const s = new PassThrough();
  let reader!: LineReader;
  const got: string[] = [];
  reader = new LineReader(s, (l) => { got.push(l.toString()); return got.length !== 2; }, () => undefined, () => undefined);
  s.write('1\n2\n3\n');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, ['1', '2']);
  assert.equal(reader.paused, true);
  assert.equal(s.isPaused(), true);
  reader.resume();
  assert.deepEqual(got, ['1', '2', '3']);
  assert.equal(s.isPaused(), false);
});

const d: LineDefaults = { topic: 'def', qos: 1, retain: false, properties: undefined, v5: true };

test('line formats: raw, tab, json', () => {
  assert.deepEqual(lineParser('raw', d)(Buffer.from('p')), { topic: 'def', payload: Buffer.from('p'), qos: 1, retain: false, properties: undefined });
  const tab = lineParser('tab', d);
  assert.deepEqual(tab(Buffer.from('a/b\tx\ty')), { topic: 'a/b', payload: Buffer.from('x\ty'), qos: 1, retain: false, properties: undefined });
  assert.equal(tab(Buffer.from('nope')), 'no TAB between topic and payload');
  assert.equal(tab(Buffer.from('a/#\tx')), "'a/#': wildcards (+ #) are not allowed in a topic to publish to");
  const json = lineParser('json', d);
  assert.deepEqual(json(Buffer.from('{"topic":"t","payload":"hi","qos":2,"retain":1,"properties":{"content-type":"text/plain","user-properties":{"k":"v"}}}')),
    { topic: 't', payload: Buffer.from('hi'), qos: 2, retain: true, properties: { contentType: 'text/plain', userPropertyList: [['k', 'v']] } });
  assert.deepEqual(json(Buffer.from('{"payload":{"n":1}}')), { topic: 'def', payload: Buffer.from('{"n":1}'), qos: 1, retain: false, properties: undefined });
  assert.equal(json(Buffer.from('{"topic":"t","qos":3}')), '"qos" must be 0, 1 or 2');
  assert.equal(json(Buffer.from('[1]')), 'a JSON object {"topic": ..., "payload": ...} is expected');
  assert.match(json(Buffer.from('{oops')) as string, /^not valid JSON \(/);
  assert.equal(lineParser('json', { ...d, topic: undefined })(Buffer.from('{"payload":"x"}')), 'no "topic" (and no -t default)');
  assert.equal(lineParser('json', { ...d, v5: false })(Buffer.from('{"topic":"t","properties":{"contentType":"x"}}')), '"properties" need MQTT 5 (-V 5)');
  assert.equal(json(Buffer.from('{"topic":"t","properties":{"foo":1}}')), 'unknown property "foo"');
});

test('--changes-only: per topic, compared with the last one sent', () => {
  const f = new ChangeFilter();
  const m = (topic: string, p: string) => ({ topic, payload: Buffer.from(p), qos: 0 as const, retain: false });
  assert.deepEqual([m('a', '1'), m('a', '1'), m('b', '1'), m('a', '2'), m('a', '1'), m('a', '1')].map((x) => f.isRepeat(x)),
    [false, true, false, false, false, true]);
});

test('templates: placeholders filled per message, others kept', () => {
  assert.equal(compileTemplate(Buffer.from('plain {{other}}')), undefined);
  const t = compileTemplate(Buffer.from('{"n":{{counter}},"ts":{{now_ms}},"r":{{random}},"u":"{{uuid}}","d":"{{now}}","x":"{{x}}"}'))!;
  const before = Date.now();
  const o = JSON.parse(t.render(7).toString());
  assert.equal(o.n, 7);
  assert.ok(o.ts >= before && o.ts <= Date.now());
  assert.ok(o.r >= 0 && o.r < 1);
  assert.match(o.u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(!Number.isNaN(Date.parse(o.d)));
  assert.equal(o.x, '{{x}}');
  assert.deepEqual(compileTemplate(Buffer.from([0xff, 0x7b, 0x7b, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x7d, 0x7d, 0xfe]))!.render(12),
    Buffer.from([0xff, 0x31, 0x32, 0xfe]));
});
