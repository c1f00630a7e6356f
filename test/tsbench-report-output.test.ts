// tsbench's report outputs over the summary schema: --csv (RFC 4180), --html (self-contained,
// well-formed, the figures there, text escaped) and --shard K/N (parsing, ids and topics per shard).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { csvField, seriesCsv } from '../src/cli/bench/csv.ts';
import { htmlReport, percentilePoints } from '../src/cli/bench/html.ts';
import { parseShard, shardIds, shardIndex, shardLabel, shardOffset } from '../src/cli/bench/shard.ts';
import { roundTicks } from '../src/cli/bench/svg-chart.ts';
import { latencyOf, range, summaryOf } from './helpers/bench-summaries.ts';

test('seriesCsv: a header, one CRLF-ended row per second, empty fields for a second without e2e latency', () => {
  const s = summaryOf({ series: [
    { t: 1, sent: 1000, acked: 990, received: 995, errors: 0, connections: 4, e2e_p50: 0.412, e2e_p99: 1.5 },
    { t: 2, sent: 1000, acked: 1000, received: 0, errors: 2, connections: 3 },
  ] });
  assert.equal(seriesCsv(s),
    't,sent,acked,received,errors,connections,e2e_p50,e2e_p99\r\n'
    + '1,1000,990,995,0,4,0.412,1.5\r\n'
    + '2,1000,1000,0,2,3,,\r\n');
  assert.equal(seriesCsv(summaryOf({ series: [] })), 't,sent,acked,received,errors,connections,e2e_p50,e2e_p99\r\n');
  // RFC 4180 2.6, 2.7: quoted when needed, quotes doubled
  assert.deepEqual(['a', 'a,b', 'say "hi"', 'two\r\nlines', 12.5, undefined].map(csvField), ['a', '"a,b"', '"say ""hi"""', '"two\r\nlines"', '12.5', '']);
});

/** python's expat: the page must parse as XML (every tag closed, attributes quoted, entities known) */
function xmlProblem(html: string): string {
  const r = spawnSync('python3', ['-c', 'import sys, xml.dom.minidom\nxml.dom.minidom.parseString(sys.stdin.buffer.read())'], { input: html });
  if (r.error) throw r.error;
  return r.status === 0 ? '' : r.stderr.toString().trim().split('\n').pop()!;
}

const rows = range(1, 5).map((t) => ({ t, sent: 100 * t, acked: 100 * t, received: 90 * t, errors: t === 3 ? 1 : 0, connections: 2, e2e_p50: t / 10, e2e_p99: t / 5 }));

test('htmlReport: well-formed, self-contained, the throughput and latency figures and the summary table', () => {
  const s = summaryOf({ e2e: range(1, 5000).map((v) => v * 7), ack: range(100, 900), connect: [1500, 2500, 4000], series: rows,
    options: { clients: 2, topic: 'bench/<%i>&"x"', note: "it's" }, shard: '1/2' });
  const none = { sent: 0, received: 0, lost: 0, duplicates: 0, reordered: 0 };
  s.by_qos = { '0': none, '1': { sent: 10, received: 9, lost: 1, duplicates: 0, reordered: 0 }, '2': none };
  s.broker = { before: { 'messages/received': 5 }, after: { 'messages/received': 15 }, delta: { 'messages/received': 10 } };
  const html = htmlReport(s);
  assert.equal(xmlProblem(html), '');
  assert.match(html, /^<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"\/>/);
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /<script|<link|<img|@import|url\(|\ssrc=/i);
  for (const id of ['throughput', 'e2e-per-second', 'latency-e2e', 'latency-ack', 'latency-connect']) {
    assert.match(html, new RegExp(`<figure id="${id}">\\n<svg class="chart" [^>]*>[^]*?<polyline [^]*?</svg>\\n</figure>`), id);
  }
  assert.equal(html.match(/<svg /g)?.length, 5);
  // the throughput figure has sent, acked, received and (one second had one) errors
  const throughput = /<figure id="throughput">([^]*?)<\/figure>/.exec(html)![1]!;
  assert.deepEqual([...throughput.matchAll(/<polyline [^>]*><title>(\w+)<\/title>/g)].map((m) => m[1]), ['sent', 'acked', 'received', 'errors']);
  // the summary table and the latency table carry the summary's numbers
  assert.match(html, /<tr><td class="k">sent<\/td><td>5,000<\/td><\/tr>/);
  assert.match(html, /<tr><td class="k">shards<\/td><td>1\/2<\/td><\/tr>/);
  const e2e = s.latency.e2e!;
  assert.ok(html.includes(`<tr><td class="k">e2e</td><td>5,000</td><td>${e2e.p50}</td><td>${e2e.p90}</td><td>${e2e.p99}</td><td>${e2e.p999}</td><td>${e2e.p9999}</td><td>${e2e.max}</td><td>${e2e.mean}</td></tr>`));
  assert.match(html, /<tr><td class="k">QoS 1<\/td><td>10<\/td><td>9<\/td><td>1<\/td><td>0<\/td><td>0<\/td><\/tr>/);
  assert.match(html, /<tr><td class="k">messages\/received<\/td><td>5<\/td><td>15<\/td><td>10<\/td><\/tr>/);
  // text from the run is escaped
  assert.ok(html.includes('<td>bench/&#60;%i&#62;&#38;&#34;x&#34;</td>'));
  assert.ok(html.includes('<td>it&#39;s</td>'));
});

test('htmlReport: a run without series or latency says so, and still parses', () => {
  const html = htmlReport(summaryOf({ scenario: 'conn', series: [] }));
  assert.equal(xmlProblem(html), '');
  assert.ok(html.includes('<p>No per-second samples (the run was shorter than a second after the warm-up).</p>'));
  assert.ok(html.includes('<p>No latency was measured in this run.</p>'));
  assert.equal(html.match(/<svg /g), null);
});

test('the latency figure is the histogram\'s percentile distribution: p0 the minimum, the last point the max', () => {
  const { points, xMax } = percentilePoints(latencyOf(range(1, 1000)));
  assert.equal(xMax, 3); // 1000 samples: up to p99.9
  assert.deepEqual(points[0], [0, 0.001]);
  assert.deepEqual(points[20], [1.0000000000000002, 0.9]); // x 1 = p90
  assert.deepEqual(points[points.length - 1], [3, 1]);
  for (let i = 1; i < points.length; i++) assert.ok(points[i]![1] >= points[i - 1]![1], 'never decreasing');
  assert.deepEqual(percentilePoints(latencyOf([])), { points: [], xMax: 2 });
});

test('roundTicks: 1, 2 or 5 times a power of ten, covering the maximum', () => {
  assert.deepEqual(roundTicks(9), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(roundTicks(1000), [0, 200, 400, 600, 800, 1000]);
  assert.deepEqual(roundTicks(0.33), [0, 0.1, 0.2, 0.3, 0.4]);
  assert.deepEqual(roundTicks(0), [0, 1]);
});

test('parseShard: K/N with 1 <= K <= N, else the error names the option', () => {
  assert.deepEqual(parseShard('1/1', '--shard'), { k: 1, n: 1 });
  assert.deepEqual(parseShard('3/4', '--shard'), { k: 3, n: 4 });
  assert.deepEqual(parseShard(' 02/10 ', '--shard'), { k: 2, n: 10 });
  for (const bad of ['0/2', '3/2', '1/0', '1', '1/', '/2', 'a/b', '1/2/3', '-1/2', '1.5/2', '', '1 /2']) {
    assert.throws(() => parseShard(bad, '--shard'), { name: 'UsageError', message: `--shard: invalid shard '${bad}' (use K/N with 1 <= K <= N).` }, bad);
  }
  assert.throws(() => parseShard('1/100001', '--shard'), { name: 'UsageError', message: "--shard: invalid shard '1/100001' (at most 100000 shards)." });
  assert.equal(shardLabel(parseShard('02/10', '--shard')), '2/10');
});

test('shardIds and shardIndex: every shard its own ids and %i, together the unsharded run\'s', () => {
  assert.deepEqual(shardIds('tsb-', 1, 3, 2), ['tsb-0', 'tsb-1']);
  assert.deepEqual(shardIds('tsb-', 3, 3, 2), ['tsb-4', 'tsb-5']);
  const all = [1, 2, 3].flatMap((k) => shardIds('c', k, 3, 4));
  assert.deepEqual(all, range(0, 11).map((i) => `c${i}`));
  assert.equal(shardOffset(undefined, 100), 0);
  assert.equal(shardOffset({ k: 4, n: 4 }, 100), 300);
  assert.equal(shardIndex({ k: 2, n: 4 }, 100, 7), 107);
  assert.equal(shardIndex(undefined, 100, 7), 7);
  assert.throws(() => shardIds('c', 4, 3, 1), RangeError);
});
