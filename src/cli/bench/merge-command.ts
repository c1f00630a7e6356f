// `tsbench merge FILE...`: read summaries (`-` is standard input), add them up, print the merged
// summary as a run prints its own (and write --csv / --html from it when asked). Each bad input
// is one error line naming the file, exit 1, before anything is printed.
import { readFile, writeFile } from 'node:fs/promises';
import { UsageError } from '../runtime/errors.ts';
import { EXIT } from '../runtime/exit-codes.ts';
import { fsErrorText } from '../../session/fs-error-text.ts';
import type { BenchSummary } from './schema.ts';
import { checkSummary } from './summary-check.ts';
import { mergeSummaries } from './merge.ts';
import { cannotWrite } from './report-files.ts';

export interface MergeIO {
  /** all of standard input, as text */
  readStdin(): Promise<string>;
  /** stdout */
  write(text: string): void;
  /** one error line (the caller adds "Error: " and its colour) */
  error(message: string): void;
  /** the summary printer (tsbench's table, or its --json); default: the JSON summary */
  print?(s: BenchSummary): string;
  /** --csv FILE / --html FILE: also written from the merged summary */
  csv?: string;
  html?: string;
  /** default node:fs/promises (tests may pass their own) */
  readFile?(path: string): Promise<string>;
  writeFile?(path: string, text: string): Promise<void>;
}

/** all of standard input (merge's '-'), read only when asked for */
export async function readStdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** the JSON summary, indented (tests' and scripts' files; tsbench merge --json prints one line, as a run) */
export const summaryJson = (s: BenchSummary): string => `${JSON.stringify(s, null, 2)}\n`;

const STDIN = '-';
const nameOf = (file: string): string => (file === STDIN ? 'standard input' : file);

async function readSummary(file: string, io: MergeIO): Promise<BenchSummary> {
  const name = nameOf(file);
  let text: string;
  try {
    text = file === STDIN ? await io.readStdin() : await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(file);
  } catch (err) {
    throw new UsageError(file === STDIN ? `cannot read standard input: ${fsErrorText(err)}.` : `cannot read '${file}': ${fsErrorText(err)}.`);
  }
  if (text.trim() === '') throw new UsageError(`${name} is empty: no summary to merge.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 quotes the start of the text: keep the error on one line
    const why = (err instanceof Error ? err.message : String(err)).replaceAll('\n', '\\n').replaceAll('\r', '\\r');
    throw new UsageError(`${name} is not JSON (${why}): give the output of tsbench --json.`);
  }
  checkSummary(value, name);
  return value;
}

/** The command body: the exit code, having printed the merged summary or one error line. */
export async function runMerge(files: string[], io: MergeIO): Promise<number> {
  try {
    if (files.length === 0) throw new UsageError("merge needs at least one FILE (the output of tsbench --json; '-' is standard input).");
    if (files.filter((f) => f === STDIN).length > 1) throw new UsageError("'-' (standard input) is given more than once: it can be read only once.");
    const list: BenchSummary[] = [];
    for (const f of files) list.push(await readSummary(f, io));
    const merged = mergeSummaries(list, files.map(nameOf));
    const write = io.writeFile ?? ((p: string, t: string) => writeFile(p, t));
    if (io.csv !== undefined || io.html !== undefined) {
      const [{ seriesCsv }, { htmlReport }] = await Promise.all([import('./csv.ts'), import('./html.ts')]);
      if (io.csv !== undefined) await writeOut(write, io.csv, seriesCsv(merged));
      if (io.html !== undefined) await writeOut(write, io.html, htmlReport(merged));
    }
    io.write((io.print ?? summaryJson)(merged));
    return EXIT.OK;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.error(err.message);
    return EXIT.FAILURE;
  }
}

async function writeOut(write: (p: string, t: string) => Promise<void>, path: string, text: string): Promise<void> {
  try {
    await write(path, text);
  } catch (err) {
    throw cannotWrite(path, err);
  }
}
