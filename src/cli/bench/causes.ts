// An error's cause as errors_by_cause counts it: "refused:135", "puback:0x97", "tls", "timeout", "closed", ...
import { ConnectionClosedError, ConnectionRefusedError, MessageTooLargeError, ProtocolError, ReasonCodeError, TimeoutError, TransportError } from '../../session/errors.ts';

export function causeOf(err: unknown): string {
  if (err instanceof ConnectionRefusedError) return `refused:${err.reasonCode}`;
  if (err instanceof ReasonCodeError) return `${err.packet.toLowerCase()}:0x${err.reasonCode.toString(16).padStart(2, '0')}`;
  if (err instanceof TimeoutError) return 'timeout';
  if (err instanceof MessageTooLargeError) return 'too-large';
  if (err instanceof ProtocolError) return 'protocol';
  if (err instanceof ConnectionClosedError) return 'closed';
  if (err instanceof TransportError) {
    if (/TLS|certificate|SSL/i.test(err.message)) return 'tls';
    if (err.code === 'EMFILE' || err.code === 'ENFILE') return 'emfile';
    return err.code ? `transport:${err.code}` : 'transport';
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EMFILE' || code === 'ENFILE') return 'emfile';
  return 'other';
}
