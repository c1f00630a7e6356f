// Loss, duplicates and reordering per publisher, from the sequence numbers of tsbench's header, in
// fixed memory: per publisher the highest number seen and a window of the last WINDOW numbers
// (one bit each). A number above the highest opens a gap (its skipped numbers are missing); one
// inside the window is a duplicate when its bit is set, else a late arrival (reordered, no longer
// missing). A number older than the window cannot be told apart: it counts as reordered.

export const WINDOW = 8192;

class PublisherSeq {
  highest = -1;
  readonly seen = new Uint8Array(WINDOW >> 3);

  private bit(seq: number): number {
    return seq & (WINDOW - 1);
  }

  isSet(seq: number): boolean {
    const b = this.bit(seq);
    return (this.seen[b >> 3]! & (1 << (b & 7))) !== 0;
  }

  set(seq: number): void {
    const b = this.bit(seq);
    this.seen[b >> 3]! |= 1 << (b & 7);
  }

  clear(seq: number): void {
    const b = this.bit(seq);
    this.seen[b >> 3]! &= ~(1 << (b & 7));
  }
}

export class SequenceTracker {
  /** run id -> publisher index -> state: two lookups, no key string per message */
  private readonly runs = new Map<number, Map<number, PublisherSeq>>();
  /** distinct messages received */
  unique = 0;
  duplicates = 0;
  reordered = 0;
  /** numbers skipped and not (yet) received: the loss the sequence numbers show */
  missing = 0;

  /** one received message; returns true when it is a duplicate */
  receive(runId: number, publisher: number, seq: number): boolean {
    let pubs = this.runs.get(runId);
    if (!pubs) { pubs = new Map(); this.runs.set(runId, pubs); }
    let p = pubs.get(publisher);
    if (!p) { p = new PublisherSeq(); pubs.set(publisher, p); }
    if (seq > p.highest) {
      const gap = seq - p.highest - 1;
      if (gap >= WINDOW) p.seen.fill(0);
      else for (let s = p.highest + 1; s < seq; s++) p.clear(s);
      p.clear(seq);
      this.missing += gap;
      p.set(seq);
      p.highest = seq;
      this.unique++;
      return false;
    }
    if (p.highest - seq < WINDOW && p.isSet(seq)) {
      this.duplicates++;
      return true;
    }
    if (p.highest - seq < WINDOW) p.set(seq);
    this.reordered++;
    if (this.missing > 0) this.missing--;
    this.unique++;
    return false;
  }

  /** the highest sequence number seen from each publisher (for the loss at the end of a stream) */
  highestOf(runId: number, publisher: number): number {
    return this.runs.get(runId)?.get(publisher)?.highest ?? -1;
  }
}
