// The one error boundary of every binary: errors become one `Error: ...` line on stderr and the
// exit code from exit-codes.ts; a stack trace only with --debug. EPIPE on stdout (`| head -1`)
// ends the program quietly with 0.
import { UsageError, useLine } from './errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { paint, useColor } from './terminal.ts';

export interface RunContext {
  /** set by main once options are parsed */
  quiet: boolean;
  debug: boolean;
  noColor: boolean;
  /** the name the tool was invoked as (mosquitto_pub through a link): errors and the Use line say it;
   *  setupTool puts the tool's own name here when there is none */
  name: string;
  /** set once setupTool has checked the arguments: a UsageError after that gets no Use line */
  argumentsChecked?: boolean;
  /** the --help text, printed on stdout after a UsageError whose tail is 'help' */
  help?: () => string;
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

/**
 * The runtime error lines of a tool (`Error: ...`, the prefix red on a terminal), silenced by
 * --quiet as it stands when a line comes; the prefix is worked out once (some lines come per
 * message: a %J payload that is no JSON).
 */
export function errorSink(ctx: Pick<RunContext, 'noColor' | 'quiet'>): (line: string) => void {
  let prefix: string | undefined;
  return (line) => {
    if (ctx.quiet) return;
    prefix ??= errorLine('', ctx);
    process.stderr.write(`${prefix}${line}\n`);
  };
}

export function errorLine(err: unknown, ctx: Pick<RunContext, 'noColor'>): string {
  const msg = err instanceof Error ? err.message : String(err);
  const p = paint(useColor({ isTTY: process.stderr.isTTY, env: process.env, noColorFlag: ctx.noColor }));
  return `${p.red('Error:')} ${msg}`;
}

/**
 * The name the user invoked: the basename of argv[1] as given (a link named mosquitto_pub keeps its
 * name; Node does not resolve it there), without .cjs/.js (bin/tspub.cjs run by path is tspub).
 */
export function invokedName(script: string | undefined): string {
  return (script ?? '').replace(/^.*[\\/]/, '').replace(/\.(?:c|m)?js$|\.ts$/, '');
}

/** `Error: ...` and what mosquitto prints after an argument error (the Use line, or the help on stdout). */
function reportUsageError(err: UsageError, ctx: RunContext): void {
  let text = `${err.bare ? err.message : errorLine(err, ctx)}\n`;
  if (err.tail === 'use' && !ctx.argumentsChecked) text += useLine(err, ctx.name);
  if (ctx.debug && err.stack) text += `${err.stack}\n`;
  process.stderr.write(text);
  if (err.tail === 'help' && ctx.help) process.stdout.write(ctx.help());
}

export function run(main: Main, argv: string[] = process.argv.slice(2), name = invokedName(process.argv[1])): void {
  const ctx: RunContext = { quiet: false, debug: argv.includes('-d') || argv.includes('--debug'), noColor: argv.includes('--no-color'), name };
  watchStdout(ctx);
  main(argv, ctx).then(
    // output lost to a failed stdout is a failure even when main finished first
    (code) => exitAfterFlush(outputLost && (code ?? EXIT.OK) === EXIT.OK ? EXIT.FAILURE : (code ?? EXIT.OK)),
    (err: unknown) => {
      // mosquitto's --quiet hides runtime errors, never argument errors
      if (err instanceof UsageError) reportUsageError(err, ctx);
      else if (!ctx.quiet) {
        let text = `${errorLine(err, ctx)}\n`;
        if (ctx.debug && err instanceof Error && err.stack) text += `${err.stack}\n`;
        process.stderr.write(text);
      }
      exitAfterFlush(exitCodeFor(err));
    },
  );
}

/**
 * stdout that cannot be written: EPIPE (`| head -1`) ends quietly with 0, as mosquitto does; any
 * other failure (a full disk: ENOSPC, a closed descriptor) is one error line and exit 1, since
 * output was lost (mosquitto_sub exits 0 there). Files and /dev/full fail inside write() itself,
 * pipes later through 'error': both come here. With ctx.epipe 'continue' (tspub's -d lines) the
 * program goes on without output.
 */
let outputLost = false;

function watchStdout(ctx: RunContext): void {
  const out = process.stdout;
  let failed = false;
  const onFailure = (err: NodeJS.ErrnoException): void => {
    if (failed) return;
    failed = true;
    out.write = () => true;
    const epipe = err.code === 'EPIPE';
    if (!epipe && !ctx.quiet) {
      // "ENOSPC: no space left on device, write" -> "no space left on device (ENOSPC)"
      const what = err.code ? `${err.message.replace(`${err.code}: `, '').replace(/, write$/, '')} (${err.code})` : err.message;
      process.stderr.write(`${errorLine(new Error(`cannot write to standard output: ${what}`), ctx)}\n`);
    }
    if (ctx.epipe === 'continue') return;
    outputLost = !epipe;
    void Promise.resolve(ctx.onEpipe?.()).catch(() => undefined).finally(() => process.exit(epipe ? EXIT.OK : EXIT.FAILURE));
  };
  out.on('error', onFailure);
  const write = out.write.bind(out) as (...args: unknown[]) => boolean;
  out.write = ((...args: unknown[]): boolean => {
    try {
      return write(...args);
    } catch (err) {
      onFailure(err as NodeJS.ErrnoException);
      return true;
    }
  }) as typeof out.write;
}
