// pcap and pcapng, as tcpdump and Wireshark write them, read incrementally (a file or a pipe:
// `tcpdump -w - | tsdump -r -`). Ours, not an npm reader: the pure-JS ones found (pcap-parser
// 0.2.1) read pcap only, no pcapng; `pcap` is a native libpcap binding. Both formats are short:
// pcap = a 24-byte header, then 16-byte record headers [pcap-savefile(5)]; pcapng = blocks of
// type, length, body, length [draft-ietf-opsawg-pcapng]: SHB, IDB (link type, timestamp
// resolution), EPB, SPB and the obsolete PB are read, every other block is skipped.

export interface FrameSink {
  /** one captured frame: its link type (LINKTYPE_*), time (Unix ms) and bytes (a view, valid during the call) */
  frame(linkType: number, ms: number, data: Buffer): void;
}

export class CaptureError extends Error {}

interface Iface {
  linkType: number;
  /** timestamp units per second */
  perSecond: number;
}

const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export class CaptureReader {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;
  private format: 'unknown' | 'pcap' | 'pcapng' = 'unknown';
  private le = true;
  /** pcap: the file's link type and timestamp units */
  private pcapIface: Iface = { linkType: 1, perSecond: 1e6 };
  private ifaces: Iface[] = [];
  frames = 0;

  constructor(private readonly sink: FrameSink) {}

  push(chunk: Buffer): void {
    this.buf = this.off < this.buf.length ? Buffer.concat([this.buf.subarray(this.off), chunk]) : chunk;
    this.off = 0;
    while (this.step()) { /* as many records as are whole */ }
  }

  /** at the end of input: throws when it stopped inside a record (or before any header) */
  end(): void {
    const left = this.buf.length - this.off;
    if (this.format === 'unknown') throw new CaptureError(left === 0 ? 'the capture is empty' : 'not a pcap or pcapng file (too short)');
    if (left > 0) throw new CaptureError(`the capture is cut short inside a record (${left} bytes after the last whole one)`);
  }

  private u32(at: number): number {
    return this.le ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  private u16(at: number): number {
    return this.le ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }

  /** one header, record or block; false when more bytes are needed */
  private step(): boolean {
    const b = this.buf;
    const at = this.off;
    const left = b.length - at;
    if (this.format === 'unknown') {
      if (left < 4) return false;
      const magic = b.readUInt32LE(at);
      if (magic === PCAPNG_SHB) { this.format = 'pcapng'; return true; }
      if (left < 24) return false;
      const units = pcapUnits(magic) ?? pcapUnits(b.readUInt32BE(at));
      if (units === undefined) throw new CaptureError(`not a pcap or pcapng file (it starts with 0x${b.subarray(at, at + 4).toString('hex')})`);
      this.le = pcapUnits(magic) !== undefined;
      this.format = 'pcap';
      this.pcapIface = { linkType: this.u32(at + 20) & 0xffff, perSecond: units };
      this.off += 24;
      return true;
    }
    if (this.format === 'pcap') {
      if (left < 16) return false;
      const caplen = this.u32(at + 8);
      if (caplen > 0x4000000) throw new CaptureError(`a pcap record of ${caplen} bytes: the file is damaged`);
      if (left < 16 + caplen) return false;
      const ms = this.u32(at) * 1000 + (this.u32(at + 4) * 1000) / this.pcapIface.perSecond;
      this.frames++;
      this.off += 16 + caplen;
      this.sink.frame(this.pcapIface.linkType, ms, b.subarray(at + 16, at + 16 + caplen));
      return true;
    }
    return this.block(at, left);
  }

  private block(at: number, left: number): boolean {
    const b = this.buf;
    if (left < 12) return false;
    if (b.readUInt32LE(at) === PCAPNG_SHB) {
      // a section header sets the byte order of its section
      const order = b.readUInt32LE(at + 8);
      if (order === BYTE_ORDER_MAGIC) this.le = true;
      else if (order === 0x4d3c2b1a) this.le = false;
      else throw new CaptureError('a pcapng section header with an unknown byte-order magic');
      this.ifaces = [];
    }
    const type = this.u32(at);
    const len = this.u32(at + 4);
    if (len < 12 || len % 4 !== 0 || len > 0x4000000) throw new CaptureError(`a pcapng block of ${len} bytes: the file is damaged`);
    if (left < len) return false;
    this.off += len;
    if (type === 1) this.ifaces.push({ linkType: this.u16(at + 8), perSecond: tsresol(b, at + 16, at + len - 4, this.le) });
    else if (type === 6 || type === 2) {
      const iface = this.ifaces[type === 6 ? this.u32(at + 8) : this.u16(at + 8)];
      if (!iface) throw new CaptureError('a pcapng packet block names an interface that has no description block');
      const ts = this.u32(at + 12) * 4294967296 + this.u32(at + 16);
      const caplen = this.u32(at + 20);
      if (28 + caplen > len) throw new CaptureError('a pcapng packet block shorter than its packet');
      this.frames++;
      this.sink.frame(iface.linkType, (ts * 1000) / iface.perSecond, b.subarray(at + 28, at + 28 + caplen));
    } else if (type === 3) {
      const iface = this.ifaces[0];
      if (!iface) throw new CaptureError('a pcapng simple packet block before any interface description block');
      const caplen = Math.min(this.u32(at + 8), len - 16);
      this.frames++;
      this.sink.frame(iface.linkType, 0, b.subarray(at + 12, at + 12 + caplen));
    }
    return true;
  }
}

/** pcap's magic: microsecond or nanosecond timestamps; undefined: not this byte order's */
function pcapUnits(magic: number): number | undefined {
  return magic === 0xa1b2c3d4 ? 1e6 : magic === 0xa1b23c4d ? 1e9 : undefined;
}

/** if_tsresol (option 9) of an interface description block's options, in units per second (default microseconds) */
function tsresol(b: Buffer, at: number, end: number, le: boolean): number {
  let i = at;
  while (i + 4 <= end) {
    const code = le ? b.readUInt16LE(i) : b.readUInt16BE(i);
    const len = le ? b.readUInt16LE(i + 2) : b.readUInt16BE(i + 2);
    if (code === 0) break;
    if (code === 9 && len >= 1) {
      const v = b[i + 4]!;
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
    }
    i += 4 + Math.ceil(len / 4) * 4;
  }
  return 1e6;
}
