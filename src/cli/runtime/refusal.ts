// The one wording of a refused subscription (tssub, tsrr), naming the reason code.
import { reasonText } from '../../protocol/reason-codes.ts';

export function subscriptionRefused(filter: string, rc: number): string {
  return `subscription to '${filter}' refused: ${rc === 0x80 ? 'refused by the broker' : reasonText(rc)} (0x${rc.toString(16).padStart(2, '0')}).`;
}
