// tsclear as a black box against a real mosquitto: exact stdout, stderr and exit codes; what is
// retained afterwards is read by the real mosquitto_sub, not by tsclear.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.ts';
import { runBin, spawnProcess, binPath, isolatedHome, use1, use2 } from './helpers/run-bin.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { branch, connect, lines, retainedNow, seed } from './helpers/tsclear-helpers.ts';
import { startEmbedded } from './helpers/embedded.ts';

let m: Mosquitto;
let port: string;
let authPort: string;
const QUIET = '(snapshot ended after 300 ms without a retained message)';
const ADMIN = ['-u', 'admin', '-P', 'a'];

before(async () => {
  m = await startMosquitto({
    listeners: [
      { name: 'tcp', kind: 'tcp' },
      {
        name: 'auth', kind: 'tcp', auth: {
          passwords: { admin: 'a', clerk: 'c' },
          acl: 'user admin\ntopic readwrite #\nuser clerk\ntopic readwrite +/open/#\ntopic read +/locked/#\n',
        },
      },
    ],
    extra: 'max_queued_messages 1000',   // mosquitto's default
  });
  port = String(m.port);
  authPort = String(m.ports.auth);
});
after(async () => { await m?.stop(); });

const topicsOf = (msgs: Array<[string, string]>): string[] => msgs.map(([t]) => t).sort();
const tsv = (msgs: Array<[string, string]>): string => [...msgs].sort((a, b) => (a[0] < b[0] ? -1 : 1))
  .map(([t, p]) => `${t}\t${Buffer.byteLength(p)}\t${p.length > 40 ? `${JSON.stringify(p.slice(0, 40))}…` : JSON.stringify(p)}\n`).join('');

test('clears exactly one branch out of thousands of retained topics', async () => {
  const a = branch('bb1/a', 1200);
  const b = branch('bb1/b', 1200);
  const c = branch('bb1/c', 600);
  await seed(m.port, [...a, ...b, ...c]);
  const r = await runBin('tsclear', ['-p', port, '-t', 'bb1/b/#', '--yes']);
  assert.equal(r.stderr, `Cleared 1200 retained messages under 'bb1/b/#' ${QUIET}.\n`);
  assert.equal(r.out, '');
  assert.equal(r.code, 0);
  assert.deepEqual(await retainedNow(m.port, 'bb1/#'), lines([...a, ...c]));
});

test('--dry-run lists topic, size and preview, and clears nothing', async () => {
  const msgs = branch('bb2', 25);
  msgs.push(['bb2/long', 'x'.repeat(45)], ['bb2/quote', 'say "hi"\tbye']);
  await seed(m.port, msgs);
  const r = await runBin('tsclear', ['-p', port, '-t', 'bb2/#', '-n']);
  assert.equal(r.out, tsv(msgs));
  assert.ok(r.out.endsWith(`bb2/long\t45\t"${'x'.repeat(40)}"…\nbb2/quote\t12\t"say \\"hi\\"\\tbye"\n`));
  assert.equal(r.stderr, `Would clear 27 retained messages under 'bb2/#' (dry run, nothing cleared; snapshot ended after 300 ms without a retained message).\n`);
  assert.equal(r.code, 0);
  assert.deepEqual(await retainedNow(m.port, 'bb2/#'), lines(msgs));
});

test('a binary payload is previewed as hex', async () => {
  const c = await connect(m.port);
  await c.publish({ topic: 'bb3/bin', payload: Buffer.from([0, 1, 2, 0xff]), qos: 1, retain: true });
  await c.end();
  const r = await runBin('tsclear', ['-p', port, '-t', 'bb3/#', '--dry-run']);
  assert.equal(r.out, 'bb3/bin\t4\t0x000102ff\n');
  assert.equal(r.code, 0);
});

test('without a terminal and without --yes it refuses and clears nothing', async () => {
  const msgs = branch('bb4', 3);
  await seed(m.port, msgs);
  const r = await runBin('tsclear', ['-p', port, '-t', 'bb4/#']);
  assert.equal(r.stderr, 'Error: refusing to clear 3 retained messages without confirmation (no terminal to ask on): add --yes to clear them, or --dry-run to list them.\n');
  assert.equal(r.out, '');
  assert.equal(r.code, 1);
  assert.deepEqual(await retainedNow(m.port, 'bb4/#'), lines(msgs));
});

test('nothing found: exit 0 and says so', async () => {
  const r = await runBin('tsclear', ['-p', port, '-t', 'bb5/#', '-t', 'bb5b/+']);
  assert.equal(r.stderr, `No retained messages to clear under 'bb5/#', 'bb5b/+' ${QUIET}.\n`);
  assert.equal(r.out, '');
  assert.equal(r.code, 0);
});

test('-T and --match exclusions hold; -v lists the cleared topics', async () => {
  const msgs = branch('bb6', 40);
  await seed(m.port, msgs);
  // -T drops bb6/3/... and bb6/7/...; --match keeps topics ending in 0-4
  const r = await runBin('tsclear', ['-p', port, '-t', 'bb6/#', '-T', 'bb6/3/#', '-T', 'bb6/7/+', '--match', '[0-4]$', '-y', '-v']);
  const cleared = topicsOf(msgs).filter((t) => !/^bb6\/[37]\//.test(t) && /[0-4]$/.test(t));
  const kept = msgs.filter(([t]) => !cleared.includes(t));
  assert.equal(cleared.length, 16);
  assert.equal(r.out, `${cleared.join('\n')}\n`);
  assert.equal(r.stderr, `Cleared 16 retained messages under 'bb6/#' (24 excluded by -T/--match; snapshot ended after 300 ms without a retained message).\n`);
  assert.equal(r.code, 0);
  assert.deepEqual(await retainedNow(m.port, 'bb6/#'), lines(kept));
});

test('-L gives host, port and the filter; -t adds more filters', async () => {
  await seed(m.port, [['bb11/a', '1'], ['bb11b/x', '2'], ['bb11c/y', '3']]);
  const r = await runBin('tsclear', ['-L', `mqtt://127.0.0.1:${port}/bb11/#`, '-t', 'bb11b/#', '-y', '-v']);
  assert.equal(r.out, 'bb11/a\nbb11b/x\n');
  assert.equal(r.stderr, `Cleared 2 retained messages under 'bb11/#', 'bb11b/#' ${QUIET}.\n`);
  assert.equal(r.code, 0);
  assert.deepEqual(await retainedNow(m.port, 'bb11/#', ['-t', 'bb11b/#', '-t', 'bb11c/#']), ['bb11c/y 3']);
});

test('--json: the whole report as one document, dry run and real', async () => {
  await seed(m.port, [['bb7/a', 'one'], ['bb7/b', 'two'], ['bb7/skip', 'three']]);
  const found = [
    { topic: 'bb7/a', bytes: 3, preview: 'one', binary: false, truncated: false },
    { topic: 'bb7/b', bytes: 3, preview: 'two', binary: false, truncated: false },
  ];
  const doc = (dryRun: boolean, cleared: string[]) => ({
    filters: ['bb7/#'], exclude: ['bb7/skip'], match: null, dryRun,
    snapshot: { endedBy: 'quiet', quietMs: 300, excluded: 1 }, found, cleared, failed: [], verified: false,
  });
  const dry = await runBin('tsclear', ['-p', port, '-t', 'bb7/#', '-T', 'bb7/skip', '--json', '-n']);
  assert.equal(dry.stderr, '');
  assert.equal(dry.code, 0);
  assert.ok(dry.out.endsWith('}\n') && dry.out.indexOf('\n') === dry.out.length - 1, dry.out);
  assert.deepEqual(JSON.parse(dry.out), doc(true, []));
  const real = await runBin('tsclear', ['-p', port, '-t', 'bb7/#', '-T', 'bb7/skip', '--json', '--yes']);
  assert.equal(real.stderr, '');
  assert.equal(real.code, 0);
  assert.deepEqual(JSON.parse(real.out), doc(false, ['bb7/a', 'bb7/b']));
  assert.deepEqual(await retainedNow(m.port, 'bb7/#'), ['bb7/skip three']);
});

test('MQTT 5: an ACL that forbids some topics gives exit 1 naming them, the others are cleared', async () => {
  const open = branch('bacl5/open', 30);
  const locked = branch('bacl5/locked', 3);
  await seed(m.ports.auth!, [...open, ...locked], { username: 'admin', password: 'a' });
  const r = await runBin('tsclear', ['-p', authPort, '-u', 'clerk', '-P', 'c', '-t', 'bacl5/#', '-y']);
  assert.equal(r.stderr, [
    `Cleared 30 of 33 retained messages under 'bacl5/#'; 3 failed ${QUIET}.`,
    ...topicsOf(locked).map((t) => `Error: could not clear '${t}': not authorized (0x87)`),
  ].join('\n') + '\n');
  assert.equal(r.out, '');
  assert.equal(r.code, 1);
  assert.deepEqual(await retainedNow(m.ports.auth!, 'bacl5/#', ADMIN), lines(locked));
});

test('MQTT 3.1.1: the silently dropped clears are found by reading back, exit 1', async () => {
  const open = branch('bacl3/open', 20);
  const locked = branch('bacl3/locked', 2);
  await seed(m.ports.auth!, [...open, ...locked], { username: 'admin', password: 'a' });
  const r = await runBin('tsclear', ['-p', authPort, '-u', 'clerk', '-P', 'c', '-V', '311', '-t', 'bacl3/#', '-y', '--json']);
  assert.equal(r.stderr, topicsOf(locked).map((t) => `Error: could not clear '${t}': still retained after clearing `
    + '(the broker accepted the clear but kept the message: denied by its ACL?)\n').join(''));
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.out) as { cleared: string[]; failed: Array<{ topic: string }>; verified: boolean };
  assert.deepEqual(doc.cleared, topicsOf(open));
  assert.deepEqual(doc.failed.map((f) => f.topic), topicsOf(locked));
  assert.equal(doc.verified, true);
  assert.deepEqual(await retainedNow(m.ports.auth!, 'bacl3/#', ADMIN), lines(locked));
});

test('more than 20 failures: 20 lines and a count of the rest', async () => {
  const locked = branch('bacl20/locked', 23);
  await seed(m.ports.auth!, locked, { username: 'admin', password: 'a' });
  const r = await runBin('tsclear', ['-p', authPort, '-u', 'clerk', '-P', 'c', '-t', 'bacl20/#', '-y']);
  const errs = r.stderr.split('\n').slice(1, -1);
  assert.equal(errs.length, 21);
  assert.deepEqual(errs.slice(0, 20), topicsOf(locked).slice(0, 20).map((t) => `Error: could not clear '${t}': not authorized (0x87)`));
  assert.equal(errs[20], 'Error: ... and 3 more topics not cleared (--json lists them all).');
  assert.equal(r.code, 1);
});

test('options come from ~/.config/tsclear, the command line wins', async () => {
  await seed(m.port, [['bb12/a', '1']]);
  const home = isolatedHome();
  // --yes only from the file (else: refused, no terminal); -p 1 from the file loses to the command line
  writeFileSync(join(home, '.config', 'tsclear'), '# defaults\n-p 1\n--yes\n');
  const r = await runBin('tsclear', ['-t', 'bb12/#', '-p', port, '--json'], { home });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.deepEqual((JSON.parse(r.out) as { cleared: string[] }).cleared, ['bb12/a']);
});

test('-q 0 has no acknowledgement: the clears are read back; --no-verify trusts them', async () => {
  const open = branch('bacl0/open', 5);
  const locked = branch('bacl0/locked', 1);
  await seed(m.ports.auth!, [...open, ...locked], { username: 'admin', password: 'a' });
  const clerk = ['-p', authPort, '-u', 'clerk', '-P', 'c', '-t', 'bacl0/#', '-y', '-q', '0'];
  const r = await runBin('tsclear', clerk);
  assert.equal(r.stderr, `Cleared 5 of 6 retained messages under 'bacl0/#'; 1 failed ${QUIET}.\n`
    + `Error: could not clear '${locked[0]![0]}': still retained after clearing (the broker accepted the clear but kept the message: denied by its ACL?)\n`);
  assert.equal(r.code, 1);
  const trusting = await runBin('tsclear', [...clerk, '--no-verify']);
  assert.equal(trusting.stderr, `Cleared 1 retained message under 'bacl0/#' ${QUIET}.\n`);
  assert.equal(trusting.code, 0);
  assert.deepEqual(await retainedNow(m.ports.auth!, 'bacl0/#', ADMIN), lines(locked));
});

test('the snapshot ends on live messages and says so', async () => {
  await seed(m.port, [['bb8/r', 'kept']]);
  const pub = await connect(m.port);
  const live = setInterval(() => { void pub.publish({ topic: 'bb8/live', payload: Buffer.from('x'), qos: 0, retain: false }); }, 20);
  try {
    const r = await runBin('tsclear', ['-p', port, '-t', 'bb8/#', '--quiet-time', '600', '-y']);
    assert.equal(r.stderr, "Cleared 1 retained message under 'bb8/#' (snapshot ended by a live message on every filter).\n");
    assert.equal(r.code, 0);
  } finally {
    clearInterval(live);
    await pub.end();
  }
});

test('refused connection: exit code is the CONNACK reason code', async () => {
  const v5 = await runBin('tsclear', ['-p', authPort, '-u', 'clerk', '-P', 'wrong', '-t', 'x/#', '-y']);
  // mosquitto 2.0 answers a wrong password with 0x87 (v5) / 5 (v3): not authorised
  assert.equal(v5.stderr, 'Error: Connection refused: not authorized\n');
  assert.equal(v5.code, 135);
  const v3 = await runBin('tsclear', ['-p', authPort, '-u', 'clerk', '-P', 'wrong', '-V', '311', '-t', 'x/#', '-y']);
  assert.equal(v3.stderr, 'Error: Connection refused: not authorised\n');
  assert.equal(v3.code, 5);
});

const BAD: Array<[string[], string]> = [
  [[], use1('tsclear', "Error: You must specify a topic filter to clear (-t), e.g. tsclear -t 'devices/#' --dry-run")],
  [['-t', 'a/#/b'], use1('tsclear', "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?")],
  [['-t', 'x', '-T', 'a+'], use1('tsclear', "Error: Invalid filter topic 'a+', are all '+' and '#' wildcards correct?")],
  [['-t', 'x', '--match', '('], use2('tsclear', "Error: Invalid --match regular expression '(': Unterminated group.")],
  [['-t', 'x', '--quiet-time', '0'], use2('tsclear', 'Error: --quiet-time argument must be more than 0 seconds (e.g. 0.3).')],
  [['-t', 'x', '--quiet-time', 'soon'], use2('tsclear', 'Error: --quiet-time argument must be a number of seconds from 0 to 2147483.')],
  [['-t', 'x', '--verify', '--no-verify'], use2('tsclear', 'Error: --verify and --no-verify cannot be used together.')],
  [['-t', 'x', '-q', '3'], use1('tsclear', 'Error: Invalid QoS given: 3')],
  [['-t', 'x', '--confirm-above', '-1'], use2('tsclear', 'Error: Invalid --confirm-above value given, it must be between 0 and 2147483647 inclusive.')],
  [['-t', 'x', '-V', '311', '-D', 'connect', 'user-property', 'a', 'b'], use1('tsclear', 'Error: -D sets MQTT 5 properties, but -V asks for MQTT 3.1.1; drop -V or use -V 5.')],
  [['-t', '$share/g/x/#'], use1('tsclear', "Error: Invalid subscription topic '$share/g/x/#': a shared subscription receives no retained messages; use the filter without '$share/<group>/'.")],
  [['-t', 'x', '--retained-only'], use1('tsclear', "Error: Unknown option '--retained-only'.")],
];

test('bad input: one error line, exit 1, no connection attempted', async () => {
  for (const [args, err] of BAD) {
    // port 1 would refuse: an error about connecting would show that parsing let it through
    const r = await runBin('tsclear', ['-p', '1', ...args]);
    assert.equal(r.stderr, err, args.join(' '));
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.out, '', args.join(' '));
  }
});

/** Run tsclear on a pseudo-terminal (util-linux `script`), typing `answer`; output is stdout+stderr as the terminal saw it. */
async function onTerminal(args: string[], answer: string, tty: { term?: string; cols?: number } = {}): Promise<{ code: number | null; screen: string }> {
  const cmd = [process.execPath, binPath('tsclear'), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const size = tty.cols === undefined ? '' : `stty cols ${tty.cols} rows 30; `;
  const r = await spawnProcess('script', ['-qec', size + cmd, '/dev/null'], { stdin: answer, env: { TERM: tty.term ?? 'dumb' } }).exited();
  // eslint-disable-next-line no-control-regex
  return { code: r.code, screen: r.out.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '') };
}

test('on a terminal it asks above --confirm-above: "y" clears, anything else does not', async () => {
  const msgs = branch('bb9', 12);
  await seed(m.port, msgs);
  const no = await onTerminal(['-p', port, '-t', 'bb9/#'], 'n\n');
  assert.match(no.screen, /Found 12 retained messages under 'bb9\/#':\n {2}bb9\/0\/t0\n[^]*  … and 2 more \(--dry-run lists them all\)\nClear them\? \[y\/N\] /);
  assert.match(no.screen, /Error: not confirmed: nothing was cleared\.\n$/);
  assert.equal(no.code, 1);
  assert.deepEqual(await retainedNow(m.port, 'bb9/#'), lines(msgs));

  const yes = await onTerminal(['-p', port, '-t', 'bb9/#'], 'y\n');
  assert.match(yes.screen, /Clear them\? \[y\/N\] /);
  assert.match(yes.screen, /Cleared 12 retained messages under 'bb9\/#' \(snapshot ended after 300 ms without a retained message\)\.\n$/);
  assert.equal(yes.code, 0);
  assert.deepEqual(await retainedNow(m.port, 'bb9/#'), []);

  // at or below the threshold there is no question
  await seed(m.port, [['bb9/one', '1']]);
  const quiet = await onTerminal(['-p', port, '-t', 'bb9/#'], '');
  assert.doesNotMatch(quiet.screen, /Clear them/);
  assert.match(quiet.screen, /Cleared 1 retained message under 'bb9\/#'/);
  assert.equal(quiet.code, 0);
});

test('a progress line on a terminal for large snapshots and clears, and it ends', async () => {
  await seed(m.port, branch('bb10', 1200));
  // --quiet-time 2 leaves ora (loaded lazily at 500 found) time to draw during the snapshot
  const wide = await onTerminal(['-p', port, '-t', 'bb10/#', '--yes', '--quiet-time', '2'], '', { term: 'xterm', cols: 100 });
  assert.match(wide.screen, /Reading retained messages: 1200 found/);
  assert.match(wide.screen, /Cleared 1200 retained messages under 'bb10\/#' \(snapshot ended after 2000 ms without a retained message\)\.\n$/);
  assert.equal(wide.code, 0);
  // a pty of width 0 (script's default): ora 9.4 would loop forever, so no spinner there
  await seed(m.port, branch('bb10', 600));
  const narrow = await onTerminal(['-p', port, '-t', 'bb10/#', '--yes'], '', { term: 'xterm' });
  assert.equal(narrow.screen, "Cleared 600 retained messages under 'bb10/#' (snapshot ended after 300 ms without a retained message).\n");
  assert.equal(narrow.code, 0);
  assert.deepEqual(await retainedNow(m.port, 'bb10/#'), []);
});

/** retained topics straight from aedes' store, not through any MQTT client */
async function aedesRetained(aedes: unknown, pattern: string): Promise<string[]> {
  const store = (aedes as { persistence: { createRetainedStream(p: string): AsyncIterable<{ topic: string }> } }).persistence;
  const topics: string[] = [];
  for await (const packet of store.createRetainedStream(pattern)) topics.push(packet.topic);
  return topics.sort();
}

test('a broker without MQTT 5 (aedes): falls back to 3.1.1 and reads the clears back; -V 5 does not fall back', async () => {
  const b = await startEmbedded();
  try {
    await seed(b.port, [['ae/a', 'one'], ['ae/b', 'two']], { protocolVersion: 4 });
    assert.deepEqual(await aedesRetained(b.aedes, 'ae/#'), ['ae/a', 'ae/b']);
    const r = await runBin('tsclear', ['-p', String(b.port), '-t', 'ae/#', '--json', '-y']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out) as { cleared: string[]; failed: unknown[]; verified: boolean };
    assert.deepEqual([doc.cleared, doc.failed, doc.verified], [['ae/a', 'ae/b'], [], true]);
    assert.deepEqual(await aedesRetained(b.aedes, 'ae/#'), []);
    const v5 = await runBin('tsclear', ['-p', String(b.port), '-t', 'ae/#', '-V', '5', '-y']);
    assert.equal(v5.code, 1);
    assert.match(v5.stderr, /^Error: Connection refused/);
  } finally {
    await b.stop();
  }
});
