// --html FILE: one self-contained page (no script, font, stylesheet or image from elsewhere: it
// opens offline and from a CI artifact) with the summary table, throughput over time, and the
// latency percentile distribution of e2e, ack and connect read from their histograms. Written
// as well-formed XML too (closed tags, quoted attributes, only XML's entities), so any XML
// parser can check it.
import type { BenchSummary, LatencySummary } from './schema.ts';
import { decodeHistogram } from './latency.ts';
import { esc, lineChart, num, type Line, type Tick } from './svg-chart.ts';

const COLORS = { sent: '#1f77b4', acked: '#2ca02c', received: '#d62728', connections: '#9467bd', errors: '#7f7f7f', p50: '#ff7f0e', p99: '#8c564b' };
const LATENCY_TITLES = { e2e: 'end to end (scheduled send to receipt)', ack: 'publish to PUBACK/PUBCOMP', connect: 'connect to CONNACK' } as const;

const STYLE = `body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:60em}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:0.2em 0.6em;text-align:right}
th{background:#f4f4f4}td.k,th.k{text-align:left}svg.chart{display:block;margin:0.5em 0 1.5em;font-size:11px}
svg .title{font-size:13px;font-weight:bold}svg .grid{stroke:#e5e5e5}svg .axis{stroke:#555}figure{margin:0}`;

/** The report as one HTML document. */
export function htmlReport(s: BenchSummary): string {
  const title = `tsbench ${s.scenario}: ${s.started}`;
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"/><title>${esc(title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<h1>tsbench ${esc(s.scenario)}</h1>`,
    `<p>${esc(s.started)} to ${esc(s.ended)}, ${esc(num(s.duration_s))} s measured after ${esc(num(s.warmup_s))} s of warm-up; ${esc(`tsbench ${s.tool.version}`)}${s.runs > 1 ? `, ${s.runs} runs merged` : ''}.</p>`,
    '<h2>Summary</h2>',
    summaryTable(s),
    latencyTable(s),
    byQosTable(s),
    '<h2>Throughput</h2>',
    throughputFigure(s),
    '<h2>Latency</h2>',
    ...latencyFigures(s),
    brokerTable(s),
    '<h2>Options</h2>',
    kvTable(Object.entries(s.options).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    '</body>',
    '</html>',
  ];
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}

function kvTable(rows: ReadonlyArray<readonly [string, string]>): string {
  if (rows.length === 0) return '<p>none</p>';
  return `<table>\n${rows.map(([k, v]) => `<tr><td class="k">${esc(k)}</td><td>${esc(v)}</td></tr>`).join('\n')}\n</table>`;
}

function grid(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const th = head.map((h, i) => `<th${i === 0 ? ' class="k"' : ''}>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="k"' : ''}>${esc(c)}</td>`).join('')}</tr>`);
  return `<table>\n<tr>${th}</tr>\n${trs.join('\n')}\n</table>`;
}

function summaryTable(s: BenchSummary): string {
  const c = s.connections;
  const rows: Array<[string, string]> = [
    ['scenario', s.scenario],
    ['runs', num(s.runs)],
    ...(s.shards ? [['shards', s.shards.join(', ')] as [string, string]] : []),
    ['connections attempted / established / failed', `${num(c.attempted)} / ${num(c.established)} / ${num(c.failed)}`],
    ['sent', num(s.sent)],
    ['acked', num(s.acked)],
    ['received', num(s.received)],
    ['lost', num(s.lost)],
    ['duplicates', num(s.duplicates)],
    ['reordered', num(s.reordered)],
    ['errors', num(s.errors)],
    ...Object.entries(s.errors_by_cause).map(([k, v]) => [`errors: ${k}`, num(v)] as [string, string]),
    ['duration (s)', num(s.duration_s)],
    ['warm-up (s)', num(s.warmup_s)],
    ['rate (/s)', num(s.rate)],
    ...(s.requested_rate !== undefined ? [['requested rate (/s)', num(s.requested_rate)] as [string, string]] : []),
    ...(s.rate_shortfall ? [['rate shortfall (/s)', num(s.rate_shortfall)] as [string, string]] : []),
    ['stopped by', s.stopped_by],
  ];
  return kvTable(rows);
}

function latencyTable(s: BenchSummary): string {
  const rows = (Object.keys(LATENCY_TITLES) as Array<keyof typeof LATENCY_TITLES>).flatMap((kind) => {
    const l = s.latency[kind];
    return l ? [[kind, num(l.count), num(l.p50), num(l.p90), num(l.p99), num(l.p999), num(l.p9999), num(l.max), num(l.mean)]] : [];
  });
  if (rows.length === 0) return '';
  return grid(['latency (ms)', 'count', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max', 'mean'], rows);
}

function byQosTable(s: BenchSummary): string {
  if (!s.by_qos) return '';
  const rows = Object.entries(s.by_qos).map(([q, c]) => [`QoS ${q}`, num(c.sent), num(c.received), num(c.lost), num(c.duplicates), num(c.reordered)]);
  return grid(['by QoS', 'sent', 'received', 'lost', 'duplicates', 'reordered'], rows);
}

function brokerTable(s: BenchSummary): string {
  if (!s.broker) return '';
  const keys = [...new Set([...Object.keys(s.broker.before), ...Object.keys(s.broker.after), ...Object.keys(s.broker.delta)])];
  const cell = (r: Record<string, number>, k: string): string => (k in r ? num(r[k]!) : '');
  return `<h2>Broker ($SYS)</h2>\n${grid(['counter', 'before', 'after', 'delta'], keys.map((k) => [k, cell(s.broker!.before, k), cell(s.broker!.after, k), cell(s.broker!.delta, k)]))}`;
}

function throughputFigure(s: BenchSummary): string {
  if (s.series.length === 0) return '<p>No per-second samples (the run was shorter than a second after the warm-up).</p>';
  const line = (name: keyof typeof COLORS, pick: (x: BenchSummary['series'][number]) => number): Line =>
    ({ name, color: COLORS[name], points: s.series.map((x) => [x.t, pick(x)] as const) });
  const counts = s.scenario === 'conn'
    ? [line('connections', (x) => x.connections), line('errors', (x) => x.errors)]
    : [line('sent', (x) => x.sent), line('acked', (x) => x.acked), line('received', (x) => x.received), line('errors', (x) => x.errors)];
  const shown = counts.filter((l) => l.name === 'sent' || l.name === 'connections' || l.points.some((p) => p[1] > 0));
  const figures = [lineChart({ title: s.scenario === 'conn' ? 'Connections open, each second' : 'Messages per second', xLabel: 'time (s)', yLabel: s.scenario === 'conn' ? 'connections' : 'messages/s', lines: shown })];
  if (s.series.some((x) => x.e2e_p50 !== undefined)) {
    const pts = (pick: (x: BenchSummary['series'][number]) => number | undefined): Array<readonly [number, number]> =>
      s.series.flatMap((x) => { const v = pick(x); return v === undefined ? [] : [[x.t, v] as const]; });
    figures.push(lineChart({ title: 'End-to-end latency each second', xLabel: 'time (s)', yLabel: 'ms', lines: [
      { name: 'p50', color: COLORS.p50, points: pts((x) => x.e2e_p50) },
      { name: 'p99', color: COLORS.p99, points: pts((x) => x.e2e_p99) },
    ] }));
  }
  return figures.map((f, i) => `<figure id="${i === 0 ? 'throughput' : 'e2e-per-second'}">\n${f}\n</figure>`).join('\n');
}

/** x = log10(1 / (1 - p)): 0 = p0, 1 = p90, 2 = p99, 3 = p99.9 ... (HdrHistogram's percentile plot) */
const NINES: readonly Tick[] = [0, 1, 2, 3, 4, 5, 6].map((x) => ({ value: x, label: x === 0 ? '0%' : `${(100 - 100 / 10 ** x).toFixed(Math.max(0, x - 2))}%` }));

/** The percentile distribution of one histogram: latency (ms) against percentile on the nines axis. */
export function percentilePoints(l: LatencySummary): { points: Array<readonly [number, number]>; xMax: number } {
  const h = decodeHistogram(l.histogram);
  try {
    const count = h.totalCount;
    if (count === 0) return { points: [], xMax: 2 };
    // beyond 1/count of the samples every percentile is the max: stop the axis there
    const xMax = Math.min(6, Math.max(2, Math.ceil(Math.log10(count))));
    const points: Array<readonly [number, number]> = [];
    for (let x = 0; x < xMax; x += 0.05) points.push([x, h.getValueAtPercentile(100 - 100 / 10 ** x) / 1000]);
    points.push([xMax, h.maxValue / 1000]);
    return { points, xMax };
  } finally {
    h.destroy();
  }
}

function latencyFigures(s: BenchSummary): string[] {
  const out: string[] = [];
  for (const kind of Object.keys(LATENCY_TITLES) as Array<keyof typeof LATENCY_TITLES>) {
    const l = s.latency[kind];
    if (!l) continue;
    const { points, xMax } = percentilePoints(l);
    out.push(`<figure id="latency-${kind}">\n${lineChart({
      title: `${kind} latency by percentile: ${LATENCY_TITLES[kind]} (${num(l.count)} samples)`,
      xLabel: 'percentile', yLabel: 'ms', xMin: 0, xMax,
      xTicks: NINES.filter((t) => t.value <= xMax),
      lines: [{ name: kind, color: kind === 'e2e' ? COLORS.received : kind === 'ack' ? COLORS.acked : COLORS.connections, points }],
    })}\n</figure>`);
  }
  if (out.length === 0) out.push('<p>No latency was measured in this run.</p>');
  return out;
}
