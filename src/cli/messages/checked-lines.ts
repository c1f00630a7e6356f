// -l from a regular file (`tspub -l --line-format json < backup.jsonl`): every line is checked
// before anything is published, so a bad line 3 of 5 publishes nothing (a half-restored broker is
// worse than none). The file is read twice: once here, synchronously and before connecting, and
// again by the LineReader over exactly the bytes checked (a file that grows meanwhile does not
// slip unchecked lines in). From a pipe or a terminal there is no second read: lines go out as
// they come (runner.ts says so when one is bad).
import { createReadStream, fstatSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { UsageError } from '../runtime/errors.ts';

/** the bytes of a file descriptor that were checked: from start, length bytes */
export interface CheckedRange {
  fd: number;
  start: number;
  length: number;
}

const CHUNK = 1 << 20;

/** fd is a regular file (not a pipe, terminal, socket, device or a closed fd) */
export function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads fd from its current offset to its end, cut into lines as LineReader cuts them ('\n'
 * removed, a last line without '\n' counted), and gives each to `check` (an error text, or
 * undefined). Throws UsageError naming the first bad line (and how many more there are).
 */
export function checkLines(fd: number, check: (line: Buffer) => string | undefined): CheckedRange {
  const buf = Buffer.allocUnsafe(CHUNK);
  let carry: Buffer[] = [];
  let total = 0;
  let lineNo = 0;
  let first: string | undefined;
  let bad = 0;
  const one = (line: Buffer): void => {
    lineNo++;
    const err = check(line);
    if (err === undefined) return;
    bad++;
    if (first === undefined) first = `stdin line ${lineNo}: ${err}`;
  };
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    total += n;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= n) {
        if (pos < n) carry.push(Buffer.from(buf.subarray(pos, n)));
        break;
      }
      let line = buf.subarray(pos, nl);
      if (carry.length > 0) {
        carry.push(line);
        line = Buffer.concat(carry);
        carry = [];
      }
      one(line);
      pos = nl + 1;
    }
  }
  if (carry.length > 0) one(Buffer.concat(carry));
  if (first !== undefined) {
    const more = bad > 1 ? ` (and ${bad - 1} more bad line${bad > 2 ? 's' : ''} after it)` : '';
    throw new UsageError(`${first}${more}; nothing was published.`, { tail: 'none' }); // the input's fault, not the arguments'
  }
  // at the end of the file now: the read began `total` bytes before it
  const start = Math.max(0, fstatSync(fd).size - total);
  return { fd, start, length: total };
}

/** the checked bytes again, as a stream for LineReader (the fd stays open: it is stdin) */
export function readRange(r: CheckedRange): Readable {
  if (r.length === 0) return Readable.from([]);
  return createReadStream('', { fd: r.fd, start: r.start, end: r.start + r.length - 1, autoClose: false });
}
