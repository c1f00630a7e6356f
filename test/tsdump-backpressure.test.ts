// tsdump's proxy when stdout is slower than the traffic (src/cli/dump/out.ts): forwarding never
// waits for stdout; past 4 MiB queued, packets are counted instead of shown, a "dropped" notice
// says how many once stdout has room, and the total is a warning on stderr at exit. Here stdout
// is a pipe nobody reads until the whole exchange is over: every byte must still come back, and
// the packets shown plus the packets in the notices must be exactly the packets forwarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { binEnv, binPath, isolatedHome } from './helpers/run-bin.ts';
import { echoServer, exchange } from './helpers/tsdump-proxy.ts';
import { encode } from '../src/protocol/codec.ts';

const MESSAGES = 20_000; // 1,000-byte payloads: about 22 MB of JSON lines each way, far past the 4 MiB queue
const PER_CHUNK = 200;

function chunks(): Buffer[] {
  const out: Buffer[] = [];
  for (let c = 0; c < MESSAGES / PER_CHUNK; c++) {
    const packets: Buffer[] = [];
    for (let i = 0; i < PER_CHUNK; i++) {
      packets.push(encode({ cmd: 'publish', topic: `bp/${c}`, payload: Buffer.alloc(1000, 0x61 + (i % 26)), qos: 0, retain: false, dup: false }, 4));
    }
    out.push(Buffer.concat(packets));
  }
  return out;
}

for (const json of [true, false]) {
  test(`stdout not read (${json ? '--json' : 'lines'}): every byte forwarded both ways, shown + dropped = all ${2 * MESSAGES} packets, exactly`, { timeout: 60_000 }, async () => {
    const echo = await echoServer();
    const child = spawn(process.execPath, [binPath('tsdump'), '--listen', '127.0.0.1:0', '--to', `127.0.0.1:${echo.port}`, ...(json ? ['--json'] : [])],
      { env: binEnv(isolatedHome()), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { stderr += s; });
    while (!/listening on 127\.0\.0\.1:\d+/.test(stderr)) await new Promise((r) => setTimeout(r, 20));
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]);

    // stdout is not read yet: its pipe fills, tsdump's queue reaches the limit, packets are dropped
    const sent = chunks();
    const { back, closedEarly } = await exchange(port, sent);
    assert.equal(closedEarly, false);
    assert.ok(back.equals(Buffer.concat(sent)), `echoed ${back.length} of ${Buffer.concat(sent).length} bytes`);

    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    // the connection's close line is written once the relay has seen both sides close
    const text = (): string => Buffer.concat(out).toString('utf8');
    while (!(json ? /"event":"close"/ : / close \(/).test(text())) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);

    const lines = text().split('\n').filter(Boolean);
    let shown = 0;
    let dropped = 0;
    let notices = 0;
    if (json) {
      for (const l of lines) {
        const o = JSON.parse(l) as Record<string, unknown>;
        if (o.type === 'publish') shown++;
        else if (o.event === 'dropped') { notices++; dropped += o.packets as number; assert.deepEqual(Object.keys(o), ['v', 'tst', 'event', 'packets']); }
      }
      const close = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
      assert.equal(close.event, 'close');
      assert.deepEqual(close.packets, { client: MESSAGES, broker: MESSAGES }); // the summary counts every packet, shown or not
    } else {
      for (const l of lines) {
        if (/^\d\d:\d\d:\d\d\.\d{3} #1 (c>b|b>c) PUBLISH 'bp\/\d+' q0 r0 d0 \(1000 bytes\) [a-z]{256}\.\.\.$/.test(l)) shown++;
        else {
          const m = /^\d\d:\d\d:\d\d\.\d{3} (\d+) packets? not shown: stdout was slower than the traffic \(all were forwarded\)$/.exec(l);
          if (m) { notices++; dropped += Number(m[1]); }
        }
      }
      assert.match(lines.at(-1)!, new RegExp(`close \\((client|broker) closed\\) after \\d+\\.\\d{3}s: packets c>b ${MESSAGES} b>c ${MESSAGES},`));
    }
    assert.ok(notices >= 1 && dropped > 0, `${notices} notices, ${dropped} dropped`);
    assert.equal(shown + dropped, 2 * MESSAGES);
    assert.equal(stderr.replace(/127\.0\.0\.1:\d+/g, 'ADDR'),
      `tsdump: listening on ADDR, forwarding to ADDR\nWarning: ${dropped} packets were not shown: stdout was slower than the traffic (all were forwarded).\n`);
    await echo.close();
  });
}
