// Small waiting helpers: poll a condition, sleep.
//
//   await waitFor(() => got.length === 3, 5000, 'three messages');   // rejects: "timed out after 5000 ms waiting for three messages"
//   await delay(50);
// Use these to wait for events, never to assert on timing.

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves as soon as cond() is true (checked now, then every 10 ms); rejects after timeoutMs. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}
