// tsdump's default output: one line per packet, e.g.
//   10:42:07.123 #1 c>b PUBLISH 'sensors/t' q1 m3 r0 d0 (4 bytes) 21.5
//   10:42:07.124 #1 b>c PUBACK m3 rc=0 (success) +0.412ms
// Colour (a terminal) decorates only: the text is the same without it.
import { codeText } from './codes.ts';
import type { DumpPacket, DumpProperty } from '../../protocol/dump-decode.ts';
import type { Paint } from '../runtime/terminal.ts';
import { escapeText, LINE_MAX_PAYLOAD, payloadView, type PayloadMode } from './payload-view.ts';
import type { ConnSummary, PacketEvent, Renderer, RenderOptions, Side } from './events.ts';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** local time of day with milliseconds: 10:42:07.123 */
export function clockText(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`;
}

const arrow = (from: Side): string => (from === 'client' ? 'c>b' : 'b>c');
const quote = (s: string): string => `'${escapeText(Buffer.from(s))}'`;
const msText = (ms: number): string => `${ms.toFixed(3)}ms`;
const VERSION_NAMES: Record<number, string> = { 3: '3.1', 4: '3.1.1', 5: '5' };

function propText(p: DumpProperty): string {
  const v = p.value;
  if (typeof v === 'number') return `${p.name}=${v}`;
  if (typeof v === 'string') return `${p.name}=${quote(v)}`;
  if (Buffer.isBuffer(v)) return `${p.name}=0x${v.toString('hex')}`;
  return `${p.name}=${quote(v[0])}:${quote(v[1])}`;
}

export function propsText(props: readonly DumpProperty[] | undefined): string {
  return props && props.length > 0 ? ` {${props.map(propText).join(' ')}}` : '';
}

export class LineRenderer implements Renderer {
  private readonly max: number;

  constructor(private readonly o: RenderOptions, private readonly mode: PayloadMode, private readonly paint: Paint) {
    this.max = o.maxPayload ?? LINE_MAX_PAYLOAD;
  }

  // the packets of one chunk share a time; a stream mostly repeats its topics (the decoder hands the same string back)
  private clockMs = NaN;
  private clock = '';
  private lastTopic: string | undefined;
  private lastTopicText = '';

  private head(ms: number, conn: number): string {
    if (ms !== this.clockMs) {
      this.clockMs = ms;
      this.clock = this.paint.dim(clockText(ms));
    }
    return `${this.clock} #${conn}`;
  }

  private topicText(topic: string): string {
    if (topic !== this.lastTopic) {
      this.lastTopic = topic;
      this.lastTopicText = this.paint.yellow(quote(topic));
    }
    return this.lastTopicText;
  }

  private code(type: string, code: number, version: number): string {
    const t = `rc=${code} (${codeText(type, code, version)})`;
    return code >= 0x80 || (type === 'connack' && code > 0) ? this.paint.red(t) : t;
  }

  packet(e: PacketEvent): string {
    const p = e.packet;
    const name = this.paint.bold(p.type.toUpperCase());
    let out = `${this.head(e.ms, e.conn)} ${arrow(e.from)} ${name}${this.fields(p, e.version)}`;
    if (e.timing) {
      const t = e.timing;
      out += t.stepMs === t.totalMs ? ` +${msText(t.totalMs)}` : ` +${msText(t.stepMs)} (total ${msText(t.totalMs)})`;
    }
    return `${out}\n`;
  }

  private fields(p: DumpPacket, version: number): string {
    switch (p.type) {
      case 'connect': return this.connect(p);
      case 'connack': return ` session-present=${p.sessionPresent ? 1 : 0} ${this.code('connack', p.reasonCode!, version)}${propsText(p.properties)}`;
      case 'publish': {
        const payload = p.payload!;
        const mid = p.messageId !== undefined ? ` m${p.messageId}` : '';
        return ` ${this.topicText(p.topic!)} q${p.qos}${mid} r${p.retain ? 1 : 0} d${p.dup ? 1 : 0}`
          + ` (${payload.length} bytes)${propsText(p.properties)}${payload.length > 0 ? ` ${payloadView(payload, this.mode, this.max)}` : ''}`;
      }
      case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp':
        return ` m${p.messageId}${p.reasonCode !== undefined ? ` ${this.code(p.type, p.reasonCode, version)}` : ''}${propsText(p.properties)}`;
      case 'subscribe':
        return ` m${p.messageId}${propsText(p.properties)} ${p.subscriptions!.map((s) => {
          const opts = s.noLocal === undefined ? '' : ` nl=${s.noLocal ? 1 : 0} rap=${s.retainAsPublished ? 1 : 0} rh=${s.retainHandling}`;
          return `${this.paint.yellow(quote(s.topic))} q${s.qos}${opts}`;
        }).join(', ')}`;
      case 'suback': case 'unsuback': {
        const codes = p.reasonCodes!;
        const list = codes.length > 0 ? ` ${codes.map((c) => this.code(p.type, c, version)).join(', ')}` : '';
        return ` m${p.messageId}${list}${propsText(p.properties)}`;
      }
      case 'unsubscribe':
        return ` m${p.messageId}${propsText(p.properties)} ${p.topics!.map((t) => this.paint.yellow(quote(t))).join(', ')}`;
      case 'disconnect': case 'auth':
        return p.reasonCode !== undefined ? ` ${this.code(p.type, p.reasonCode, version)}${propsText(p.properties)}` : '';
      default: return '';
    }
  }

  private connect(p: DumpPacket): string {
    let s = ` mqtt=${VERSION_NAMES[p.protocolVersion!]} id=${quote(p.clientId!)} keepalive=${p.keepalive} clean=${p.clean ? 1 : 0}`;
    if (p.username !== undefined) s += ` username=${quote(p.username)}`;
    if (p.password !== undefined) s += ` password=${this.o.showPasswords ? quote(p.password.toString('utf8')) : '***'}`;
    const w = p.will;
    if (w) {
      s += ` will=${quote(w.topic)} will-qos=${w.qos} will-retain=${w.retain ? 1 : 0} will-payload=${payloadView(w.payload, this.mode, this.max)}`;
      if (w.properties?.length) s += ` will-properties${propsText(w.properties)}`;
    }
    return s + propsText(p.properties);
  }

  open(ms: number, conn: number, client: string, broker: string): string {
    return `${this.head(ms, conn)} open ${client} -> ${broker}\n`;
  }

  close(ms: number, s: ConnSummary): string {
    const [q0, q1, q2] = s.messages;
    const slow = s.slowestAck ? `, slowest ack ${msText(s.slowestAck.ms)} (${s.slowestAck.type.toUpperCase()} m${s.slowestAck.messageId})` : '';
    const id = s.clientId !== undefined ? ` id=${quote(s.clientId)}` : '';
    return `${this.head(ms, s.conn)} close${id} (${s.reason}) after ${(s.durationMs / 1000).toFixed(3)}s:`
      + ` packets c>b ${s.packets.client} b>c ${s.packets.broker}, bytes c>b ${s.bytes.client} b>c ${s.bytes.broker},`
      + ` messages q0 ${q0} q1 ${q1} q2 ${q2}${slow}\n`;
  }

  error(ms: number, conn: number, from: Side, text: string): string {
    return `${this.head(ms, conn)} ${arrow(from)} ${this.paint.red(`decode error: ${text}`)}\n`;
  }

  dropped(ms: number, count: number): string {
    return `${this.paint.dim(clockText(ms))} ${this.paint.red(`${count} packet${count === 1 ? '' : 's'} not shown: stdout was slower than the traffic (all were forwarded)`)}\n`;
  }
}
