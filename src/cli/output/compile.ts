// -F: compile a mosquitto_sub format string once into a flat list of ops (no regex, no closure per
// message at render time). Validation follows mosquitto develop's check_format() and its messages,
// so a bad -F is an argument error before connecting; parsing follows develop's formatted_print():
// an optional '-' (left align) and/or '0' (zero pad), a width, a .precision, then an optional hex
// separator character (any of HEX_SEPARATORS, for every specifier; only %x/%X use it).
import { UsageError } from '../runtime/errors.ts';

export const enum K {
  Lit, Percent, Alias, ContentType, Correlation, Expiry, FormatInd, Iso, Json, JsonRaw, Len, Mid,
  UserProps, Payload, Qos, RespTopic, Retain, SubId, Topic, Unix, Hex, HexUpper, Double, Float, Time, Nsec,
}

export interface Op {
  k: K;
  /** literal bytes (K.Lit) */
  lit?: Buffer;
  /** strftime conversion (K.Time) */
  c?: string;
  left: boolean;
  /** pad byte: 0x20 or 0x30 */
  pad: number;
  width: number;
  /** -1 = none */
  prec: number;
  /** %x/%X: the byte written after every `prec` nibbles (develop's default: a space) */
  sep: number;
}

export interface CompiledFormat {
  ops: Op[];
  /** a time-dependent op is present: read the clock per message */
  usesTime: boolean;
}

const SPEC: Record<string, K> = {
  '%': K.Percent, A: K.Alias, C: K.ContentType, D: K.Correlation, E: K.Expiry, F: K.FormatInd, I: K.Iso,
  j: K.Json, J: K.JsonRaw, l: K.Len, m: K.Mid, P: K.UserProps, p: K.Payload, q: K.Qos, R: K.RespTopic,
  r: K.Retain, S: K.SubId, t: K.Topic, U: K.Unix, x: K.Hex, X: K.HexUpper, d: K.Double, f: K.Float,
};

const ESCAPES: Record<string, number> = { '\\': 0x5c, 0: 0, a: 7, e: 0x1b, n: 10, r: 13, t: 9, v: 11 };

/** develop's hexseplist: the characters taken as a hex separator after the precision (space included) */
const HEX_SEPARATORS = '!"#$&\'()*+,-./:;<=>?@[\\]^_`{|}~ ';

const TIME_KINDS = new Set([K.Iso, K.Json, K.JsonRaw, K.Unix, K.Time, K.Nsec]);

const incomplete = (): UsageError => new UsageError('Incomplete format specifier.');

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';

export function compileFormat(fmt: string): CompiledFormat {
  const ops: Op[] = [];
  let lit = '';
  const litBytes: number[] = [];
  const flushLit = (): void => {
    if (lit) { for (const b of Buffer.from(lit)) litBytes.push(b); lit = ''; }
    if (litBytes.length) {
      ops.push({ k: K.Lit, lit: Buffer.from(litBytes), left: false, pad: 0x20, width: 0, prec: -1, sep: 0x20 });
      litBytes.length = 0;
    }
  };
  const push = (op: Omit<Op, 'left' | 'pad' | 'width' | 'prec' | 'sep'> & Partial<Op>): void => {
    flushLit();
    ops.push({ left: false, pad: 0x20, width: 0, prec: -1, sep: 0x20, ...op });
  };
  const n = fmt.length;
  for (let i = 0; i < n; i++) {
    const ch = fmt[i]!;
    if (ch === '%') {
      if (i === n - 1) throw incomplete();
      let left = false;
      let pad = 0x20;
      i++;
      // check_format() takes one flag character; formatted_print() reads '-' then '0' (as pad, where
      // check_format() sees the first width digit): "%-05l" pads with '0' where a pad is printed
      if (fmt[i] === '-') {
        left = true;
        if (++i >= n) throw incomplete();
        if (fmt[i] === '0') pad = 0x30;
      } else if (fmt[i] === '0') {
        pad = 0x30;
        if (++i >= n) throw incomplete();
      }
      let width = 0;
      while (isDigit(fmt[i])) {
        width = width * 10 + (fmt.charCodeAt(i) - 48);
        if (++i >= n) throw incomplete();
      }
      let prec = -1;
      if (fmt[i] === '.') {
        if (++i >= n) throw incomplete();
        prec = 0;
        while (isDigit(fmt[i])) {
          prec = prec * 10 + (fmt.charCodeAt(i) - 48);
          if (++i >= n) throw incomplete();
        }
      }
      let sep = 0x20;
      if (HEX_SEPARATORS.includes(fmt[i]!)) sep = fmt.charCodeAt(i++);
      // a separator as the last character leaves C's terminating NUL as the specifier
      const conv = i < n ? fmt[i]! : '\0';
      const k = SPEC[conv];
      if (k === undefined) throw new UsageError(`Invalid format specifier '${conv}'.`);
      if (k === K.Percent) { lit += '%'; continue; }
      push({ k, left, pad, width, prec, sep });
    } else if (ch === '@') {
      if (i === n - 1) throw incomplete();
      const c = fmt[++i]!;
      if (c === '@') lit += '@';
      else if (c === 'N') push({ k: K.Nsec });
      else push({ k: K.Time, c });
    } else if (ch === '\\') {
      if (i === n - 1) throw new UsageError('Incomplete escape specifier.');
      const c = fmt[++i]!;
      const b = ESCAPES[c];
      if (b === undefined) throw new UsageError(`Invalid escape specifier '${c}'.`);
      if (lit) { for (const x of Buffer.from(lit)) litBytes.push(x); lit = ''; }
      litBytes.push(b);
    } else {
      lit += ch;
    }
  }
  flushLit();
  return { ops, usesTime: ops.some((o) => TIME_KINDS.has(o.k)) };
}
