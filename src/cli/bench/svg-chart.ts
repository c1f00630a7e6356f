// Line charts as inline SVG text, drawn here so that --html needs no script, font or network:
// axes with round-numbered ticks, one polyline per series, a legend. Inline SVG inside HTML
// needs no xmlns, so the report holds no URL at all.

export interface Line {
  name: string;
  color: string;
  /** [x, y] in data units, x ascending */
  points: ReadonlyArray<readonly [number, number]>;
}

export interface Tick {
  value: number;
  label: string;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: readonly Line[];
  /** fixed x ticks (the percentile axis); default: round numbers over the data */
  xTicks?: readonly Tick[];
  /** the x range; default: the data's */
  xMin?: number;
  xMax?: number;
}

const W = 720;
const H = 320;
const M = { left: 70, right: 20, top: 30, bottom: 70 };

/** & < > " ' as entities: safe in text and in quoted attributes */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number as a tick label: no float noise (0.30000000000000004), thousands grouped. */
export function num(x: number): string {
  const r = Math.round(x * 1000) / 1000;
  return Math.abs(r) >= 1000 ? Math.round(r).toLocaleString('en-US') : String(r);
}

/** About `count` round ticks (1, 2 or 5 times a power of ten) from 0 to at least max. */
export function roundTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  // i * step, rid of float noise (3 * 0.1 is 0.30000000000000004)
  const at = (i: number): number => Number((i * step).toPrecision(12));
  let i = 0;
  while (at(i) < max && i < 50) i++;
  for (let j = 0; j <= i; j++) ticks.push(at(j));
  return ticks;
}

/** One chart as an <svg> element. */
export function lineChart(spec: ChartSpec): string {
  const all = spec.lines.flatMap((l) => l.points);
  const xs = all.map((p) => p[0]);
  const xMin = spec.xMin ?? (xs.length ? Math.min(...xs) : 0);
  const xMaxData = spec.xMax ?? (xs.length ? Math.max(...xs) : 1);
  const xMax = xMaxData > xMin ? xMaxData : xMin + 1;
  const yTicks = roundTicks(Math.max(0, ...all.map((p) => p[1])));
  const yMax = yTicks[yTicks.length - 1]!;
  const px = (x: number): number => M.left + ((x - xMin) / (xMax - xMin)) * (W - M.left - M.right);
  const py = (y: number): number => H - M.bottom - (y / yMax) * (H - M.top - M.bottom);
  const f = (v: number): string => v.toFixed(1);
  const xTicks = spec.xTicks ?? roundTicks(xMax - xMin, 8).map((v) => ({ value: xMin + v, label: num(xMin + v) })).filter((t) => t.value <= xMax);
  const out: string[] = [];
  out.push(`<svg class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title)}">`);
  out.push(`<title>${esc(spec.title)}</title>`);
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" class="title">${esc(spec.title)}</text>`);
  for (const t of yTicks) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${f(py(t))}" y2="${f(py(t))}" class="grid"/>`);
    out.push(`<text x="${M.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${esc(num(t))}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${f(px(t.value))}" x2="${f(px(t.value))}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}" class="axis"/>`);
    out.push(`<text x="${f(px(t.value))}" y="${H - M.bottom + 18}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" class="axis"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" class="axis"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - M.bottom + 36}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  for (const l of spec.lines) {
    if (l.points.length === 0) continue;
    const pts = l.points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    // a single point draws no line: mark it
    out.push(l.points.length === 1
      ? `<circle cx="${f(px(l.points[0]![0]))}" cy="${f(py(l.points[0]![1]))}" r="3" fill="${esc(l.color)}"><title>${esc(l.name)}</title></circle>`
      : `<polyline points="${pts}" fill="none" stroke="${esc(l.color)}" stroke-width="1.8"><title>${esc(l.name)}</title></polyline>`);
  }
  spec.lines.forEach((l, i) => {
    const x = M.left + i * 150;
    const y = H - 10;
    out.push(`<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${esc(l.color)}"/>`);
    out.push(`<text x="${x + 20}" y="${y - 4}">${esc(l.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
