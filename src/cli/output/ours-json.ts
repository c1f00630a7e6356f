// --json (ours): one JSON object per line per message, in the shared message schema
// (messages/message-json.ts: lossless, versioned, read back by tspub -l --line-format json).
import type { InboundMessage } from '../../session/types.ts';
import { messageToJson } from '../messages/message-json.ts';
import type { OutBuffer } from './out-buffer.ts';

export function writeOursJson(out: OutBuffer, msg: InboundMessage, nowMs: number, pretty: boolean): void {
  out.str(JSON.stringify(messageToJson(msg, nowMs), null, pretty ? 2 : undefined));
}
