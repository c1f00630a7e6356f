// --csv FILE: the per-second series as RFC 4180 CSV (a header line, CRLF line ends, fields quoted
// only when they hold a comma, a quote or a line break), for spreadsheets and plotting scripts.
import type { BenchSummary, SecondSample } from './schema.ts';

/** the columns, in order: SecondSample's fields */
export const SERIES_COLUMNS = ['t', 'sent', 'acked', 'received', 'errors', 'connections', 'e2e_p50', 'e2e_p99'] as const satisfies ReadonlyArray<keyof SecondSample>;

/** RFC 4180 section 2.6/2.7: a field with a comma, quote, CR or LF is quoted, quotes doubled */
export function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The series, one row per second; a second with no e2e latency leaves its two latency fields empty. */
export function seriesCsv(s: BenchSummary): string {
  const rows = [SERIES_COLUMNS.join(',')];
  for (const x of s.series) rows.push(SERIES_COLUMNS.map((c) => csvField(x[c])).join(','));
  return `${rows.join('\r\n')}\r\n`;
}
