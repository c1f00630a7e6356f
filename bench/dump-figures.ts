// tsdump's two figures (issue 15), ratios against direct taken in the same run, medians of RUNS:
//  1. the proxy: added latency at 10,000 msg/s (tsdump --json > /dev/null between publisher and
//     broker), p50/p99 against direct; throughput through the proxy against direct, with the CPU
//     that tsdump and the broker spend per forwarded message (the 2-core budget they share).
//  2. a capture of 1,000,000 MQTT packets: tsdump -r against tshark -Y mqtt on the same file,
//     packets per second and the same packet count.
// Run: npm run build && node --import tsx bench/dump-figures.ts
//   QUICK=1: a tenth of everything; RUNS=N (default 3); PARTS="proxy capture" (default both);
//   TSDUMP_NODE="--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for the proxy (profiling);
//   TSDUMP_OUT=FILE: the proxy's stdout to FILE instead of /dev/null (to check what it printed);
//   TSDUMP_ARGS="--no-ping": the proxy's output options instead of --json (the line output).
// It starts its own mosquitto (127.0.0.1, a free port) and tsdump, and stops them by pid.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hdr from 'hdr-histogram-js';
import { encode } from '../src/protocol/codec.ts';
import { StreamDecoder } from '../src/protocol/dump-decode.ts';
import { frame, pcapFile } from '../test/helpers/pcap-build.ts';

const QUICK = process.env.QUICK === '1';
const RUNS = Number(process.env.RUNS ?? 3);
const PARTS = (process.env.PARTS ?? 'proxy capture').split(/\s+/);
const TSDUMP_NODE = (process.env.TSDUMP_NODE ?? '').split(/\s+/).filter(Boolean);
const TSDUMP_ARGS = (process.env.TSDUMP_ARGS ?? '--json').split(/\s+/).filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'dump-bench-'));
const children: ChildProcess[] = [];
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });

const freePort = (): Promise<number> => new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** user + system CPU of a process so far, ms (/proc/PID/stat fields 14 and 15) */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

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

interface Tp { rate: number; cpu: Record<string, number>; reads: number }

/** throughput: n QoS 0 messages as fast as the socket takes them, received messages per second, CPU ms of each watched pid */
async function throughput(pubPort: number, subPort: number, n: number, watch: Record<string, number>): Promise<Tp> {
  let got = 0;
  let t0 = 0;
  let done: (ms: number) => void;
  const finished = new Promise<number>((r) => { done = r; });
  const sub = await client(subPort, `tp-sub-${subPort}`, () => { if (got++ === 0) t0 = performance.now(); if (got === n) done(performance.now() - t0); });
  // socket reads at the subscriber: how much the path in front of it coalesces (fewer, larger reads cost less per message)
  let reads = 0;
  sub.on('data', () => { reads++; });
  const pub = await client(pubPort, `tp-pub-${pubPort}`);
  const one = encode({ cmd: 'publish', topic: 'bench/t', payload: Buffer.alloc(64, 1), qos: 0, retain: false, dup: false }, 4);
  const chunk = Buffer.concat(Array.from({ length: 1000 }, () => one));
  const before = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, cpuMs(pid)]));
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i += 1000) if (!pub.write(chunk)) await new Promise((r) => pub.once('drain', r));
  const ms = await Promise.race([finished, sleep(60_000).then(() => NaN)]);
  const own = process.cpuUsage(cpu0);
  const cpu = Object.fromEntries(Object.entries(watch).map(([k, pid]) => [k, cpuMs(pid) - before[k]!]));
  cpu.clients = (own.user + own.system) / 1000;
  pub.destroy();
  sub.destroy();
  return { rate: (n / ms) * 1000, cpu, reads };
}

async function proxyFigures(): Promise<void> {
  const port = await freePort();
  const conf = join(dir, 'm.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 10000000\nset_tcp_nodelay true\n`);
  const m = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  children.push(m);
  await waitPort(port);
  const dport = await freePort();
  const d = spawn(process.execPath, [...TSDUMP_NODE, 'bin/tsdump.cjs', '--listen', `127.0.0.1:${dport}`, '--to', `127.0.0.1:${port}`, ...TSDUMP_ARGS],
    { stdio: ['ignore', openSync(process.env.TSDUMP_OUT ?? '/dev/null', 'w'), 'ignore'] });
  children.push(d);
  const fport = await freePort();
  const f = spawn(process.execPath, ['bench/relay-floor.mjs', String(fport), String(port)], { stdio: 'ignore' });
  children.push(f);
  await waitPort(dport);
  await waitPort(fport);
  const secs = QUICK ? 2 : 10;
  const n = QUICK ? 100_000 : 500_000;
  const lat: Array<{ direct: Awaited<ReturnType<typeof latency>>; proxied: Awaited<ReturnType<typeof latency>> }> = [];
  const tp: Array<{ direct: Tp; proxied: Tp; floor: Tp }> = [];
  // interleaved: each run measures direct then through the proxy, so drift in the box hits both
  for (let run = 0; run < RUNS; run++) {
    lat.push({ direct: await latency(port, port, 10_000, secs), proxied: await latency(dport, dport, 10_000, secs) });
    const watch = { mosquitto: m.pid!, tsdump: d.pid!, floor: f.pid! };
    tp.push({ direct: await throughput(port, port, n, watch), proxied: await throughput(dport, dport, n, watch), floor: await throughput(fport, fport, n, watch) });
    const l = lat.at(-1)!;
    const t = tp.at(-1)!;
    console.log(`  run ${run + 1}: p99 direct ${l.direct.p99.toFixed(3)} tsdump ${l.proxied.p99.toFixed(3)} ms (received ${l.direct.got}/${l.proxied.got});`
      + ` throughput direct ${Math.round(t.direct.rate)} tsdump ${Math.round(t.proxied.rate)} (${((t.proxied.rate / t.direct.rate) * 100).toFixed(0)}%)`
      + ` bare node relay ${Math.round(t.floor.rate)} (${((t.floor.rate / t.direct.rate) * 100).toFixed(0)}%) msg/s`);
  }
  const med = (f: (i: number) => number): number => median(lat.map((_, i) => f(i)));
  console.log(`proxy latency at 10,000 msg/s for ${secs}s, median of ${RUNS} (publisher and subscriber both through the proxy: two hops):`);
  console.log(`  direct  p50 ${med((i) => lat[i]!.direct.p50).toFixed(3)} ms  p99 ${med((i) => lat[i]!.direct.p99).toFixed(3)} ms`);
  console.log(`  tsdump  p50 ${med((i) => lat[i]!.proxied.p50).toFixed(3)} ms  p99 ${med((i) => lat[i]!.proxied.p99).toFixed(3)} ms`);
  console.log(`  added p99: ${med((i) => lat[i]!.proxied.p99 - lat[i]!.direct.p99).toFixed(3)} ms (median of the per-run differences; goal: < 1 ms)`);
  const rd = med((i) => tp[i]!.direct.rate);
  const rp = med((i) => tp[i]!.proxied.rate);
  console.log(`proxy throughput, ${n} QoS 0 messages of 64 bytes, median of ${RUNS}: direct ${Math.round(rd)} msg/s, tsdump ${Math.round(rp)} msg/s;`
    + ` ratio ${(med((i) => tp[i]!.proxied.rate / tp[i]!.direct.rate) * 100).toFixed(0)}% (median of per-run ratios; goal >= 80%)`);
  // CPU per message: microseconds of CPU each process spent per message delivered
  const rf = med((i) => tp[i]!.floor.rate);
  console.log(`  bare Node relay (bench/relay-floor.mjs: forwards, decodes nothing): ${Math.round(rf)} msg/s; ratio ${(med((i) => tp[i]!.floor.rate / tp[i]!.direct.rate) * 100).toFixed(0)}%`);
  const us = (k: string, side: 'direct' | 'proxied' | 'floor'): string => ((med((i) => tp[i]![side].cpu[k]!) * 1000) / n).toFixed(2);
  console.log(`  CPU per message (us): direct: broker ${us('mosquitto', 'direct')}, bench clients ${us('clients', 'direct')};`
    + ` through tsdump: broker ${us('mosquitto', 'proxied')}, tsdump ${us('tsdump', 'proxied')}, bench clients ${us('clients', 'proxied')};`
    + ` through the bare relay: broker ${us('mosquitto', 'floor')}, relay ${us('floor', 'floor')}`);
  const per = (side: 'direct' | 'proxied' | 'floor'): string => (n / med((i) => tp[i]![side].reads)).toFixed(1);
  console.log(`  messages per socket read at the subscriber: direct ${per('direct')}, through tsdump ${per('proxied')}, through the bare relay ${per('floor')}`);
  const wall = (side: 'direct' | 'proxied' | 'floor', rate: number): string => ((['mosquitto', 'tsdump', 'floor', 'clients'].reduce((a, k) => a + med((i) => tp[i]![side].cpu[k]!), 0)) / (n / rate * 1000)).toFixed(2);
  console.log(`  cores busy during the run: direct ${wall('direct', rd)}, through tsdump ${wall('proxied', rp)}, through the bare relay ${wall('floor', rf)} (of ${cpus().length})`);
  d.kill('SIGTERM');
  f.kill('SIGTERM');
  m.kill('SIGTERM');
  await new Promise((r) => d.once('exit', r));
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
  const ours: Array<{ ms: number; out: string }> = [];
  const theirs: Array<{ ms: number; out: string }> = [];
  for (let run = 0; run < RUNS; run++) {
    ours.push(time('bash', ['-c', `node bin/tsdump.cjs -r ${file} --json | grep -c '"type":"'`]));
    theirs.push(time('bash', ['-c', `tshark -r ${file} -Y mqtt -T fields -e mqtt.msgtype | tr ',' '\\n' | grep -c .`]));
  }
  const total = packets + 1;
  const o = median(ours.map((r) => r.ms));
  const t = median(theirs.map((r) => r.ms));
  console.log(`capture of ${total} MQTT packets (${frames.length} frames), median of ${RUNS}:`);
  console.log(`  tsdump -r --json  ${(o / 1000).toFixed(1)} s, ${Math.round((total / o) * 1000)} packets/s, ${ours[0]!.out.trim()} packets`);
  console.log(`  tshark -Y mqtt    ${(t / 1000).toFixed(1)} s, ${Math.round((total / t) * 1000)} packets/s, ${theirs[0]!.out.trim()} packets`);
  console.log(`  tsdump is ${median(ours.map((r, i) => theirs[i]!.ms / r.ms)).toFixed(1)}x tshark's speed (goal: > 1), same count: ${ours.every((r, i) => r.out.trim() === theirs[i]!.out.trim())}`);
}

// BENCH_COMMIT: the commit of a tree without git (an older commit's `git archive`, for before/after)
const commit = process.env.BENCH_COMMIT ?? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const dirty = process.env.BENCH_COMMIT || !execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() ? '' : '+dirty';
console.log(`tsdump figures (proxy: tsdump ${TSDUMP_ARGS.join(' ')} > /dev/null): commit ${commit}${dirty}, ${new Date().toISOString()}, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
if (PARTS.includes('proxy')) await proxyFigures();
if (PARTS.includes('capture')) captureFigure();
process.exit(0);
