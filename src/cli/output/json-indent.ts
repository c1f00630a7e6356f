// -v --pretty: a JSON object or array payload spread over lines with two-space indents, its
// tokens kept byte for byte (numbers, escapes and duplicate keys as sent: JSON.stringify of
// JSON.parse would round 12345678901234567890 and drop a repeated key).

/** The payload re-indented, or undefined when it is not a JSON object or array. */
export function indentJson(p: Buffer): Buffer | undefined {
  const first = p[0];
  if (first !== 0x7b && first !== 0x5b) return undefined;
  try { JSON.parse(p.toString('utf8')); } catch { return undefined; }
  const out: number[] = [];
  let depth = 0;
  const newline = (): void => { out.push(10); for (let k = 0; k < depth * 2; k++) out.push(0x20); };
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === 0x22) {
      // a string, escapes and all
      let j = i + 1;
      while (p[j] !== 0x22) j += p[j] === 0x5c ? 2 : 1;
      for (let k = i; k <= j; k++) out.push(p[k]!);
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      out.push(c);
      let j = i + 1;
      while (p[j] === 0x20 || p[j] === 9 || p[j] === 10 || p[j] === 13) j++;
      if (p[j] === 0x7d || p[j] === 0x5d) { out.push(p[j]!); i = j; continue; }
      depth++;
      newline();
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      newline();
      out.push(c);
    } else if (c === 0x2c) {
      out.push(c);
      newline();
    } else if (c === 0x3a) {
      out.push(c, 0x20);
    } else if (c !== 0x20 && c !== 9 && c !== 10 && c !== 13) {
      out.push(c);
    }
  }
  return Buffer.from(out);
}
