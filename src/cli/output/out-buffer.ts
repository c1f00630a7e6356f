// A growable byte buffer the formatters write into. Reused across messages: one allocation per
// flushed batch (take()), none per message. Strings are encoded straight into it (no Buffer per field).

export class OutBuffer {
  buf: Buffer;
  len = 0;

  constructor(size = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < this.len + need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    if (this.len + 1 > this.buf.length) this.grow(1);
    this.buf[this.len++] = b;
  }

  /** n copies of byte b */
  fill(b: number, n: number): void {
    if (n <= 0) return;
    if (this.len + n > this.buf.length) this.grow(n);
    this.buf.fill(b, this.len, this.len + n);
    this.len += n;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.len + n > this.buf.length) this.grow(n);
    this.buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), this.len);
    this.len += n;
  }

  /** UTF-8 encode a string */
  str(s: string): void {
    const max = s.length * 3;
    if (this.len + max > this.buf.length) this.grow(max);
    this.len += this.buf.write(s, this.len, "utf8");
  }

  /** ASCII-only strings (numbers, fixed text) */
  ascii(s: string): void {
    const n = s.length;
    if (this.len + n > this.buf.length) this.grow(n);
    for (let i = 0; i < n; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  /** A copy of what was written since the last take(); resets the buffer. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.len);
    this.buf.copy(out, 0, 0, this.len);
    this.len = 0;
    return out;
  }

  /** Bytes written since `mark` (a previous `len`), as a view (valid until the next write). */
  since(mark: number): Buffer {
    return this.buf.subarray(mark, this.len);
  }
}
