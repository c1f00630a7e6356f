// How a payload shows in tsdump's one-line output (--payload text|hex|base64|json, --max-payload N).
// A line must stay one line: text escapes control characters (a newline shows as \n), so a payload
// with newlines cannot break the output (mqttshark's complaint).

export type PayloadMode = 'text' | 'hex' | 'base64' | 'json';

export const PAYLOAD_MODES: readonly PayloadMode[] = ['text', 'hex', 'base64', 'json'];

/** the default --max-payload of the line output (JSON: whole payloads) */
export const LINE_MAX_PAYLOAD = 256;

const ESCAPES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r', 0x5c: '\\\\' };

const HEX = Buffer.from('0123456789abcdef', 'latin1');
let scratch = Buffer.alloc(4096);

/**
 * escapeText of bytes that are all ASCII (most payloads and topics), byte by byte into a scratch
 * buffer: one string made, no iteration by code point; undefined for anything else.
 */
function escapeAscii(b: Buffer): string | undefined {
  const n = b.length;
  if (scratch.length < n * 4) scratch = Buffer.alloc(n * 4);
  const out = scratch;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) { out[o++] = c; continue; }
    if (c >= 0x80) return undefined;
    out[o++] = 0x5c;
    if (c === 0x09) out[o++] = 0x74;
    else if (c === 0x0a) out[o++] = 0x6e;
    else if (c === 0x0d) out[o++] = 0x72;
    else if (c === 0x5c) out[o++] = 0x5c;
    else {
      out[o] = 0x78;
      out[o + 1] = HEX[c >> 4]!;
      out[o + 2] = HEX[c & 15]!;
      o += 3;
    }
  }
  return out.toString('latin1', 0, o);
}

/** printable text, control characters and ill-formed UTF-8 escaped (\n, \t, \xNN) */
export function escapeText(b: Buffer): string {
  const ascii = escapeAscii(b);
  if (ascii !== undefined) return ascii;
  const s = b.toString('utf8');
  let out = '';
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c || c === 0xfffd) { plain = false; break; }
  }
  if (plain) return s;
  // character by character where it is not plain; ill-formed UTF-8 shows as \ufffd (--payload hex has the bytes)
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ESCAPES[c] !== undefined) out += ESCAPES[c];
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0xfffd) out += '\\ufffd';
    else out += ch;
  }
  return out;
}

/** the payload as the line shows it: at most max bytes of it, then "..." */
export function payloadView(payload: Buffer, mode: PayloadMode, max: number): string {
  const cut = payload.length > max;
  const b = cut ? payload.subarray(0, max) : payload;
  const more = cut ? '...' : '';
  switch (mode) {
    case 'hex': return b.toString('hex') + more;
    case 'base64': return b.toString('base64') + more;
    case 'json': {
      // whole payloads only: a cut JSON text is not JSON; anything else shows as text
      if (!cut) {
        try { return JSON.stringify(JSON.parse(payload.toString('utf8'))); } catch { /* not JSON */ }
      }
      return escapeText(b) + more;
    }
    default: return escapeText(b) + more;
  }
}
