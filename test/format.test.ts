// The -F compiler/renderer, cJSON-exact %j/%J, strftime codes and the -v / plain / --json printers,
// on exact bytes. (The same formats are compared with the real mosquitto_sub in tssub-compare.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrinter, OutBuffer } from '../src/cli/output/index.ts';
import { compileFormat } from '../src/cli/output/compile.ts';
import { cjsonNumber, parseCJ, printCJ } from '../src/cli/output/cjson.ts';
import { strftimeOne } from '../src/cli/output/strftime.ts';
import { UsageError } from '../src/cli/runtime/errors.ts';
import type { InboundMessage } from '../src/session/types.ts';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5) + 678.9; // 2026-01-02T03:04:05.678900Z

const v5msg: InboundMessage = {
  topic: 'w/topic', payload: Buffer.from('hello'), qos: 1, retain: true, dup: false, messageId: 7,
  properties: {
    userProperties: { k: ['v', 'w'], z: 'y' }, contentType: 'text/plain', correlationData: Buffer.from('cd1'),
    responseTopic: 'rt/x', payloadFormatIndicator: true, messageExpiryInterval: 3000, subscriptionIdentifier: 4,
  },
};
const v3msg: InboundMessage = { topic: 'a/b', payload: Buffer.from([0x68, 0x00, 0xff, 0x0a]), qos: 0, retain: false, dup: false };
const empty: InboundMessage = { topic: 'e', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false };

function render(fmt: string | undefined, msg: InboundMessage, o: { verbose?: boolean; eol?: boolean; pretty?: boolean; json?: boolean; color?: boolean } = {}): { out: Buffer; warnings: string[] } {
  const warnings: string[] = [];
  const p = createPrinter({
    format: fmt, verbose: o.verbose ?? false, eol: o.eol ?? true, pretty: o.pretty ?? false, json: o.json ?? false,
    decorate: o.color === undefined ? undefined : { color: o.color }, warn: (l) => warnings.push(l),
  });
  const out = new OutBuffer(16);
  p.print(out, msg, NOW);
  return { out: out.take(), warnings };
}
const text = (fmt: string, msg: InboundMessage = v5msg, o = {}): string => render(fmt, msg, o).out.toString('latin1');

test('MQTT fields with flags, width and precision (mosquitto develop rules)', () => {
  const cases: Array<[string, string]> = [
    ['%t', 'w/topic\n'], ['%10t|', '   w/topic|\n'], ['%-10t|', 'w/topic   |\n'], ['%010t|', '   w/topic|\n'],
    ['%.3t|', 'w/t|\n'], ['%10.3t|', '       w/t|\n'], ['%-10.3t|', 'w/t       |\n'],
    ['%p', 'hello\n'], ['%8p|', '   hello|\n'], ['%3p|', 'hel|\n'], ['%-8p|', 'hello   |\n'], ['%08p|', '000hello|\n'],
    // a width cuts the payload to `width` bytes and pads the whole hex; left-aligned, printf("%*s", padlen)
    // prints |padlen| spaces even when padlen is negative (as "%-p" does in 2.0.11 too)
    ['%x', '68656c6c6f\n'], ['%X', '68656C6C6F\n'], ['%14x|', '    68656c6c6f|\n'], ['%-14x|', '68656c6c6f    |\n'],
    ['%014X|', '000068656C6C6F|\n'], ['%8x|', '68656c6c6f|\n'], ['%-8x|', '68656c6c6f  |\n'], ['%3x|', '68656c|\n'],
    ['%-p|', 'hello     |\n'], ['%-x|', '68656c6c6f     |\n'], ['%l', '5\n'], ['%5l|', '    5|\n'], ['%-5l|', '5    |\n'], ['%05l|', '00005|\n'], ['%-05l|', '5    |\n'],
    ['%m', '7\n'], ['%q %r', '1 1\n'], ['%3q|%3r|', '1|1|\n'], ['%%|%5%', '%|%\n'],
    ['%C|%10C|%-12C|%.3C|', 'text/plain|text/plain|text/plain  |tex|\n'],
    ['%R|%6R|%.2R', 'rt/x|  rt/x|rt\n'], ['%D', 'cd1\n'], ['%E|%6E|%-6E|%06E', '3000|  3000|3000  |003000\n'],
    ['%F|%3F', '1|  1\n'], ['%S|%03S', '4|004\n'], ['%P', 'k:v k:w z:y\n'],
    ['%A|%5A|%05A|', '|     |00000|\n'],
  ];
  for (const [fmt, want] of cases) assert.equal(text(fmt), want, fmt);
});

test('missing v5 properties: pad chars for %A %C %E %F %S (develop; 2.0.11 pads %C with spaces), nothing for %R %D %P', () => {
  assert.equal(text('[%5A][%05E][%3F][%02S][%4C][%04C][%4R][%D][%P]', v3msg), '[     ][00000][   ][00][    ][0000][][][]\n');
});

test('escapes, @@ and raw payload bytes (no UTF-8 round trip)', () => {
  const r = render('\\\\\\0\\a\\e\\n\\r\\t\\v@@%p', v3msg).out;
  assert.deepEqual([...r], [0x5c, 0, 7, 0x1b, 10, 13, 9, 11, 0x40, 0x68, 0x00, 0xff, 0x0a, 0x0a]);
  assert.deepEqual([...render('é%t', { ...v3msg, topic: 'ü' }).out], [0xc3, 0xa9, 0xc3, 0xbc, 10]);
  assert.equal(render('%p', v3msg, { eol: false }).out.length, 4);
});

test('bad -F strings are usage errors with mosquitto develop\'s messages (check_format)', () => {
  const bad: Array<[string, string]> = [
    ['%', 'Incomplete format specifier.'], ['a%', 'Incomplete format specifier.'], ['%5', 'Incomplete format specifier.'],
    ['%.', 'Incomplete format specifier.'], ['%-', 'Incomplete format specifier.'], ['x%12', 'Incomplete format specifier.'],
    ['%-0', 'Incomplete format specifier.'], ['%5.', 'Incomplete format specifier.'], ['%.5', 'Incomplete format specifier.'],
    ['@', 'Incomplete format specifier.'], ['%k', "Invalid format specifier 'k'."], ['%é', "Invalid format specifier 'é'."],
    // after the flags a '-' is a hex separator, so the width digit is the specifier
    ['%0-5l', "Invalid format specifier '5'."], ['%--5t', "Invalid format specifier '5'."],
    // a separator as the last character: develop prints C's terminating NUL as the specifier
    ['%:', "Invalid format specifier '\0'."], ['% ', "Invalid format specifier '\0'."], ['%.2:', "Invalid format specifier '\0'."],
    ['\\', 'Incomplete escape specifier.'], ['\\q', "Invalid escape specifier 'q'."],
  ];
  for (const [fmt, msg] of bad) {
    assert.throws(() => compileFormat(fmt), (e: unknown) => e instanceof UsageError && e.message === msg, fmt);
  }
});

test('develop\'s -F that 2.0.11 refuses: any specifier takes a hex separator; only %x/%X use it', () => {
  assert.equal(text('%:t|%.2 t|% p|%-:l|'), 'w/topic|w/|hello|5|\n');
});

test('grouped hex: %.Nx writes the separator after every N nibbles, pad characters counted', () => {
  const msg = { ...v3msg, payload: Buffer.from('message') };
  assert.equal(text('%.2x', msg), '6d 65 73 73 61 67 65\n');
  assert.equal(text('%.1x', msg), '6 d 6 5 7 3 7 3 6 1 6 7 6 5\n');
  assert.equal(text('%.2:x|%.4_X|%18x|%.0x', msg), '6d:65:73:73:61:67:65|6D65_7373_6167_65|    6d657373616765|6d657373616765\n');
  const p = { ...v3msg, payload: Buffer.from([0x18, 0x83, 0xab, 0x01, 0x02]) };
  assert.equal(text('%.2x|%.2:x|%.1-X|%.3x', p), '18 83 ab 01 02|18:83:ab:01:02|1-8-8-3-A-B-0-1-0-2|188 3ab 010 2\n');
  // the 4 pad characters of %14.2x count as nibbles: a separator after every second of them too
  assert.equal(text('%14.2x|%-14.2x|%014.2:x|', p), '      18 83 ab 01 02|18 83 ab 01 02    |00:00:18:83:ab:01:02|\n');
  assert.equal(text('[%.2x][%5.2x]', empty), '[][       ]\n');
});

test('%d / %f: an 8-byte double / 4-byte float payload as printf %f (exact, ties to even)', () => {
  const dbl = (v: number): InboundMessage => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return { ...v3msg, payload: b }; };
  const flt = (v: number): InboundMessage => { const b = Buffer.alloc(4); b.writeFloatLE(v); return { ...v3msg, payload: b }; };
  assert.equal(text('%d|%.2d|%8.1d|%-8.1d|%08.2d|%.0d', dbl(3.25)), '3.250000|3.25|     3.2|3.2     |00003.25|3\n');
  assert.equal(text('%d|%010.3d|%.2d', dbl(-2.5)), '-2.500000|-00002.500|-2.50\n');
  assert.equal(text('%.2d|%d|%.0d|%.20d', dbl(0.125)), '0.12|0.125000|0|0.12500000000000000000\n');
  assert.equal(text('%.0d|%.1d', dbl(1e21)), '1000000000000000000000|1000000000000000000000.0\n');
  assert.equal(text('%.3d', dbl(0.1)), '0.100\n');
  assert.equal(text('%.30d', dbl(0.1)), '0.100000000000000005551115123126\n');
  assert.equal(text('%d|%5d|%05d|%-5d|', dbl(-0)), '-0.000000|-0.000000|-0.000000|-0.000000|\n');
  assert.equal(text('%d|%5d|%05d|%-5d|', dbl(Infinity)), 'inf|  inf|  inf|inf  |\n');
  assert.equal(text('%d|%5d', dbl(-Infinity)), '-inf| -inf\n');
  const nan = { ...v3msg, payload: Buffer.from([0, 0, 0, 0, 0, 0, 0xf8, 0xff]) };
  assert.equal(text('%d|%6d', nan), '-nan|  -nan\n');
  assert.equal(text('%d', dbl(NaN)), 'nan\n');
  assert.equal(text('%f|%.1f|%.10f', flt(-1.5)), '-1.500000|-1.5|-1.5000000000\n');
  assert.equal(text('%.10f', flt(0.1)), '0.1000000015\n');
  // a payload of another size: nothing on stdout, a line on stderr, the next message goes on
  const r = render('[%d][%4f]', { ...v3msg, payload: Buffer.from('abc') });
  assert.equal(r.out.toString(), '[][]\n');
  assert.deepEqual(r.warnings, ['-F %d needs an 8-byte double payload, topic a/b has 3 bytes.', '-F %f needs a 4-byte float payload, topic a/b has 3 bytes.']);
});

test('time: @codes, @N, %U, %I use the message time (local time zone)', () => {
  const want = execFileSync('date', ['-d', `@${Math.floor(NOW / 1000)}`, '+%Y-%m-%d %H:%M:%S %z %a %A %b %B %e %j %p %y %F %T %D %s %u %w %C %I %k %l %R %V %G %U %W %h %c']).toString();
  assert.equal(text('@Y-@m-@d @H:@M:@S @z @a @A @b @B @e @j @p @y @F @T @D @s @u @w @C @I @k @l @R @V @G @U @W @h @c'), want);
  assert.equal(text('@N|%U'), `678900000|${Math.floor(NOW / 1000)}.678900000\n`);
  const iso = execFileSync('date', ['-d', `@${Math.floor(NOW / 1000)}`, '+%FT%T%z']).toString().trim();
  assert.equal(text('%I|%.10I|%30I'), `${iso}|${iso.slice(0, 10)}|${iso.padStart(30)}\n`);
  assert.equal(strftimeOne('Q', new Date(NOW)), '%Q');
});

test('%j (develop): field order, tst without Z, retain true/false, mid only for QoS > 0, properties in arrival order', () => {
  const tz = execFileSync('date', ['-d', `@${Math.floor(NOW / 1000)}`, '+%Y-%m-%dT%H:%M:%S.678900%z']).toString().trim();
  assert.equal(text('%j'), `{"tst":"${tz}","topic":"w/topic","qos":1,"retain":true,"payloadlen":5,"mid":7,"properties":{"user-properties":[{"k":"v"},{"k":"w"},{"z":"y"}],"content-type":"text/plain","correlation-data":"cd1","response-topic":"rt/x","payload-format-indicator":1,"message-expiry-interval":3000,"subscription-identifier":4},"payload":"hello"}\n`);
  // every PUBLISH property develop prints: the topic alias, several subscription identifiers
  const alias = { ...v3msg, properties: { topicAlias: 3, subscriptionIdentifier: [1, 2], payloadFormatIndicator: false } };
  assert.match(text('%j', alias), /"retain":false,"payloadlen":4,"properties":\{"topic-alias":3,"subscription-identifier":1,"subscription-identifier":2,"payload-format-indicator":0\},"payload":"h"\}\n$/);
  const esc = { ...v3msg, payload: Buffer.from('a"b\\c\td\x01\u00e9\x7f\n\b\f\r') };
  assert.equal(render('%j', esc).out.toString('utf8').replace(/"tst":"[^"]*",/, ''),
    '{"topic":"a/b","qos":0,"retain":false,"payloadlen":15,"payload":"a\\"b\\\\c\\td\\u0001\u00e9\x7f\\n\\b\\f\\r"}\n');
  // C string: cut at the first NUL; an empty payload is null
  assert.match(text('%j', v3msg), /"payloadlen":4,"payload":"h"}\n$/);
  assert.match(text('%j', empty), /"payloadlen":0,"payload":null}\n$/);
});

test('%j --pretty: cJSON_Print layout (tabs), the user-properties array', () => {
  const got = render('%j', { ...v5msg, properties: { userProperties: { k: ['v', 'w'] }, contentType: 'c' } }, { pretty: true }).out.toString().replace(/"tst":\t"[^"]*"/, '"tst":\tT');
  assert.equal(got, '{\n\t"tst":\tT,\n\t"topic":\t"w/topic",\n\t"qos":\t1,\n\t"retain":\ttrue,\n\t"payloadlen":\t5,\n\t"mid":\t7,\n\t"properties":\t{\n\t\t"user-properties":\t[{\n\t\t\t\t"k":\t"v"\n\t\t\t}, {\n\t\t\t\t"k":\t"w"\n\t\t\t}],\n\t\t"content-type":\t"c"\n\t},\n\t"payload":\t"hello"\n}\n');
});

test('%J: payload re-printed as cJSON prints it; invalid JSON warns and prints nothing for %J', () => {
  const j = (s: string): string => render('%J', { ...v3msg, payload: Buffer.from(s) }).out.toString().replace(/^.*"payload":/, '');
  assert.equal(j(' {"a" : [1, 2.50, -0, 1e3, "x\\u00e9\\/"], "a": true, "n": null } '), '{"a":[1,2.5,-0,1000,"x\u00e9/"],"a":true,"n":null}}\n');
  assert.equal(j('0.1'), '0.1}\n');
  assert.equal(j('3000000000'), '3000000000}\n');
  assert.equal(j('1e300'), '1e+300}\n');
  assert.equal(j('123456789.123456789'), '123456789.12345679}\n');
  const bad = render('[%J]', { ...v3msg, payload: Buffer.from('{"a":1,}') });
  assert.equal(bad.out.toString(), '[]\n');
  assert.deepEqual(bad.warnings, ['Message payload is not valid JSON on topic a/b.']);
  for (const s of ['', '{', '[1,]', '"\\x"', 'tru', '1 2', '+1', '.5', '{"a":1}\u0000']) {
    if (s) assert.equal(parseCJ(Buffer.from(s)), undefined, JSON.stringify(s));
  }
  const pretty = new OutBuffer();
  printCJ(pretty, parseCJ(Buffer.from('{"a":{},"b":[1,{"c":[]}]}'))!, true);
  assert.equal(pretty.take().toString(), '{\n\t"a":\t{\n\t},\n\t"b":\t[1, {\n\t\t\t"c":\t[]\n\t\t}]\n}');
  assert.equal(cjsonNumber(2147483647), '2147483647');
  assert.equal(cjsonNumber(0.30000000000000004), "0.3");
});

test('plain, -v and -N follow print_message(): empty payloads', () => {
  assert.equal(text(undefined as unknown as string, v5msg), 'hello\n');
  assert.equal(render(undefined, empty).out.length, 0);
  assert.equal(render(undefined, v5msg, { verbose: true }).out.toString(), 'w/topic hello\n');
  assert.equal(render(undefined, empty, { verbose: true }).out.toString(), 'e (null)\n');
  assert.equal(render(undefined, empty, { verbose: true, eol: false }).out.length, 0);
  assert.equal(render(undefined, v5msg, { verbose: true, eol: false }).out.toString(), 'w/topic hello');
  assert.equal(render('%t', v5msg, { verbose: true, eol: false }).out.toString(), 'w/topic');
});

test('-v: a terminal only colours the topic; --pretty (terminal or not) indents a JSON payload, tokens kept', () => {
  const j = { ...v3msg, payload: Buffer.from('{"a":1}') };
  assert.equal(render(undefined, j, { verbose: true, color: true }).out.toString(), '\u001b[35ma/b\u001b[39m {"a":1}\n');
  assert.equal(render(undefined, j, { verbose: true, color: false }).out.toString(), 'a/b {"a":1}\n');
  assert.equal(render(undefined, j, { verbose: true, pretty: true }).out.toString(), 'a/b {\n  "a": 1\n}\n');
  assert.equal(render(undefined, j, { verbose: true, pretty: true, color: true }).out.toString(), '\u001b[35ma/b\u001b[39m {\n  "a": 1\n}\n');
  const raw = ' {"n": 12345678901234567890, "n": 1.50, "s":"a\\"}", "e": {}, "l": [ ], "x": [1,[2]]}';
  assert.equal(render(undefined, { ...v3msg, payload: Buffer.from(raw.trim()) }, { verbose: true, pretty: true }).out.toString(),
    'a/b {\n  "n": 12345678901234567890,\n  "n": 1.50,\n  "s": "a\\"}",\n  "e": {},\n  "l": [],\n  "x": [\n    1,\n    [\n      2\n    ]\n  ]\n}\n');
  for (const p of ['{"a":', 'plain', '[1,]', '"s"', '12']) {
    assert.equal(render(undefined, { ...v3msg, payload: Buffer.from(p) }, { verbose: true, pretty: true }).out.toString(), `a/b ${p}\n`, p);
  }
  assert.equal(render(undefined, v5msg, { verbose: true, color: false }).out.toString(), 'w/topic hello\n');
});

test('--json: text or base64 payload, every property, user properties in order with duplicates', () => {
  const a = JSON.parse(render(undefined, v5msg, { json: true }).out.toString());
  assert.deepEqual(a, {
    v: 1, tst: '2026-01-02T03:04:05.678Z', topic: 'w/topic', qos: 1, retain: true, mid: 7, payloadlen: 5, encoding: 'utf8', payload: 'hello',
    properties: {
      userProperties: [['k', 'v'], ['k', 'w'], ['z', 'y']], contentType: 'text/plain', correlationData: 'cd1', correlationDataEncoding: 'utf8',
      responseTopic: 'rt/x', payloadFormatIndicator: 1, messageExpiryInterval: 3000, subscriptionIdentifier: 4,
    },
  });
  const b = render(undefined, v3msg, { json: true }).out.toString();
  assert.equal(b, '{"v":1,"tst":"2026-01-02T03:04:05.678Z","topic":"a/b","qos":0,"retain":false,"payloadlen":4,"encoding":"base64","payload":"aAD/Cg=="}\n');
});

test('OutBuffer grows and take() returns a copy', () => {
  const o = new OutBuffer(2);
  o.str('héllo'); o.fill(0x2e, 3); o.bytes(Buffer.from([1, 2]));
  const a = o.take();
  o.ascii('z');
  assert.deepEqual(a, Buffer.concat([Buffer.from('héllo...'), Buffer.from([1, 2])]));
  assert.equal(o.take().toString(), 'z');
});
