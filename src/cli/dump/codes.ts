// Reason codes by name for both renderers: CONNACK's v3 return codes, v3 SUBACK's granted QoS,
// DISCONNECT 0's own name, the rest from reason-codes.ts.
import { connackText, reasonText } from '../../protocol/reason-codes.ts';

export function codeText(type: string, code: number, version: number): string {
  if (type === 'connack') return code === 0 ? (version === 5 ? 'success' : 'accepted') : connackText(code, version === 5 ? 5 : 4);
  if (code === 0 && type === 'disconnect') return 'normal disconnection';
  if (version !== 5 && type === 'suback') return code === 0x80 ? 'failure' : `granted QoS ${code}`;
  return reasonText(code);
}
