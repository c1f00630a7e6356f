// tsclear's output. stdout is data: the dry-run list ("topic<TAB>bytes<TAB>preview"), the cleared
// topics with -v, or one JSON document with --json. The summary sentence and failures go to stderr.
import type { ClearFailure, ClearResult } from './clearing.ts';
import type { EndedBy, Found, Snapshot } from './snapshot.ts';

const PREVIEW_CHARS = 40;

export interface Preview {
  /** text: the first `max` characters; binary: '0x' + hex of the first max/2 bytes */
  text: string;
  binary: boolean;
  truncated: boolean;
}

/** The start of a payload: UTF-8 text without control characters (tab/newline/CR allowed) is text. */
export function previewOf(payload: Buffer, max = PREVIEW_CHARS): Preview {
  const text = payload.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(payload) && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
  if (isText) {
    const chars = [...text];
    return { text: chars.length > max ? chars.slice(0, max).join('') : text, binary: false, truncated: chars.length > max };
  }
  const bytes = Math.floor(max / 2);
  return { text: `0x${payload.subarray(0, bytes).toString('hex')}`, binary: true, truncated: payload.length > bytes };
}

/** One printable line: text as a JSON string (quotes, escapes), binary as 0x-hex; '…' when cut. */
export function preview(payload: Buffer, max = PREVIEW_CHARS): string {
  const p = previewOf(payload, max);
  return `${p.binary ? p.text : JSON.stringify(p.text)}${p.truncated ? '…' : ''}`;
}

export function dryRunLines(found: readonly Found[]): string {
  let out = '';
  for (const f of found) out += `${f.topic}\t${f.payload.length}\t${preview(f.payload)}\n`;
  return out;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function quoteList(items: readonly string[]): string {
  return items.map((s) => `'${s}'`).join(', ');
}

function endedText(endedBy: EndedBy, quietMs: number): string {
  return endedBy === 'live' ? 'snapshot ended by a live message on every filter'
    : `snapshot ended after ${quietMs} ms without a retained message`;
}

export interface SummaryInput {
  filters: string[];
  snapshot: Snapshot;
  quietMs: number;
  dryRun: boolean;
  result?: ClearResult;
}

/** The one summary sentence (stderr). */
export function summaryLine(s: SummaryInput): string {
  const under = `under ${quoteList(s.filters)}`;
  const why = [endedText(s.snapshot.endedBy, s.quietMs)];
  if (s.snapshot.excluded > 0) why.unshift(`${s.snapshot.excluded} excluded by -T/--match`);
  const n = s.snapshot.found.length;
  if (n === 0) return `No retained messages to clear ${under} (${why.join('; ')}).`;
  if (s.dryRun || !s.result) return `Would clear ${plural(n, 'retained message')} ${under} (dry run, nothing cleared; ${why.join('; ')}).`;
  const { cleared, failed } = s.result;
  if (failed.length === 0) return `Cleared ${plural(cleared.length, 'retained message')} ${under} (${why.join('; ')}).`;
  return `Cleared ${cleared.length} of ${plural(n, 'retained message')} ${under}; ${failed.length} failed (${why.join('; ')}).`;
}

export function failureText(f: ClearFailure): string {
  const code = f.reasonCode === undefined ? '' : ` (0x${f.reasonCode.toString(16).padStart(2, '0')})`;
  return `could not clear '${f.topic}': ${f.reason}${code}`;
}

export interface JsonInput extends SummaryInput {
  exclude: string[];
  match?: RegExp;
  verified: boolean;
}

/** The --json document, one line. Deterministic: sorted topics, no timings. */
export function jsonReport(j: JsonInput): string {
  const doc = {
    filters: j.filters,
    exclude: j.exclude,
    match: j.match ? j.match.source : null,
    dryRun: j.dryRun,
    snapshot: { endedBy: j.snapshot.endedBy, quietMs: j.quietMs, excluded: j.snapshot.excluded },
    found: j.snapshot.found.map((f) => {
      const p = previewOf(f.payload);
      return { topic: f.topic, bytes: f.payload.length, preview: p.text, binary: p.binary, truncated: p.truncated };
    }),
    cleared: j.result?.cleared ?? [],
    failed: (j.result?.failed ?? []).map((f) => (f.reasonCode === undefined ? { topic: f.topic, reason: f.reason }
      : { topic: f.topic, reasonCode: f.reasonCode, reason: f.reason })),
    verified: j.verified,
  };
  return `${JSON.stringify(doc)}\n`;
}
