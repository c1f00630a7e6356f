// Ratio table from anchors.sh's raw.tsv: ours / mosquitto (and / `node -e 0` for one-shot rows),
// same run, medians over the repeats.   node bench/ratios.mjs RAW.tsv [CAND_NAME]
import { readFileSync } from 'node:fs';

const [file, cand = 'ts'] = process.argv.slice(2);
const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
const med = (a) => {
  const s = a.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const groups = new Map();
for (const [test, client, qos, n, , value, unit, , rssKb, cpuS, , note] of rows) {
  const k = `${test}|${client}|${qos}`;
  if (!groups.has(k)) groups.set(k, { n: Number(n), unit, v: [], rss: [], cpu: [], notes: new Set() });
  const g = groups.get(k);
  g.v.push(Number(value));
  if (rssKb) g.rss.push(Number(rssKb) / 1024);
  if (cpuS) g.cpu.push(Number(cpuS));
  const flags = (note ?? '').split(/[ ,]/).filter((x) => /lost=|incomplete|killed|failed|no-exit|pub_rc=/.test(x));
  for (const f of flags) g.notes.add(f);
}
const get = (test, client, qos) => groups.get(`${test}|${client}|${qos}`);
const floorKey = [...groups.keys()].find((k) => k.split('|')[1] === 'node-e-0');
const floor = floorKey ? groups.get(floorKey) : undefined;
const floorMs = floor ? med(floor.v) : NaN;

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-');
const out = [];
const row = (...c) => out.push(c);
row('metric', 'mosquitto', cand, `${cand}/mosq`, `${cand}/node-e-0`, 'RSS MB mosq / ' + cand, 'CPU mosq / ' + cand, 'notes');

const oneshot = [
  ['oneshot', '0', 'one-shot publish q0 (ms)'],
  ['oneshot', '1', 'one-shot publish q1 (ms)'],
  ['oneshot', '2', 'one-shot publish q2 (ms)'],
  ['oneshot_sub', '0', 'sub -C 1 retained (ms)'],
  ['oneshot_sub_e', '0', 'sub -E, exec->SUBACK (ms)'],
];
if (floor) row('node -e 0 (floor, ms)', '', fmt(floorMs, 1), '', '1.00x', '', `${fmt(med(floor.cpu) * 1000, 1)} ms`, '');
for (const [test, qos, label] of oneshot) {
  const m = get(test, 'mosquitto', qos), t = get(test, cand, qos);
  if (!m && !t) continue;
  const mv = m ? med(m.v) : NaN, tv = t ? med(t.v) : NaN;
  row(label, fmt(mv, 2), fmt(tv, 1), ratio(tv, mv), ratio(tv, floorMs), '',
    `${fmt(m ? med(m.cpu) * 1000 : NaN, 1)} / ${fmt(t ? med(t.cpu) * 1000 : NaN, 1)} ms`, t ? [...t.notes].join(' ') : 'not run');
}
const thr = [
  ['stdin', '0', 'stdin -l q0 (msg/s)'],
  ['stdin', '1', 'stdin -l q1 (msg/s)'],
  ['stdin', '2', 'stdin -l q2 (msg/s)'],
  ['drain-live-devnull', '0', 'drain live, -C N >/dev/null (msg/s)'],
  ['drain-live-pipe', '0', 'drain live, into grep -c (msg/s)'],
  ['drain-backlog-devnull', '0', 'drain backlog, >/dev/null (msg/s)'],
  ['drain-backlog-pipe', '0', 'drain backlog, into grep -c (msg/s)'],
];
for (const [test, qos, label] of thr) {
  const m = get(test, 'mosquitto', qos), t = get(test, cand, qos);
  if (!m && !t) continue;
  const mv = m ? med(m.v) : NaN, tv = t ? med(t.v) : NaN;
  const perMsg = (g) => (g ? (med(g.cpu) * 1e6) / g.n : NaN);
  row(label, fmt(mv), fmt(tv), ratio(tv, mv), '',
    `${fmt(m ? med(m.rss) : NaN, 1)} / ${fmt(t ? med(t.rss) : NaN, 1)}`,
    `${fmt(perMsg(m), 2)} / ${fmt(perMsg(t), 2)} us/msg`, t ? [...t.notes].join(' ') : 'not run');
}
const w = out[0].map((_, i) => Math.max(...out.map((r) => String(r[i]).length)));
for (const [i, r] of out.entries()) {
  console.log('| ' + r.map((c, j) => String(c).padEnd(w[j])).join(' | ') + ' |');
  if (i === 0) console.log('|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|');
}
console.log(`(${cand}/mosq: for ms rows lower is better, for msg/s rows higher is better. Goals: one-shot publish <= 1.3x node -e 0;`);
console.log(` exec->SUBACK < 1.5x node -e 0; RSS < 80 MB. CPU: one-shot rows per call, throughput rows per delivered message.)`);
