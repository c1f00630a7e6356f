// tsbench's payload header: what a receiver needs to count loss, duplicates and reordering per
// publisher and to measure end-to-end latency from the scheduled send time. Fixed layout, big endian:
//   0  u32  magic 'TSB1'
//   4  u32  run id (random per run: two runs on one topic are told apart)
//   8  u32  publisher index
//  12  u32  sequence number (0, 1, 2, ... per publisher)
//  16  u64  scheduled send time, microseconds since the Unix epoch (wall clock: hosts must agree)
// The rest of the payload (-s) is zero bytes.

export const HEADER_SIZE = 24;
export const MAGIC = 0x54534231; // 'TSB1'

/** wall-clock microseconds: performance.now() for resolution, anchored at timeOrigin */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Write the header into buf (at least HEADER_SIZE bytes). */
export function writeHeader(buf: Buffer, runId: number, publisher: number, seq: number, sentAtUs: number): void {
  writeHeaderFixed(buf, runId, publisher);
  writeHeaderSeq(buf, seq, sentAtUs);
}

/** the part that stays the same for every message of a publisher (written once per ring slot) */
export function writeHeaderFixed(buf: Buffer, runId: number, publisher: number): void {
  buf.writeUInt32BE(MAGIC, 0);
  buf.writeUInt32BE(runId >>> 0, 4);
  buf.writeUInt32BE(publisher >>> 0, 8);
}

/** the per-message part: sequence number and the u64 time as two u32 (writeUIntBE's 6 bytes cost more) */
export function writeHeaderSeq(buf: Buffer, seq: number, sentAtUs: number): void {
  buf.writeUInt32BE(seq >>> 0, 12);
  buf.writeUInt32BE(Math.floor(sentAtUs / 2 ** 32) >>> 0, 16);
  buf.writeUInt32BE(sentAtUs % 2 ** 32, 20);
}

/** true when the payload starts with tsbench's header */
export function hasHeader(p: Buffer): boolean {
  return p.length >= HEADER_SIZE && p.readUInt32BE(0) === MAGIC;
}

// readers for a payload hasHeader() accepted: no object per message
export const headerRunId = (p: Buffer): number => p.readUInt32BE(4);
export const headerPublisher = (p: Buffer): number => p.readUInt32BE(8);
export const headerSeq = (p: Buffer): number => p.readUInt32BE(12);
export const headerSentAt = (p: Buffer): number => p.readUInt16BE(16) * 2 ** 48 + p.readUIntBE(18, 6);
