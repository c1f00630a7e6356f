// MQTT 5 properties by id [MQTT-2.2.2.2], read for tsdump: any property in any packet (a dumper
// shows what was sent, a property in the wrong packet included), in packet order, duplicates kept.
// Names: the spec's (kebab, as -D takes them) for lines, mqtt-packet's camelCase for JSON.
import { propertiesById } from './properties.ts';

export type PropValue = number | string | Buffer | readonly [string, string];

export interface DumpProperty {
  id: number;
  /** 'content-type' */
  name: string;
  /** 'contentType' */
  key: string;
  value: PropValue;
}

/** the table by id, read whole: a dumper knows every property, whatever packet holds it */
const BY_ID = propertiesById();

/** A defect found while reading: the text says what and where. */
export class DumpDecodeError extends Error {}

/** A cursor over one packet's bytes, buf[pos, end); every read checks the bound. */
export class Reader {
  constructor(readonly buf: Buffer, public pos: number, readonly end: number) {}

  left(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new DumpDecodeError(`${what} runs past the end of the packet`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  varint(what: string): number {
    let value = 0;
    let mult = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.u8(what);
      value += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) return value;
      mult *= 128;
    }
    throw new DumpDecodeError(`${what} is longer than 4 bytes`);
  }

  binary(what: string): Buffer {
    const n = this.u16(`the length of ${what}`);
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** a UTF-8 string; ill-formed bytes decode to U+FFFD (shown, not refused: this is a dumper) */
  str(what: string): string {
    return this.binary(what).toString('utf8');
  }

  rest(): Buffer {
    const b = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return b;
  }
}

/** The property section at the reader's position: its length, then the properties [MQTT-2.2.2]. */
export function readProperties(r: Reader, packet: string): DumpProperty[] {
  const len = r.varint(`the ${packet} property length`);
  r.need(len, `the ${packet} properties (${len} bytes)`);
  const stop = r.pos + len;
  const inner = new Reader(r.buf, r.pos, stop);
  const out: DumpProperty[] = [];
  while (inner.left() > 0) {
    const id = inner.varint('a property id');
    const entry = BY_ID[id];
    if (!entry) throw new DumpDecodeError(`${packet} has an unknown property id 0x${id.toString(16).padStart(2, '0')}`);
    const { type, name, key } = entry;
    let value: PropValue;
    switch (type) {
      case 'byte': value = inner.u8(name); break;
      case 'int16': value = inner.u16(name); break;
      case 'int32': value = inner.u32(name); break;
      case 'varint': value = inner.varint(name); break;
      case 'string': value = inner.str(name); break;
      case 'binary': value = inner.binary(name); break;
      default: value = [inner.str(`${name} key`), inner.str(`${name} value`)] as const;
    }
    out.push({ id, name, key, value });
  }
  r.pos = stop;
  return out;
}
