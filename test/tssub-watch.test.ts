// tssub -w/--watch (mosquitto develop's watch mode): on a terminal (a real pty of a set size) the
// exact bytes of a short sequence of messages: cleared screen, "Broker: host", one line per topic
// rewritten in place, cut to the width, topics past the screen sharing its last line; without a
// terminal -w changes nothing. fitLine (one terminal line of a message) in-process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { binPath, runBin, spawnBin, spawnProcess } from './helpers/run-bin.ts';
import { mosqPub, requireMosquittoClients } from './helpers/mosq-clients.ts';
import { fitLine } from '../src/cli/output/watch.ts';

let m: Mosquitto;
let n = 0;

before(async () => {
  requireMosquittoClients();
  m = await startMosquitto();
});
after(async () => { await m.stop(); });

const ESC = '\u001b';
const at = (row: number): string => `${ESC}[${row};1H`;
const line = (row: number, text: string): string => `${at(row)}${ESC}[2K${text}`;

/** tssub on a rows x cols pty; once subscribed, each [topic, payload] is published in order */
async function watchOnPty(rows: number, cols: number, args: string[], messages: [string, string][], env: Record<string, string> = {}) {
  const id = `watch-${++n}`;
  const base = `w${n}`;
  const mark = m.logMark();
  const run = spawnProcess('python3', ['test/helpers/pty-run.py', String(rows), String(cols),
    process.execPath, binPath('tssub'), '-p', String(m.port), '-i', id, '-t', `${base}/#`, '-C', String(messages.length), '-w', ...args], { env });
  await m.waitForLog(`Sending SUBACK to ${id}`, 5000, mark);
  for (const [topic, payload] of messages) {
    const r = await mosqPub(['-p', String(m.port), '-t', `${base}/${topic}`, '-m', payload, '-q', '1']);
    assert.equal(r.code, 0, r.stderr);
  }
  return { base, result: await run.exited() };
}

test('-w on a terminal: fixed lines per topic, erased and rewritten, cut to the width, overflow on the last line', async () => {
  const { base, result } = await watchOnPty(5, 20, ['-F', '%t=%p'], [
    ['a', '1'], ['b', 'hello'], ['a', '22'], ['c', 'a-very-long-payload-here'], ['d', 'x\ty'],
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  const t = (s: string): string => `${base}/${s}`;
  assert.equal(result.out, [
    `${ESC}[2J${at(1)}Broker: localhost\r\n`,
    line(2, `${t('a')}=1`), at(3),
    line(3, `${t('b')}=hello`), at(4),
    line(2, `${t('a')}=22`), at(4),
    // the third topic takes the last free row (row 5 is where the cursor rests); 20 cells at most
    line(4, `${t('c')}=a-very-long-payload-here`.slice(0, 20)), at(5),
    // a fourth topic does not fit: it shares the last row; the tab shows as a space
    line(4, `${t('d')}=x y`), at(5),
  ].join(''));
});

test('-w -v on a terminal: the coloured topic costs no width, wide characters two cells, colour reset at the end', async () => {
  const { base, result } = await watchOnPty(10, 12, ['-v'], [['a', 'on'], ['b', '日本語です']]);
  assert.equal(result.code, 0, result.stderr);
  const topic = (s: string): string => `${ESC}[35m${base}/${s}${ESC}[39m`;
  const a = `${base}/a on`;
  assert.ok(a.length <= 12, 'the first line fits');
  // "wN/b " takes 5 (or 6) cells; each of 日本語です takes two, so only whole characters that fit
  const room = 12 - `${base}/b `.length;
  const wide = '日本語です'.slice(0, Math.floor(room / 2));
  assert.equal(result.out, [
    `${ESC}[2J${at(1)}Broker: loca\r\n`,
    line(2, `${topic('a')} on${ESC}[0m`), at(3),
    line(3, `${topic('b')} ${wide}${ESC}[0m`), at(4),
  ].join(''));
});

test('-w without a terminal: the output is exactly that without -w', async () => {
  const outs: string[] = [];
  for (const w of [['-w'], []]) {
    const id = `watch-pipe-${++n}`;
    const t = `wp${n}`;
    const mark = m.logMark();
    const sub = spawnBin('tssub', ['-p', String(m.port), '-i', id, '-t', `${t}/#`, '-v', '-C', '2', ...w]);
    await m.waitForLog(`Sending SUBACK to ${id}`, 5000, mark);
    for (const [topic, payload] of [['a', '1'], ['a', '2']]) {
      const r = await mosqPub(['-p', String(m.port), '-t', `${t}/${topic}`, '-m', payload, '-q', '1']);
      assert.equal(r.code, 0, r.stderr);
    }
    const r = await sub.exited();
    assert.deepEqual([r.code, r.stderr], [0, '']);
    outs.push(r.out.replaceAll(t, 'T'));
  }
  assert.deepEqual(outs, ['T/a 1\nT/a 2\n', 'T/a 1\nT/a 2\n']);
});

test('-w and --watch are accepted and listed in --help', async () => {
  const r = await runBin('tssub', ['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /-w, --watch +on a terminal: one fixed line per topic, updated in place/);
});

test('fitLine: line end dropped, controls as spaces, escapes kept at no width, wide characters two cells', () => {
  assert.equal(fitLine('abc\n', 10), 'abc');
  assert.equal(fitLine('a\tb\rc\u0000d', 10), 'a b c d');
  assert.equal(fitLine('abcdef', 4), 'abcd');
  assert.equal(fitLine(`${ESC}[92mabcdef${ESC}[0m`, 3), `${ESC}[92mabc${ESC}[0m`);
  assert.equal(fitLine('日本語', 5), '日本');
  assert.equal(fitLine('a😀b', 3), 'a😀');
  assert.equal(fitLine('e\u0301x', 2), 'e\u0301x');
  assert.equal(fitLine('{\n  "k": 1\n}', 40), '{   "k": 1 }');
});
