// The payload of a single message, from where mosquitto_pub takes it: -m text, -f the whole file,
// -s all of stdin, -n (none of these) empty. Read before connecting, so an unreadable file is an
// argument error, as in mosquitto. Shared by the tools that send a message (tspub; tsrr, tsbench).
import { fstatSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from '../runtime/errors.ts';
import { fsErrorText } from '../../session/fs-error-text.ts';
import { MAX_REMAINING_LENGTH } from '../../protocol/codec.ts';
import { isRegularFile } from './checked-lines.ts';

/** mosquitto_pub's words when the PUBLISH would not fit MQTT's remaining-length limit */
export const TOO_LARGE = 'Message payload is too large.';

export interface StdinIo {
  /** all of stdin (for -s); called only in that mode */
  readStdin(): Buffer;
  /** `< dir`: Node reads a directory on stdin as empty, which would publish nothing and exit 0 */
  stdinIsDirectory?(): boolean;
  /** stdin's fd when it is a regular file (-l then checks every line before publishing) */
  stdinFileFd?(): number | undefined;
}

/** the process's own stdin (fd 0, read whole and at once: -s is one message) */
export const PROCESS_STDIN: StdinIo = {
  readStdin: () => readFileSync(0),
  stdinIsDirectory: () => {
    try {
      return fstatSync(0).isDirectory();
    } catch {
      return false; // closed: Node gives an empty stream
    }
  },
  stdinFileFd: () => (isRegularFile(0) ? 0 : undefined),
};

/** the message options given; none of them means -n */
export interface PayloadSource {
  message?: string;
  file?: string;
  stdinFile?: boolean;
}

export interface Payload {
  payload: Buffer;
  /** the option it came from, for error lines: "-m", "-f 'big.bin'" */
  what: string;
}

/** mosquitto_pub loads -f and -s after its options ("Error loading input file"): no Use line after these */
const LOADING = { tail: 'none' } as const;

function readPayloadFile(path: string): Buffer {
  try {
    // a file that cannot fit is refused before it is read into memory
    if (statSync(path).size > MAX_REMAINING_LENGTH) throw new UsageError(TOO_LARGE, LOADING);
    return readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`-f: cannot read '${path}': ${fsErrorText(err)}.`, LOADING);
  }
}

export function readPayload(src: PayloadSource, io: StdinIo): Payload {
  if (src.message !== undefined) return { payload: Buffer.from(src.message), what: '-m' };
  if (src.file !== undefined) return { payload: readPayloadFile(src.file), what: `-f '${src.file}'` };
  if (src.stdinFile) {
    if (io.stdinIsDirectory?.()) throw new UsageError('-s: standard input is a directory, not a message.', LOADING);
    return { payload: io.readStdin(), what: '-s' };
  }
  return { payload: Buffer.alloc(0), what: '-n' };
}
