// A captured frame down to its TCP segment: link layer (Ethernet with VLAN tags, BSD loopback,
// Linux cooked v1/v2, raw IP), IPv4 (not fragments) or IPv6, TCP. Anything else: undefined.

export interface TcpSegment {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  payload: Buffer;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

/** where the IP packet starts in a frame of this link type, or -1 */
function ipStart(linkType: number, f: Buffer): number {
  switch (linkType) {
    case 1: { // LINKTYPE_ETHERNET
      let at = 12;
      while (at + 2 <= f.length && (f.readUInt16BE(at) === 0x8100 || f.readUInt16BE(at) === 0x88a8)) at += 4;
      if (at + 2 > f.length) return -1;
      const et = f.readUInt16BE(at);
      return et === ETHERTYPE_IPV4 || et === ETHERTYPE_IPV6 ? at + 2 : -1;
    }
    case 0: case 108: return 4; // LINKTYPE_NULL, LINKTYPE_LOOP: a 4-byte address family
    case 101: case 228: case 229: return 0; // LINKTYPE_RAW, IPV4, IPV6
    case 113: return 16; // LINKTYPE_LINUX_SLL
    case 276: return 20; // LINKTYPE_LINUX_SLL2
    default: return -1;
  }
}

function ipv6Text(b: Buffer, at: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(b.readUInt16BE(at + i).toString(16));
  return `[${parts.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')}]`;
}

export function tcpSegment(linkType: number, f: Buffer): TcpSegment | undefined {
  const ip = ipStart(linkType, f);
  if (ip < 0 || ip >= f.length) return undefined;
  const version = f[ip]! >> 4;
  let tcp: number;
  let end: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    if (ip + 20 > f.length) return undefined;
    const ihl = (f[ip]! & 0x0f) * 4;
    if (f[ip + 9] !== 6) return undefined;
    if ((f.readUInt16BE(ip + 6) & 0x3fff) !== 0) return undefined; // a fragment: not reassembled
    // the IP length, not the frame's: Ethernet pads short frames
    end = Math.min(f.length, ip + f.readUInt16BE(ip + 2));
    tcp = ip + ihl;
    src = `${f[ip + 12]}.${f[ip + 13]}.${f[ip + 14]}.${f[ip + 15]}`;
    dst = `${f[ip + 16]}.${f[ip + 17]}.${f[ip + 18]}.${f[ip + 19]}`;
  } else if (version === 6) {
    if (ip + 40 > f.length || f[ip + 6] !== 6) return undefined; // extension headers: not followed
    end = Math.min(f.length, ip + 40 + f.readUInt16BE(ip + 4));
    tcp = ip + 40;
    src = ipv6Text(f, ip + 8);
    dst = ipv6Text(f, ip + 24);
  } else return undefined;
  if (tcp + 20 > end) return undefined;
  const dataAt = tcp + (f[tcp + 12]! >> 4) * 4;
  if (dataAt > end) return undefined;
  const flags = f[tcp + 13]!;
  return {
    src, dst, sport: f.readUInt16BE(tcp), dport: f.readUInt16BE(tcp + 2), seq: f.readUInt32BE(tcp + 4),
    fin: (flags & 1) !== 0, syn: (flags & 2) !== 0, rst: (flags & 4) !== 0, ack: (flags & 16) !== 0,
    payload: f.subarray(dataAt, end),
  };
}
