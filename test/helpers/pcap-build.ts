// Capture files written by hand, for tsdump's reader and TCP reassembly: Ethernet + IPv4 + TCP
// frames in pcap (micro- or nanosecond) and pcapng (SHB, IDB, EPB). Checksums are left 0: no
// reader of ours (or tshark by default) checks them.

export interface Seg {
  from: 'client' | 'broker';
  seq: number;
  flags?: { syn?: boolean; ack?: boolean; fin?: boolean; rst?: boolean };
  payload?: Buffer;
  ms?: number;
}

const CLIENT_IP = [10, 0, 0, 1];
const BROKER_IP = [10, 0, 0, 2];

/** one Ethernet frame: client 10.0.0.1:cport <-> broker 10.0.0.2:bport */
export function frame(s: Seg, cport: number, bport: number): Buffer {
  const payload = s.payload ?? Buffer.alloc(0);
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  const [src, dst] = s.from === 'client' ? [CLIENT_IP, BROKER_IP] : [BROKER_IP, CLIENT_IP];
  ip.set(src!, 12);
  ip.set(dst!, 16);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(s.from === 'client' ? cport : bport, 0);
  tcp.writeUInt16BE(s.from === 'client' ? bport : cport, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4);
  tcp[12] = 5 << 4;
  const f = s.flags ?? { ack: true };
  tcp[13] = (f.fin ? 1 : 0) | (f.syn ? 2 : 0) | (f.rst ? 4 : 0) | 8 | (f.ack ? 16 : 0);
  tcp.writeUInt16BE(65535, 14);
  return Buffer.concat([eth, ip, tcp, payload]);
}

export function pcapFile(frames: Array<{ ms: number; data: Buffer }>, opts: { nano?: boolean; bigEndian?: boolean } = {}): Buffer {
  const le = !opts.bigEndian;
  const w32 = (b: Buffer, v: number, at: number): void => { if (le) b.writeUInt32LE(v >>> 0, at); else b.writeUInt32BE(v >>> 0, at); };
  const head = Buffer.alloc(24);
  w32(head, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  if (le) { head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6); } else { head.writeUInt16BE(2, 4); head.writeUInt16BE(4, 6); }
  w32(head, 262144, 16);
  w32(head, 1, 20);
  const parts: Buffer[] = [head];
  for (const f of frames) {
    const r = Buffer.alloc(16);
    w32(r, Math.floor(f.ms / 1000), 0);
    w32(r, Math.round((f.ms % 1000) * (opts.nano ? 1e6 : 1e3)), 4);
    w32(r, f.data.length, 8);
    w32(r, f.data.length, 12);
    parts.push(r, f.data);
  }
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  const len = 12 + body.length + pad;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

/** pcapng, one interface (Ethernet), nanosecond timestamps (if_tsresol 9) */
export function pcapngFile(frames: Array<{ ms: number; data: Buffer }>): Buffer {
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeInt32LE(-1, 8);
  shb.writeInt32LE(-1, 12);
  const idb = Buffer.alloc(8 + 8 + 4);
  idb.writeUInt16LE(1, 0);
  idb.writeUInt32LE(262144, 4);
  idb.writeUInt16LE(9, 8); // if_tsresol
  idb.writeUInt16LE(1, 10);
  idb[12] = 9;
  // opt_endofopt: 4 zero bytes at 16
  const parts: Buffer[] = [block(0x0a0d0d0a, shb), block(1, idb)];
  for (const f of frames) {
    const ns = BigInt(Math.round(f.ms * 1e6));
    const h = Buffer.alloc(20);
    h.writeUInt32LE(0, 0);
    h.writeUInt32LE(Number(ns >> 32n), 4);
    h.writeUInt32LE(Number(ns & 0xffffffffn), 8);
    h.writeUInt32LE(f.data.length, 12);
    h.writeUInt32LE(f.data.length, 16);
    parts.push(block(6, Buffer.concat([h, f.data])));
  }
  return Buffer.concat(parts);
}
