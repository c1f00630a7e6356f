// Errors that belong to the command line, not to the session.

/**
 * What follows an argument error's line, as the mosquitto clients print it:
 *   'use'  a blank line (two with blank: 2) and "Use 'NAME --help' to see usage." (client_config_load failed)
 *   'help' the whole --help text on stdout ("Both topic and message must be supplied.")
 *   'none' nothing (mosquitto finds it after its options are loaded: an unreadable -f, a TLS option)
 */
export type UsageTail = 'use' | 'help' | 'none';

export interface UsageOptions {
  /** blank lines before the Use line: 2 where mosquitto's message itself ends with "\n\n" */
  blank?: 1 | 2;
  tail?: UsageTail;
  /** the line without "Error: " (mosquitto's "Error in CONNECT properties: ...") */
  bare?: boolean;
}

/** Bad input found before connecting: `Error: <message>`, then what `tail` says, exit 1 (as mosquitto). */
export class UsageError extends Error {
  readonly blank: 1 | 2;
  readonly tail: UsageTail;
  readonly bare: boolean;
  constructor(message: string, options: UsageOptions = {}) {
    super(message);
    this.name = 'UsageError';
    this.blank = options.blank ?? 1;
    this.tail = options.tail ?? 'use';
    this.bare = options.bare ?? false;
  }
}

/** mosquitto's "\n\n" errors (a missing value, most value checks): two blank lines before the Use line */
export function argError(message: string): UsageError {
  return new UsageError(message, { blank: 2 });
}

/** The text after the `Error: ...` line on stderr for a 'use' tail. */
export function useLine(err: UsageError, name: string): string {
  return `${err.blank === 2 ? '\n' : ''}\nUse '${name} --help' to see usage.\n`;
}
