// tsrr --json: the message object tssub --json prints (messages/message-json.ts), with the request's
// fields beside it under "request": the one place tsrr adds to the shared schema.
import type { InboundMessage } from '../../session/types.ts';
import type { OutBuffer } from '../output/index.ts';
import { encodeBytes, messageToJson } from '../messages/message-json.ts';

export interface RequestInfo {
  /** -l: the request's line number (1-based) */
  line?: number;
  /** MQTT 5: the Correlation Data the request carried */
  correlationData?: Buffer;
  /** from sending the request to receiving this reply, in ms */
  rttMs: number;
}

export function writeReplyJson(out: OutBuffer, msg: InboundMessage, nowMs: number, pretty: boolean, req: RequestInfo): void {
  const request: Record<string, unknown> = {};
  if (req.line !== undefined) request.line = req.line;
  if (req.correlationData) {
    const c = encodeBytes(req.correlationData);
    request.correlationData = c.text;
    request.correlationDataEncoding = c.encoding;
  }
  request.rttMs = Math.round(req.rttMs * 1000) / 1000;
  out.str(JSON.stringify({ ...messageToJson(msg, nowMs), request }, null, pretty ? 2 : undefined));
}
