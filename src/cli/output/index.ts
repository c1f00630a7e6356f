// Message output for tssub (and any binary printing messages): picks -F, --json, -v or plain payload
// once, then prints each message as bytes into an OutBuffer. The output is exactly mosquitto_sub's
// (print_message()); a terminal only adds decoration (a coloured topic), never other content:
// -v spreads a JSON payload over lines with --pretty only, on a pipe as on a terminal.
import type { InboundMessage } from '../../session/types.ts';
import { compileFormat, type CompiledFormat } from './compile.ts';
import { OutBuffer } from './out-buffer.ts';
import { renderFormat, type RenderEnv } from './render.ts';
import { writeOursJson } from './ours-json.ts';
import { indentJson } from './json-indent.ts';

export { OutBuffer } from './out-buffer.ts';
export { compileFormat } from './compile.ts';

export interface OutputOptions {
  /** -F */
  format?: string;
  /** -v */
  verbose: boolean;
  /** false with -N */
  eol: boolean;
  /** --pretty */
  pretty: boolean;
  /** --json (ours) */
  json: boolean;
  /** stdout is a terminal: -v colours the topic when the colour policy allows */
  decorate?: { color: boolean };
  /** error lines for stderr (%J on a payload that is not JSON) */
  warn(line: string): void;
}

export interface Printer {
  /** the output depends on the time: pass a real clock reading as nowMs (else any number will do) */
  readonly usesTime: boolean;
  /** append the output for one message to `out` */
  print(out: OutBuffer, msg: InboundMessage, nowMs: number): void;
}

const TOPIC_COLOR = '\u001b[35m';
const RESET = '\u001b[39m';

/** Throws UsageError for a bad -F (before connecting). */
export function createPrinter(o: OutputOptions): Printer {
  const eol = o.eol;
  if (o.format !== undefined) {
    const f: CompiledFormat = compileFormat(o.format);
    const env: RenderEnv = { pretty: o.pretty, warn: o.warn };
    return {
      usesTime: f.usesTime,
      print(out, msg, nowMs) {
        renderFormat(out, f, msg, nowMs, env);
        if (eol) out.byte(10);
      },
    };
  }
  if (o.json) {
    return {
      usesTime: true,
      print(out, msg, nowMs) {
        writeOursJson(out, msg, nowMs, o.pretty);
        if (eol) out.byte(10);
      },
    };
  }
  if (o.verbose) {
    if (o.decorate?.color || o.pretty) return decoratedVerbose(o.decorate?.color === true, o.pretty, eol);
    return {
      usesTime: false,
      print(out, msg) {
        if (msg.payload.length) {
          out.str(msg.topic);
          out.byte(0x20);
          out.bytes(msg.payload);
          if (eol) out.byte(10);
        } else if (eol) {
          out.str(msg.topic);
          out.ascii(' (null)\n');
        }
      },
    };
  }
  return {
    usesTime: false,
    print(out, msg) {
      if (msg.payload.length) {
        out.bytes(msg.payload);
        if (eol) out.byte(10);
      }
    },
  };
}

/** -v with a coloured topic (a terminal) and/or a JSON object/array payload indented (--pretty). */
function decoratedVerbose(color: boolean, pretty: boolean, eol: boolean): Printer {
  return {
    usesTime: false,
    print(out, msg) {
      const p = msg.payload;
      if (!p.length && !eol) return;
      if (color) out.ascii(TOPIC_COLOR);
      out.str(msg.topic);
      if (color) out.ascii(RESET);
      out.byte(0x20);
      if (!p.length) { out.ascii('(null)\n'); return; }
      out.bytes((pretty && indentJson(p)) || p);
      if (eol) out.byte(10);
    },
  };
}
