// Placeholders in repeated messages (--repeat): compiled once, filled per message.
//   {{counter}} 1, 2, 3, ...        {{now_ms}} Unix time in ms     {{now}} ISO-8601 UTC time
//   {{random}}  random in [0, 1)    {{uuid}}   random UUID v4
// Any other {{...}} is left as it is. Only used with --repeat, so mosquitto_pub scripts whose
// payloads happen to contain {{...}} are not changed.

const NAMES = ['counter', 'now_ms', 'now', 'random', 'uuid'] as const;
type Name = (typeof NAMES)[number];

export interface Template {
  /** payload of message number n (1-based) */
  render(n: number): Buffer;
}

const RE = /\{\{(counter|now_ms|now|random|uuid)\}\}/g;

/** undefined when the payload holds no placeholder (send the same bytes every time). */
export function compileTemplate(payload: Buffer): Template | undefined {
  const text = payload.toString('latin1');
  if (!RE.test(text)) return undefined;
  RE.lastIndex = 0;
  const parts: Array<Buffer | Name> = [];
  let last = 0;
  for (let m = RE.exec(text); m; m = RE.exec(text)) {
    if (m.index > last) parts.push(payload.subarray(last, m.index));
    parts.push(m[1] as Name);
    last = m.index + m[0].length;
  }
  if (last < payload.length) parts.push(payload.subarray(last));
  return {
    render(n: number): Buffer {
      const out: Buffer[] = [];
      for (const p of parts) out.push(typeof p === 'string' ? Buffer.from(fill(p, n)) : p);
      return Buffer.concat(out);
    },
  };
}

function fill(name: Name, n: number): string {
  switch (name) {
    case 'counter': return String(n);
    case 'now_ms': return String(Date.now());
    case 'now': return new Date().toISOString();
    case 'random': return String(Math.random());
    case 'uuid': return globalThis.crypto.randomUUID(); // Web Crypto: node:crypto loads only when used
  }
}
