// tsdump's two figures (issue 15), one run, ratios:
//  1. the proxy: added latency at 10,000 msg/s (tsdump --json > /dev/null between publisher and
//     broker), p50/p99 against direct; throughput through the proxy against direct.
//  2. a capture of 1,000,000 MQTT packets: tsdump -r against tshark -Y mqtt on the same file,
//     packets per second and the same packet count.
// Run: npm run build && node --import tsx bench/dump-figures.ts  (QUICK=1: a tenth of everything).
// It starts its own mosquitto (127.0.0.1, a free port) and tsdump, and stops them by pid.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hdr from 'hdr-histogram-js';
import { encode } from '../src/protocol/codec.ts';
import { StreamDecoder } from '../src/protocol/dump-decode.ts';
import { frame, pcapFile } from '../test/helpers/pcap-build.ts';

const QUICK = process.env.QUICK === '1';
const dir = mkdtempSync(join(tmpdir(), 'dump-bench-'));
const children: ChildProcess[] = [];
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });

const freePort = (): Promise<number> => new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitPort(port: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await sleep(50);
  }
}

/** a minimal MQTT 3.1.1 client over a socket: CONNECT, then raw packets; onPublish gets each PUBLISH payload */
async function client(port: number, id: string, onPublish?: (payload: Buffer) => void): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.setNoDelay(true);
  await new Promise((r) => s.once('connect', r));
  let connacked: () => void;
  const ready = new Promise<void>((r) => { connacked = r; });
  const dec = new StreamDecoder({
    packet: (p) => { if (p.type === 'connack' || p.type === 'suback') connacked(); else if (p.type === 'publish') onPublish?.(p.payload!); },
    error: (t) => { throw new Error(t); },
  });
  s.on('data', (b) => dec.push(b));
  s.write(encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: id, clean: true, keepalive: 60 }, 4));
  await ready;
  if (onPublish) {
    const again = new Promise<void>((r) => { connacked = r; });
    s.write(encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'bench/t', qos: 0 }] }, 4));
    await again;
  }
  return s;
}

/** latency at a fixed rate: each payload carries its send time */
async function latency(pubPort: number, subPort: number, rate: number, seconds: number): Promise<{ p50: number; p99: number; got: number }> {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: 3 });
  let got = 0;
  const total = rate * seconds;
  let done: () => void;
  const finished = new Promise<void>((r) => { done = r; });
  const sub = await client(subPort, `lat-sub-${subPort}`, (p) => {
    h.recordValue(Math.max(1, Math.round((performance.now() - p.readDoubleBE(0)) * 1000)));
    if (++got === total) done();
  });
  const pub = await client(pubPort, `lat-pub-${pubPort}`);
  const start = performance.now();
  for (let i = 0; i < total;) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    const out: Buffer[] = [];
    for (; i < due && i < total; i++) {
      const payload = Buffer.alloc(64);
      payload.writeDoubleBE(performance.now(), 0);
      out.push(encode({ cmd: 'publish', topic: 'bench/t', payload, qos: 0, retain: false, dup: false }, 4));
    }
    if (out.length) pub.write(Buffer.concat(out));
    await sleep(1);
  }
  await Promise.race([finished, sleep(10_000)]);
  pub.destroy();
  sub.destroy();
  return { p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, got };
}

/** throughput: n QoS 0 messages as fast as the socket takes them, received messages per second */
async function throughput(pubPort: number, subPort: number, n: number): Promise<number> {
  let got = 0;
  let t0 = 0;
  let done: (ms: number) => void;
  const finished = new Promise<number>((r) => { done = r; });
  const sub = await client(subPort, `tp-sub-${subPort}`, () => { if (got++ === 0) t0 = performance.now(); if (got === n) done(performance.now() - t0); });
  const pub = await client(pubPort, `tp-pub-${pubPort}`);
  const one = encode({ cmd: 'publish', topic: 'bench/t', payload: Buffer.alloc(64, 1), qos: 0, retain: false, dup: false }, 4);
  const chunk = Buffer.concat(Array.from({ length: 1000 }, () => one));
  for (let i = 0; i < n; i += 1000) if (!pub.write(chunk)) await new Promise((r) => pub.once('drain', r));
  const ms = await Promise.race([finished, sleep(60_000).then(() => NaN)]);
  pub.destroy();
  sub.destroy();
  return (n / ms) * 1000;
}

async function proxyFigures(): Promise<void> {
  const port = await freePort();
  const conf = join(dir, 'm.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 10000000\nset_tcp_nodelay true\n`);
  const m = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  children.push(m);
  await waitPort(port);
  const dport = await freePort();
  const d = spawn(process.execPath, ['bin/tsdump.cjs', '--listen', `127.0.0.1:${dport}`, '--to', `127.0.0.1:${port}`, '--json'],
    { stdio: ['ignore', openSync('/dev/null', 'w'), 'ignore'] });
  children.push(d);
  await waitPort(dport);
  const secs = QUICK ? 2 : 10;
  const direct = await latency(port, port, 10_000, secs);
  const proxied = await latency(dport, dport, 10_000, secs);
  const n = QUICK ? 100_000 : 500_000;
  const tpDirect = await throughput(port, port, n);
  const tpProxy = await throughput(dport, dport, n);
  console.log(`proxy latency at 10,000 msg/s for ${secs}s (publisher and subscriber both through the proxy: two hops):`);
  console.log(`  direct  p50 ${direct.p50.toFixed(3)} ms  p99 ${direct.p99.toFixed(3)} ms  (${direct.got} received)`);
  console.log(`  tsdump  p50 ${proxied.p50.toFixed(3)} ms  p99 ${proxied.p99.toFixed(3)} ms  (${proxied.got} received)`);
  console.log(`  added p99: ${(proxied.p99 - direct.p99).toFixed(3)} ms (goal: < 1 ms)`);
  console.log(`proxy throughput, ${n} QoS 0 messages of 64 bytes: direct ${Math.round(tpDirect)} msg/s, tsdump ${Math.round(tpProxy)} msg/s: ${((tpProxy / tpDirect) * 100).toFixed(0)}% (goal >= 80%)`);
  d.kill('SIGTERM');
  m.kill('SIGTERM');
}

function captureFigure(): void {
  const packets = QUICK ? 100_000 : 1_000_000;
  const perSegment = 10;
  const one = encode({ cmd: 'publish', topic: 'bench/topic', payload: Buffer.from('{"n":12345,"v":21.5}'), qos: 1, messageId: 7, retain: false, dup: false }, 4);
  const seg = Buffer.concat(Array.from({ length: perSegment }, () => one));
  const frames: Array<{ ms: number; data: Buffer }> = [];
  const connect = encode({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'b', clean: true, keepalive: 60 }, 4);
  let seq = 1;
  frames.push({ ms: 1e12, data: frame({ from: 'client', seq: 0, flags: { syn: true } }, 40000, 1883) });
  frames.push({ ms: 1e12, data: frame({ from: 'client', seq, payload: connect }, 40000, 1883) });
  seq += connect.length;
  for (let i = 0; i < packets / perSegment; i++) {
    frames.push({ ms: 1e12 + i, data: frame({ from: 'client', seq, payload: seg }, 40000, 1883) });
    seq = (seq + seg.length) >>> 0;
  }
  const file = join(dir, 'million.pcap');
  writeFileSync(file, pcapFile(frames));
  const time = (cmd: string, args: string[]): { ms: number; out: string } => {
    const t = performance.now();
    const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    return { ms: performance.now() - t, out };
  };
  const ours = time('bash', ['-c', `node bin/tsdump.cjs -r ${file} --json | grep -c '"type":"'`]);
  const theirs = time('bash', ['-c', `tshark -r ${file} -Y mqtt -T fields -e mqtt.msgtype | tr ',' '\\n' | grep -c .`]);
  const total = packets + 1;
  console.log(`capture of ${total} MQTT packets (${frames.length} frames):`);
  console.log(`  tsdump -r --json  ${(ours.ms / 1000).toFixed(1)} s, ${Math.round((total / ours.ms) * 1000)} packets/s, ${ours.out.trim()} packets`);
  console.log(`  tshark -Y mqtt    ${(theirs.ms / 1000).toFixed(1)} s, ${Math.round((total / theirs.ms) * 1000)} packets/s, ${theirs.out.trim()} packets`);
  console.log(`  tsdump is ${(theirs.ms / ours.ms).toFixed(1)}x tshark's speed (goal: > 1), same count: ${ours.out.trim() === theirs.out.trim()}`);
}

await proxyFigures();
captureFigure();
process.exit(0);
