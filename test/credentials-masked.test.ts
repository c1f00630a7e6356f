// A password given in a URL (-L mqtt://user:password@host/topic, --proxy socks5h://user:password@...)
// never appears in any message: every error that echoes the URL shows `user:***@host` (one helper,
// session/mask-url.ts), and -d lines and connect errors naming a ws:// URL carry no user
// information at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedHome, runBin } from './helpers/run-bin.ts';
import { startFakeBroker, acceptConnect, autoAck, type FakeBroker } from './helpers/fake-broker.ts';
import { freePort } from './helpers/mosquitto.ts';
import { maskUrl } from '../src/session/mask-url.ts';

const SECRET = 'hunter2';
let fb: FakeBroker;

before(async () => {
  fb = await startFakeBroker((c) => { acceptConnect(c); autoAck(c); });
});
after(async () => { await fb.stop(); });

test('maskUrl: the password, and only it, becomes ***', () => {
  const cases: Array<[string, string]> = [
    ['mqtt://bob:hunter2@host/t', 'mqtt://bob:***@host/t'],
    ['mqtt://bob:p@ss@host:1883/t', 'mqtt://bob:***@host:1883/t'], // the last '@' ends the password
    ['mqtt://bob:hunt/er2@host/t', 'mqtt://bob:***@host/t'], // a '/' in it is a secret still
    ['socks5h://bob:hunter2@127.0.0.1:1080', 'socks5h://bob:***@127.0.0.1:1080'],
    ['mqtt://:hunter2@host/t', 'mqtt://:***@host/t'],
    ['mqtt://bob@host/t', 'mqtt://bob@host/t'],
    ['mqtt://host:1883/a@b', 'mqtt://host:1883/a@b'], // a port, then a topic with '@'
    ['mqtt://host/a:b@c', 'mqtt://host/a:b@c'],
    ['ws://127.0.0.1:80/mqtt', 'ws://127.0.0.1:80/mqtt'],
    ['/tmp/mosquitto.sock', '/tmp/mosquitto.sock'],
  ];
  for (const [raw, shown] of cases) assert.equal(maskUrl(raw), shown, raw);
});

// mosquitto's -L errors name no URL at all (so nothing to mask); --proxy's and an unknown option's echo it, masked
const use1 = (line: string): string => `${line}\n\nUse 'tspub --help' to see usage.\n`;
const cases: Array<[string, string[], string]> = [
  ['-L bad port', ['-L', `mqtt://bob:${SECRET}@127.0.0.1:99999/t`, '-m', 'x'], use1('Error: Invalid port given: 99999')],
  ['-L no topic', ['-L', `mqtt://bob:${SECRET}@127.0.0.1`, '-m', 'x'], use1('Error: Invalid URL for -L argument specified - topic missing.')],
  ['-L bad scheme', ['-L', `http://bob:${SECRET}@127.0.0.1/t`, '-m', 'x'], "Error: Unsupported URL scheme.\n\n\nUse 'tspub --help' to see usage.\n"],
  ['-L unclosed [', ['-L', `mqtt://bob:${SECRET}@[::1/t`, '-m', 'x'], use1("Error: Invalid URL for -L argument specified - unclosed '[' in the host.")],
  ['-L no host', ['-L', `mqtt://bob:${SECRET}@/t`, '-m', 'x'], use1('Error: Invalid URL for -L argument specified - host missing.')],
  ['-L password with @', ['-L', `mqtt://bob:${SECRET}@x@127.0.0.1:0/t`, '-m', 'x'], use1('Error: Invalid port given: 0')],
  // mosquitto reads 'bob' as the host and 'hunt' as its port here; we say what happened
  ['-L password with /', ['-L', 'mqtt://bob:hunt/er2@127.0.0.1/t', '-m', 'x'], use1("Error: Invalid URL for -L argument specified - a '/' in the user name or password is not supported (it ends the host part).")],
  ['--proxy not SOCKS', ['-t', 'a', '-m', 'x', '--proxy', `http://bob:${SECRET}@127.0.0.1:3128`], use1('Error: Unsupported proxy protocol: http://bob:***@127.0.0.1:3128')],
  ['mistyped option with a URL', ['--urll=mqtt://bob:' + SECRET + '@127.0.0.1/t', '-m', 'x'], use1("Error: Unknown option '--urll=mqtt://bob:***@127.0.0.1/t'.")],
  ['--proxy with a path', ['-t', 'a', '-m', 'x', '--proxy', `socks5h://bob:${SECRET}@127.0.0.1/x`], use1('Error: Invalid proxy.')],
];

for (const [name, args, line] of cases) {
  test(`tspub ${name}: masked`, async () => {
    const before = fb.connections.length;
    const r = await runBin('tspub', ['-h', '127.0.0.1', '-p', String(fb.port), ...args]);
    assert.deepEqual([r.code, r.stderr, r.out], [1, line, '']);
    assert.ok(!r.stderr.includes(SECRET) && !r.stderr.includes('hunt/er2'));
    assert.equal(fb.connections.length, before, 'no connection may be attempted');
  });
}

test('tssub and tsclear mask the same way (-L and --proxy)', async () => {
  const url = `mqtt://bob:${SECRET}@127.0.0.1:70000/t`;
  for (const tool of ['tssub', 'tsclear']) {
    const use = `\n\nUse '${tool} --help' to see usage.\n`;
    const r = await runBin(tool, ['-L', url]);
    assert.deepEqual([r.code, r.stderr], [1, `Error: Invalid port given: 70000${use}`], tool);
    const p = await runBin(tool, ['-t', 'a', '--proxy', `socks4://bob:${SECRET}@127.0.0.1`]);
    assert.deepEqual([p.code, p.stderr], [1, `Error: Unsupported proxy protocol: socks4://bob:***@127.0.0.1${use}`], tool);
  }
});

test('an options-file line: masked too, after the file and line', async () => {
  const home = isolatedHome();
  const file = join(home, '.config', 'tspub');
  writeFileSync(file, `--proxy http://bob:${SECRET}@127.0.0.1:3128\n`);
  const r = await runBin('tspub', ['-t', 'a', '-m', 'x'], { home });
  assert.deepEqual([r.code, r.stderr], [1, use1(`Error: ${file} line 1: Unsupported proxy protocol: http://bob:***@127.0.0.1:3128`)]);
});

test('-d lines and a refused ws:// connection never show the password', async () => {
  const d = await runBin('tspub', ['-L', `mqtt://bob:${SECRET}@127.0.0.1:${fb.port}/t`, '-m', 'x', '-d']);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.out, /^Client \S+ sending CONNECT\n/);
  assert.ok(!d.out.includes(SECRET) && !d.stderr.includes(SECRET), d.out);
  const closed = await freePort();
  const ws = await runBin('tssub', ['-L', `ws://bob:${SECRET}@127.0.0.1:${closed}/t`]);
  assert.deepEqual([ws.code, ws.stderr], [1, `Error: Connection refused by ws://127.0.0.1:${closed}/mqtt: is the broker running and listening there?\n`]);
});
