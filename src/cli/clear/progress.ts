// tsclear's progress line: an ora spinner on stderr when stderr is a terminal, nothing on pipes.
// ora (~44 ms to load) is imported only once a snapshot or a clear turns out to be large. Its
// colour follows the tool's policy (runtime/terminal.ts), not chalk's: chalk ignores NO_COLOR.
import { useColor } from '../runtime/terminal.ts';

/**
 * stderr is a terminal with a known width. ora 9.4 divides by stream.columns: on a pty of width 0
 * (`script` without a size, some CI runners) it computes Infinity lines to clear and never stops.
 */
export function progressWanted(stream: { isTTY?: boolean; columns?: number } = process.stderr): boolean {
  return stream.isTTY === true && (stream.columns ?? 0) > 0;
}

export interface ProgressIo {
  /** stderr is a terminal */
  enabled: boolean;
  /** a coloured spinner; by default the policy run.ts applies to stderr (NO_COLOR, FORCE_COLOR, --no-color) */
  color?: boolean;
}

function stderrColor(): boolean {
  return useColor({ isTTY: process.stderr.isTTY, env: process.env, noColorFlag: process.argv.includes('--no-color') });
}

interface Spinner {
  text: string;
  stop(): unknown;
}

/** reading/clearing this many messages is "large": show the spinner */
const LARGE = 500;
/** re-render at most every STEP messages: setting ora's text is not free */
const STEP = 100;

export class ProgressLine {
  private spinner: Spinner | undefined;
  private loading: Promise<void> | undefined;
  private text = '';
  private stopped = false;

  constructor(private readonly io: ProgressIo) {}

  /** snapshot progress: `count` retained messages kept so far */
  found = (count: number): void => {
    if (count % STEP === 0) this.show(count, `Reading retained messages: ${count} found`);
  };

  /** clearing progress */
  cleared = (done: number, total: number): void => {
    if (done % STEP === 0 || done === total) this.show(total, `Clearing retained messages: ${done} of ${total}`);
  };

  private show(size: number, text: string): void {
    this.text = text;
    if (this.spinner) { this.spinner.text = text; return; }
    if (!this.io.enabled || size < LARGE || this.loading || this.stopped) return;
    this.loading = import('ora').then(({ default: ora }) => {
      if (this.stopped) return;
      const color = this.io.color ?? stderrColor();
      this.spinner = ora({ text: this.text, stream: process.stderr, discardStdin: false, color: color ? 'cyan' : false }).start();
    }, () => undefined);
  }

  /** clear the line (before printing the summary) */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loading;
    this.spinner?.stop();
    this.spinner = undefined;
    this.loading = undefined;
    this.stopped = false;
  }
}
