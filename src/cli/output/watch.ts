// tssub -w on a terminal, after mosquitto develop's watch mode: the screen is cleared, line 1 says
// "Broker: host", and each topic gets the next line (2, 3, ...) in the order topics first arrive;
// a message rewrites its topic's line in place. Develop only moves the cursor (ESC[row;1H) and
// prints; we also erase the line first (a shorter payload leaves no tail of the old one), keep the
// message to one line of the terminal's width (control characters shown as spaces, cut at the
// right edge: a wrapped line would shift every line below), give the topics that do not fit on the
// screen its last line, and park the cursor below the table with no newline (develop's newline
// scrolls the table once it reaches the bottom). Without a terminal -w is not used at all.
import type { InboundMessage } from '../../session/types.ts';
import type { OutBuffer } from './out-buffer.ts';
import type { Printer } from './index.ts';

/** a terminal's size, read at every message (tty.WriteStream follows a resize) */
export interface WatchScreen {
  readonly rows?: number;
  readonly columns?: number;
}

const CLEAR_HOME = '\u001b[2J\u001b[1;1H';
const ERASE_LINE = '\u001b[2K';
const RESET = '\u001b[0m';
/** the usual size when the terminal will not say */
const DEFAULT_ROWS = 24;
const DEFAULT_COLUMNS = 80;

export class WatchPrinter implements Printer {
  readonly usesTime: boolean;
  /** topic -> its screen row (2 = the first topic) */
  private readonly rowOf = new Map<string, number>();

  constructor(private readonly inner: Printer, private readonly screen: WatchScreen) {
    this.usesTime = inner.usesTime;
  }

  /** the cleared screen and its header line, as develop's output_init() */
  begin(out: OutBuffer, header: string): void {
    out.ascii(CLEAR_HOME);
    out.str(fitLine(header, this.columns()));
    out.byte(10);
  }

  print(out: OutBuffer, msg: InboundMessage, nowMs: number): void {
    const mark = out.len;
    this.inner.print(out, msg, nowMs);
    if (out.len === mark) return; // nothing printed (e.g. an empty payload without -v)
    const text = out.since(mark).toString('utf8');
    out.len = mark;
    const rows = Math.max(3, this.screen.rows || DEFAULT_ROWS);
    const row = this.row(msg.topic, rows);
    out.ascii(`\u001b[${row};1H${ERASE_LINE}`);
    out.str(fitLine(text, this.columns()));
    // below the last topic line: where -d lines, stderr and the shell prompt go
    out.ascii(`\u001b[${Math.min(this.rowOf.size + 2, rows)};1H`);
  }

  private columns(): number {
    return this.screen.columns || DEFAULT_COLUMNS;
  }

  /** a new topic takes the next free row; past the screen's last free row it shares that row */
  private row(topic: string, rows: number): number {
    const known = this.rowOf.get(topic);
    if (known !== undefined) return Math.min(known, rows - 1);
    const next = this.rowOf.size + 2;
    if (next > rows - 1) return rows - 1;
    this.rowOf.set(topic, next);
    return next;
  }
}

/**
 * One terminal line of at most `columns` cells: the message's line end dropped, other control
 * characters as spaces, escape sequences (colour from -v or -F '\e[...m') kept at no width, wide
 * characters counted as two cells; attributes reset at the end when the text set any.
 */
export function fitLine(text: string, columns: number): string {
  const s = text.endsWith('\n') ? text.slice(0, -1) : text;
  let out = '';
  let width = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c === 0x1b) {
      const end = escapeEnd(s, i);
      out += s.slice(i, end);
      escaped = true;
      i = end - 1;
      continue;
    }
    const ch = c < 0x20 || c === 0x7f ? ' ' : String.fromCodePoint(c);
    const w = c >= 0x300 && c <= 0x36f ? 0 : isWide(c) ? 2 : 1;
    if (width + w > columns) break;
    out += ch;
    width += w;
  }
  return escaped ? out + RESET : out;
}

/** end (exclusive) of the escape sequence at i: CSI (ESC [ ... final byte) or ESC + one character */
function escapeEnd(s: string, i: number): number {
  if (s[i + 1] !== '[') return Math.min(i + 2, s.length);
  let j = i + 2;
  while (j < s.length) {
    const c = s.charCodeAt(j++);
    if (c >= 0x40 && c <= 0x7e) break;
  }
  return j;
}

/** East Asian wide and emoji ranges: two terminal cells */
function isWide(c: number): boolean {
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3)
    || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60)
    || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) || (c >= 0x1f900 && c <= 0x1f9ff)
    || (c >= 0x20000 && c <= 0x3fffd);
}
