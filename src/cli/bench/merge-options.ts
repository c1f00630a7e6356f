// `tsbench merge FILE... [--json] [--csv FILE] [--html FILE]`: its own small table (no connection
// options: it reads files) and the split of its words into files and options.
import { optionTable, parseWords, type OptionSpec, type StoreOf } from '../options/option-spec.ts';

export const MERGE_OPTIONS = [
  { key: 'json', names: ['--json'], kind: 'flag', group: 'output', help: "print the merged summary as JSON (as a run's --json prints its own)" },
  { key: 'csv', names: ['--csv'], kind: 'value', arg: 'file', group: 'output', help: 'write the merged per-second series as CSV' },
  { key: 'html', names: ['--html'], kind: 'value', arg: 'file', group: 'output', help: 'write a self-contained HTML report of the merged runs' },
  { key: 'help', names: ['--help'], kind: 'flag', group: 'misc', help: 'show this help' },
] as const satisfies readonly OptionSpec[];

export type MergeStore = StoreOf<typeof MERGE_OPTIONS>;

export const MERGE_TABLE = optionTable(MERGE_OPTIONS);

/** The words after `merge`: FILEs (`-` is standard input; after `--` every word is one) and options, anywhere. */
export function parseMergeArgs(words: readonly string[]): { files: string[]; store: MergeStore } {
  const files: string[] = [];
  const options: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') { files.push(...words.slice(i + 1)); break; }
    if (w === '-' || !w.startsWith('-')) { files.push(w); continue; }
    options.push(w);
    // a value option takes the next word (parseWords reports it missing)
    if (MERGE_TABLE.lookup(w)?.kind === 'value' && i + 1 < words.length) options.push(words[++i]!);
  }
  const store: Record<string, unknown> = {};
  parseWords(MERGE_TABLE, options, store);
  return { files, store: store as MergeStore };
}
