// --tls-keylog FILE: the session keys of every TLS handshake (Node's 'keylog' event: one line of
// NSS key log format each, as Wireshark's "(Pre)-Master-Secret log filename" reads them), appended
// to FILE. The file is created with mode 0600: its lines decrypt the whole session.
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { TransportError } from './errors.ts';
import { fsErrorText } from './fs-error-text.ts';

const MODE = 0o600;

function keylogError(path: string, err: unknown): TransportError {
  const code = (err as NodeJS.ErrnoException).code;
  return new TransportError(`cannot open the --tls-keylog file '${path}': ${fsErrorText(err)}`, code, { cause: err, retryable: false });
}

/** Before any socket: FILE can be opened for appending (and is created 0600 if missing). */
export function checkKeylogFile(path: string): void {
  try {
    closeSync(openSync(path, 'a', MODE));
  } catch (err) {
    throw keylogError(path, err);
  }
}

/** Append each key line of this socket's handshakes to FILE; a failed write ends the connection. */
export function logKeys(socket: TLSSocket, path: string): void {
  socket.on('keylog', (line: Buffer) => {
    try {
      appendFileSync(path, line, { mode: MODE });
    } catch (err) {
      socket.destroy(keylogError(path, err));
    }
  });
}
