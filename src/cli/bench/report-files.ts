// --csv FILE and --html FILE of a run: created before the run, so that a path that cannot be
// written fails at once (exit 1, before connecting) and not after a long run; filled from the
// summary at the end. tsbench merge writes its files with the same words for the same errors.
import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../runtime/errors.ts';
import { fsErrorText } from '../../session/fs-error-text.ts';
import type { BenchSummary } from './schema.ts';

/** a report file that cannot be written, in the house words (opening for writing: ENOENT is a missing directory) */
export function cannotWrite(path: string, err: unknown): UsageError {
  const why = (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? 'no such directory' : fsErrorText(err);
  return new UsageError(`cannot write '${path}': ${why}.`);
}

type Render = (s: BenchSummary) => string;

const renderers: Record<'csv' | 'html', () => Promise<Render>> = {
  csv: async () => (await import('./csv.ts')).seriesCsv,
  html: async () => (await import('./html.ts')).htmlReport,
};

export interface ReportFiles {
  /** writes each file from the summary and closes it */
  write(s: BenchSummary): Promise<void>;
  /** closes them unwritten (the run failed) */
  close(): Promise<void>;
}

/** creates (truncates) the files asked for; a UsageError naming the first that cannot be */
export async function openReports(paths: { csv?: string | undefined; html?: string | undefined }): Promise<ReportFiles> {
  const files: Array<{ path: string; fh: FileHandle; kind: 'csv' | 'html' }> = [];
  const closeAll = async (): Promise<void> => { await Promise.all(files.splice(0).map((f) => f.fh.close().catch(() => undefined))); };
  for (const kind of ['csv', 'html'] as const) {
    const path = paths[kind];
    if (path === undefined) continue;
    try {
      files.push({ path, fh: await open(path, 'w'), kind });
    } catch (err) {
      await closeAll();
      throw cannotWrite(path, err);
    }
  }
  return {
    async write(s) {
      try {
        for (const f of files) {
          const text = (await renderers[f.kind]())(s);
          try { await f.fh.writeFile(text); } catch (err) { throw cannotWrite(f.path, err); }
        }
      } finally {
        await closeAll();
      }
    },
    close: closeAll,
  };
}
