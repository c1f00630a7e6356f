// Runs a compiled -F format against one message, writing bytes into an OutBuffer. Field rules follow
// mosquitto develop's formatted_print_percent(): which specifiers honour flags, width and precision,
// and what a missing v5 property prints (pad characters for %A %C %E %F %S, nothing for %R %D %P).
import type { InboundMessage } from '../../session/types.ts';
import { userPropertyList } from '../../protocol/codec.ts';
import { K, type CompiledFormat, type Op } from './compile.ts';
import { writeMosqJson } from './json-mosq.ts';
import type { OutBuffer } from './out-buffer.ts';
import { printfFixed } from './printf-float.ts';
import { strftimeOne } from './strftime.ts';

const HEX_L = Buffer.from('0123456789abcdef');
const HEX_U = Buffer.from('0123456789ABCDEF');

export interface RenderEnv {
  pretty: boolean;
  /** %J with a payload that is not JSON, %d/%f with one of the wrong size: an error line on stderr, and go on */
  warn(line: string): void;
}

/** printf("%d" / "%-*d" / "%0*d" / "%*d") */
function int(out: OutBuffer, value: number, op: Op): void {
  const s = String(value);
  if (op.width <= s.length) { out.ascii(s); return; }
  const padn = op.width - s.length;
  if (op.left) { out.ascii(s); out.fill(0x20, padn); return; }
  if (op.pad === 0x30) {
    if (value < 0) { out.byte(0x2d); out.fill(0x30, padn); out.ascii(s.slice(1)); } else { out.fill(0x30, padn); out.ascii(s); }
    return;
  }
  out.fill(0x20, padn);
  out.ascii(s);
}

/** printf("%*.*s") on bytes: precision cuts (in bytes), width pads with spaces */
function str(out: OutBuffer, s: string, op: Op): void {
  if (op.width === 0 && op.prec < 0) { out.str(s); return; }
  let b = Buffer.from(s);
  if (op.prec >= 0 && b.length > op.prec) b = b.subarray(0, op.prec);
  const padn = op.width - b.length;
  if (!op.left) out.fill(0x20, padn);
  out.bytes(b);
  if (op.left) out.fill(0x20, padn);
}

/**
 * develop's write_payload(): a width cuts the payload to `width` bytes (also for hex: the hex of
 * "message" fits %18x whole), the rest is padding; with a precision, %x/%X writes the separator
 * after every `prec` nibbles, counting the leading pad characters too. Left-aligned, the padding
 * is printf("%*s", padlen, ""): a negative padlen still prints |padlen| spaces ("%-p" does).
 */
function payload(out: OutBuffer, p: Buffer, op: Op, hex: 0 | 1 | 2): void {
  let len = p.length;
  if (op.width > 0 && len > op.width) len = op.width;
  const padlen = op.width > 0 ? op.width - (hex ? len * 2 : len) : -len;
  if (hex === 0) {
    if (!op.left) out.fill(op.pad, padlen);
    out.bytes(p, 0, len);
  } else {
    const digits = hex === 1 ? HEX_L : HEX_U;
    const prec = op.prec;
    if (prec <= 0) {
      if (!op.left) out.fill(op.pad, padlen);
      for (let i = 0; i < len; i++) { const c = p[i]!; out.byte(digits[c >> 4]!); out.byte(digits[c & 15]!); }
    } else {
      // xpos counts the nibbles (and pad characters) written; the last nibble gets no separator
      let xpos = 0;
      if (!op.left) {
        for (let i = 0; i < padlen; i++, xpos++) { out.byte(op.pad); if (xpos % prec === prec - 1) out.byte(op.sep); }
      }
      for (let i = 0; i < len; i++) {
        const c = p[i]!;
        out.byte(digits[c >> 4]!);
        if (xpos % prec === prec - 1) out.byte(op.sep);
        xpos++;
        out.byte(digits[c & 15]!);
        if (i < len - 1) { if (xpos % prec === prec - 1) out.byte(op.sep); xpos++; }
      }
    }
  }
  if (op.left) out.fill(0x20, Math.abs(padlen));
}

/** develop's %d / %f: an 8-byte double / 4-byte float payload (this machine's order, little-endian) as printf %f */
function binaryFloat(out: OutBuffer, msg: InboundMessage, op: Op, size: 8 | 4, env: RenderEnv): void {
  const p = msg.payload;
  if (p.length !== size) {
    env.warn(`-F %${size === 8 ? 'd' : 'f'} needs ${size === 8 ? 'an' : 'a'} ${size}-byte ${size === 8 ? 'double' : 'float'} payload, topic ${msg.topic} has ${p.length} bytes.`);
    return;
  }
  const v = size === 8 ? p.readDoubleLE(0) : p.readFloatLE(0);
  out.ascii(printfFixed(v, (p[size - 1]! & 0x80) !== 0, op.prec, op.width, op.left, op.pad === 0x30));
}

function firstNumber(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  return Number(Array.isArray(v) ? v[0] : v);
}

const date = new Date();

/** Render one message. `nowMs` is wall-clock milliseconds (may carry a fraction). */
export function renderFormat(out: OutBuffer, f: CompiledFormat, msg: InboundMessage, nowMs: number, env: RenderEnv): void {
  let nsec = 0;
  if (f.usesTime) {
    const sec = Math.floor(nowMs / 1000);
    date.setTime(Math.floor(nowMs));
    // the clock has microseconds at best: keep those, no float noise in the last digits
    nsec = Math.min(999_999_000, Math.round((nowMs - sec * 1000) * 1000) * 1000);
  }
  const props = msg.properties;
  const ops = f.ops;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.k) {
      case K.Lit: out.bytes(op.lit!); break;
      case K.Topic: str(out, msg.topic, op); break;
      case K.Payload: payload(out, msg.payload, op, 0); break;
      case K.Hex: payload(out, msg.payload, op, 1); break;
      case K.HexUpper: payload(out, msg.payload, op, 2); break;
      case K.Len: int(out, msg.payload.length, op); break;
      case K.Mid: int(out, msg.messageId ?? 0, op); break;
      case K.Qos: out.byte(0x30 + msg.qos); break;
      case K.Retain: out.byte(msg.retain ? 0x31 : 0x30); break;
      case K.Alias: {
        const v = props?.topicAlias;
        if (v !== undefined) int(out, v, op); else out.fill(op.pad, op.width);
        break;
      }
      case K.Expiry: {
        const v = props?.messageExpiryInterval;
        if (v !== undefined) int(out, v | 0, op); else out.fill(op.pad, op.width);
        break;
      }
      case K.FormatInd: {
        const v = props?.payloadFormatIndicator;
        if (v !== undefined) int(out, v ? 1 : 0, op); else out.fill(op.pad, op.width);
        break;
      }
      case K.SubId: {
        const v = firstNumber(props?.subscriptionIdentifier);
        if (v !== undefined) int(out, v | 0, op); else out.fill(op.pad, op.width);
        break;
      }
      case K.ContentType:
        if (props?.contentType !== undefined) str(out, props.contentType, op); else out.fill(op.pad, op.width);
        break;
      case K.RespTopic:
        if (props?.responseTopic !== undefined) str(out, props.responseTopic, op);
        break;
      case K.Correlation:
        if (props?.correlationData !== undefined) out.bytes(props.correlationData);
        break;
      case K.UserProps: {
        if (!props?.userProperties && !props?.userPropertyList) break;
        let first = true;
        for (const [k, one] of userPropertyList(props)) { // in packet order
          if (!first) out.byte(0x20);
          first = false;
          out.str(k); out.byte(0x3a); out.str(one);
        }
        break;
      }
      case K.Iso: str(out, `${strftimeOne('F', date)}T${strftimeOne('T', date)}${strftimeOne('z', date)}`, op); break;
      case K.Unix: out.ascii(`${Math.floor(date.getTime() / 1000)}.${String(nsec).padStart(9, '0')}`); break;
      case K.Nsec: out.ascii(String(nsec).padStart(9, '0')); break;
      case K.Time: out.str(strftimeOne(op.c!, date)); break;
      case K.Json: writeMosqJson(out, msg, date, nsec, true, env.pretty); break;
      case K.JsonRaw:
        if (!writeMosqJson(out, msg, date, nsec, false, env.pretty)) env.warn(`Message payload is not valid JSON on topic ${msg.topic}.`);
        break;
      case K.Double: binaryFloat(out, msg, op, 8, env); break;
      case K.Float: binaryFloat(out, msg, op, 4, env); break;
      default: break;
    }
  }
}
