// What mosquitto_sub 2.0.11 does with JSON goes through cJSON: %j/%J build a cJSON tree and print it
// (cJSON_PrintUnformatted, or cJSON_Print with --pretty), and %J parses the payload with cJSON first.
// To print the same bytes we mirror cJSON's parser and printer on bytes: strings are byte strings (no
// UTF-8 validation, cut at NUL as C strings are), numbers print as "%1.15g" (or "%1.17g" when that does not read back),
// duplicate keys are kept, --pretty indents with tabs.
import type { OutBuffer } from './out-buffer.ts';

export type CJ =
  | { t: 'null' } | { t: 'true' } | { t: 'false' }
  | { t: 'num'; v: number }
  | { t: 'str'; b: Uint8Array }
  | { t: 'arr'; items: CJ[] }
  | { t: 'obj'; entries: Array<[Uint8Array, CJ]> };

export const cjNull: CJ = { t: 'null' };
export const cjTrue: CJ = { t: 'true' };
export const cjFalse: CJ = { t: 'false' };
export const cjNum = (v: number): CJ => ({ t: 'num', v });
export const cjStr = (s: string | Uint8Array): CJ => ({ t: 'str', b: typeof s === 'string' ? Buffer.from(s) : s });
export const key = (s: string): Uint8Array => Buffer.from(s);

const HEX = '0123456789abcdef';

function printString(out: OutBuffer, b: Uint8Array): void {
  out.byte(0x22);
  let start = 0;
  const n = b.length;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) { out.bytes(b, start, i); start = n; break; }
    if (c >= 32 && c !== 0x22 && c !== 0x5c) continue;
    out.bytes(b, start, i);
    start = i + 1;
    out.byte(0x5c);
    switch (c) {
      case 0x22: out.byte(0x22); break;
      case 0x5c: out.byte(0x5c); break;
      case 8: out.byte(0x62); break;
      case 12: out.byte(0x66); break;
      case 10: out.byte(0x6e); break;
      case 13: out.byte(0x72); break;
      case 9: out.byte(0x74); break;
      default: out.ascii(`u00${HEX[c >> 4]}${HEX[c & 15]}`);
    }
  }
  if (start < n) out.bytes(b, start, n);
  out.byte(0x22);
}

/** C's printf("%1.<p>g") */
function fmtG(d: number, p: number): string {
  const exp = d.toExponential(p - 1);
  const e = Number(exp.slice(exp.indexOf('e') + 1));
  if (e < -4 || e >= p) {
    let [m, x] = exp.split('e') as [string, string];
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    const sign = x[0] === '-' ? '-' : '+';
    const digits = x.replace(/^[+-]/, '');
    return `${m}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  let s = d.toFixed(Math.max(0, p - 1 - e));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

export function cjsonNumber(d: number): string {
  // cJSON 1.7.14 (Debian's, as mosquitto_sub 2.0.11 links it) has no integer branch: -0 prints "-0"
  if (!Number.isFinite(d)) return 'null';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // %1.15g prints an integer below 1e15 exactly, as its digits: what String() gives (qos,
  // payloadlen, mid of every %j line; fmtG costs ~0.6 us a number)
  if (Number.isInteger(d) && d > -1e15 && d < 1e15) return String(d);
  const s = fmtG(d, 15);
  const t = Number(s);
  if (Math.abs(t - d) <= Math.max(Math.abs(t), Math.abs(d)) * Number.EPSILON) return s;
  return fmtG(d, 17);
}

export function printCJ(out: OutBuffer, v: CJ, pretty: boolean, depth = 0): void {
  switch (v.t) {
    case 'null': out.ascii('null'); return;
    case 'true': out.ascii('true'); return;
    case 'false': out.ascii('false'); return;
    case 'num': out.ascii(cjsonNumber(v.v)); return;
    case 'str': printString(out, v.b); return;
    case 'arr':
      out.byte(0x5b);
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) { out.byte(0x2c); if (pretty) out.byte(0x20); }
        printCJ(out, v.items[i]!, pretty, depth + 1);
      }
      out.byte(0x5d);
      return;
    case 'obj': {
      const d = depth + 1;
      out.byte(0x7b);
      if (pretty) out.byte(10);
      const es = v.entries;
      for (let i = 0; i < es.length; i++) {
        if (pretty) out.fill(9, d);
        printString(out, es[i]![0]);
        out.byte(0x3a);
        if (pretty) out.byte(9);
        printCJ(out, es[i]![1], pretty, d);
        if (i < es.length - 1) out.byte(0x2c);
        if (pretty) out.byte(10);
      }
      if (pretty) out.fill(9, d - 1);
      out.byte(0x7d);
    }
  }
}

// ---- parser (cJSON_ParseWithOpts(payload, &end, require_null_terminated=true))

class Fail extends Error {}
const fail = (): never => { throw new Fail(); };

class Parser {
  i = 0;
  constructor(readonly b: Uint8Array, readonly n: number) {}
  ws(): void { while (this.i < this.n && this.b[this.i]! <= 32) this.i++; }
  lit(word: string, v: CJ): CJ {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) fail();
    this.i += word.length;
    return v;
  }
  value(depth: number): CJ {
    if (depth > 1000) fail();
    const c = this.b[this.i];
    if (c === undefined) return fail();
    if (c === 0x6e) return this.lit('null', { t: 'null' });
    if (c === 0x66) return this.lit('false', { t: 'false' });
    if (c === 0x74) return this.lit('true', { t: 'true' });
    if (c === 0x22) return { t: 'str', b: this.string() };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c === 0x5b) return this.array(depth);
    if (c === 0x7b) return this.object(depth);
    return fail();
  }
  number(): CJ {
    let j = this.i;
    let s = '';
    for (; j < this.n; j++) {
      const c = this.b[j]!;
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45 || c === 0x2e) s += String.fromCharCode(c);
      else break;
    }
    const m = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(s);
    if (!m) return fail();
    this.i += m[0].length;
    return { t: 'num', v: Number(m[0]) };
  }
  hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.b[at + k];
      if (c === undefined) return fail();
      const h = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 87 : c >= 0x41 && c <= 0x46 ? c - 55 : -1;
      if (h < 0) fail();
      v = v * 16 + h;
    }
    return v;
  }
  string(): Uint8Array {
    const out: number[] = [];
    let j = this.i + 1;
    for (;;) {
      if (j >= this.n) fail();
      const c = this.b[j]!;
      if (c === 0x22) break;
      if (c !== 0x5c) { out.push(c); j++; continue; }
      const e = this.b[j + 1];
      if (e === undefined) fail();
      switch (e) {
        case 0x62: out.push(8); break;
        case 0x66: out.push(12); break;
        case 0x6e: out.push(10); break;
        case 0x72: out.push(13); break;
        case 0x74: out.push(9); break;
        case 0x22: case 0x5c: case 0x2f: out.push(e!); break;
        case 0x75: {
          let cp = this.hex4(j + 2);
          if (cp >= 0xdc00 && cp <= 0xdfff) fail();
          if (cp >= 0xd800 && cp <= 0xdbff) {
            if (this.b[j + 6] !== 0x5c || this.b[j + 7] !== 0x75) fail();
            const lo = this.hex4(j + 8);
            if (lo < 0xdc00 || lo > 0xdfff) fail();
            cp = 0x10000 + (((cp & 0x3ff) << 10) | (lo & 0x3ff));
            j += 6;
          }
          for (const x of Buffer.from(String.fromCodePoint(cp))) out.push(x);
          j += 4;
          break;
        }
        default: fail();
      }
      j += 2;
    }
    this.i = j + 1;
    return Uint8Array.from(out);
  }
  array(depth: number): CJ {
    this.i++;
    const items: CJ[] = [];
    this.ws();
    if (this.b[this.i] === 0x5d) { this.i++; return { t: 'arr', items }; }
    for (;;) {
      this.ws();
      items.push(this.value(depth + 1));
      this.ws();
      if (this.b[this.i] === 0x2c) { this.i++; continue; }
      if (this.b[this.i] === 0x5d) { this.i++; return { t: 'arr', items }; }
      return fail();
    }
  }
  object(depth: number): CJ {
    this.i++;
    const entries: Array<[Uint8Array, CJ]> = [];
    this.ws();
    if (this.b[this.i] === 0x7d) { this.i++; return { t: 'obj', entries }; }
    for (;;) {
      this.ws();
      if (this.b[this.i] !== 0x22) fail();
      const k = this.string();
      this.ws();
      if (this.b[this.i] !== 0x3a) fail();
      this.i++;
      this.ws();
      entries.push([k, this.value(depth + 1)]);
      this.ws();
      if (this.b[this.i] === 0x2c) { this.i++; continue; }
      if (this.b[this.i] === 0x7d) { this.i++; return { t: 'obj', entries }; }
      return fail();
    }
  }
}

/** Parse a payload as cJSON does for %J; undefined when cJSON would reject it. */
export function parseCJ(b: Uint8Array): CJ | undefined {
  // cJSON sees a C string: it ends at the first NUL, and then the length check fails
  const nul = b.indexOf(0);
  if (nul >= 0) return undefined;
  const p = new Parser(b, b.length);
  try {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) p.i = 3;
    p.ws();
    const v = p.value(0);
    p.ws();
    if (p.i !== b.length) return undefined;
    return v;
  } catch (err) {
    if (err instanceof Fail) return undefined;
    throw err;
  }
}
