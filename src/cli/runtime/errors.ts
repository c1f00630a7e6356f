// Errors that belong to the command line, not to the session.

/** Bad input found before connecting: printed as one `Error: ...` line, exit 1 (as mosquitto). */
export class UsageError extends Error {
  /** print the usage block after the error line (mosquitto does for "no topic or message") */
  readonly showUsage: boolean;
  constructor(message: string, options?: { showUsage?: boolean }) {
    super(message);
    this.name = 'UsageError';
    this.showUsage = options?.showUsage ?? false;
  }
}
