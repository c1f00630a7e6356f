// C's printf("%.*f") for -F %d / %f, digit for digit as glibc prints it: the exact binary value
// rounded to `prec` decimals, ties to even (Number#toFixed rounds ties up and switches to exponent
// form from 1e21), "inf" / "nan" with their sign, "-0.000000" for negative zero.

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** |v| as mantissa * 2^exp (exact), for a finite v */
function decompose(v: number): [mant: bigint, exp: number] {
  F64[0] = v;
  const bits = U64[0]!;
  const e = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return e === 0 ? [frac, -1074] : [frac | 0x10000000000000n, e - 1075];
}

/** the digits of |v| with `prec` decimals (no sign) */
function fixedDigits(v: number, prec: number): string {
  const [mant, exp] = decompose(v);
  let digits: bigint;
  if (exp >= 0) digits = (mant << BigInt(exp)) * 10n ** BigInt(prec);
  else {
    const scaled = mant * 10n ** BigInt(prec);
    const shift = BigInt(-exp);
    digits = scaled >> shift;
    const rest = scaled - (digits << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (digits & 1n) === 1n)) digits += 1n;
  }
  const s = digits.toString().padStart(prec + 1, '0');
  return prec === 0 ? s : `${s.slice(0, s.length - prec)}.${s.slice(s.length - prec)}`;
}

/**
 * printf("%f") with develop's flags: `prec` < 0 means the default 6; `left` pads with spaces on the
 * right; `zero` pads with '0' after the sign (finite values only, as glibc does); `negative` is the
 * sign bit (NaN has one too).
 */
export function printfFixed(v: number, negative: boolean, prec: number, width: number, left: boolean, zero: boolean): string {
  const p = prec < 0 ? 6 : prec;
  const sign = negative ? '-' : '';
  const finite = Number.isFinite(v);
  const body = finite ? fixedDigits(v, p) : Number.isNaN(v) ? 'nan' : 'inf';
  const len = sign.length + body.length;
  if (width <= len) return sign + body;
  const fill = width - len;
  if (left) return sign + body + ' '.repeat(fill);
  if (zero && finite) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + body;
}
