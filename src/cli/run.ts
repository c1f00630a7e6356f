// The one error boundary of every binary: errors become one `Error: ...` line on stderr and the
// exit code from exit-codes.ts; a stack trace only with --debug. EPIPE on stdout (`| head -1`)
// ends the program quietly with 0.
import { UsageError } from './errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { paint, useColor } from './terminal.ts';

export interface RunContext {
  /** set by main once options are parsed */
  quiet: boolean;
  debug: boolean;
  noColor: boolean;
  /** printed after a UsageError with showUsage */
  usage?: () => string;
  /** called once before exiting on EPIPE (e.g. end the session cleanly) */
  onEpipe?: () => Promise<void> | void;
  /** 'continue': stdout is only decoration (tspub's -d lines): on EPIPE drop further output and
   *  let main finish its work and pick the exit code; default 'exit': exit 0 at once */
  epipe?: 'exit' | 'continue';
}

export type Main = (argv: string[], ctx: RunContext) => Promise<number | void>;

function exitAfterFlush(code: number): void {
  const out = process.stdout;
  if (out.writableLength > 0) out.once('drain', () => process.exit(code));
  else process.exit(code);
  // a stuck pipe must not hold the process forever
  setTimeout(() => process.exit(code), 2000).unref();
}

export function errorLine(err: unknown, ctx: Pick<RunContext, 'noColor'>): string {
  const msg = err instanceof Error ? err.message : String(err);
  const p = paint(useColor({ isTTY: process.stderr.isTTY, env: process.env, noColorFlag: ctx.noColor }));
  return `${p.red('Error:')} ${msg}`;
}

export function run(main: Main, argv: string[] = process.argv.slice(2)): void {
  const ctx: RunContext = { quiet: false, debug: argv.includes('-d') || argv.includes('--debug'), noColor: argv.includes('--no-color') };
  let epiped = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (epiped) return;
    epiped = true;
    if (ctx.epipe === 'continue') {
      process.stdout.write = () => true;
      return;
    }
    void Promise.resolve(ctx.onEpipe?.()).catch(() => undefined).finally(() => process.exit(EXIT.OK));
  });
  main(argv, ctx).then(
    (code) => exitAfterFlush(typeof code === 'number' ? code : EXIT.OK),
    (err: unknown) => {
      const usage = err instanceof UsageError;
      // mosquitto's --quiet hides runtime errors, never argument errors
      if (usage || !ctx.quiet) {
        let text = `${errorLine(err, ctx)}\n`;
        if (usage && err.showUsage && ctx.usage) text += `\n${ctx.usage()}`;
        if (ctx.debug && err instanceof Error && err.stack) text += `${err.stack}\n`;
        process.stderr.write(text);
      }
      exitAfterFlush(exitCodeFor(err));
    },
  );
}
