// Which packets tsdump prints: --type, --no-ping, --no-acks, --client-id, --topic (MQTT wildcards).
// With --topic, packets without a topic are left out, except the acknowledgements of a PUBLISH
// that was shown (the dumper follows its packet id), so a message's timing stays visible.
import { topicMatches } from '../../protocol/topic.ts';
import type { DumpPacket, PacketType } from '../../protocol/dump-decode.ts';

export const ACK_TYPES: readonly PacketType[] = ['puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback'];

export interface FilterSpec {
  types?: ReadonlySet<PacketType>;
  noPing: boolean;
  noAcks: boolean;
  clientIds?: readonly string[];
  topics?: readonly string[];
}

/** the type filters alone: true when a packet of this type may be printed */
export function typeShown(f: FilterSpec, type: PacketType): boolean {
  if (f.types && !f.types.has(type)) return false;
  if (f.noPing && (type === 'pingreq' || type === 'pingresp')) return false;
  if (f.noAcks && ACK_TYPES.includes(type)) return false;
  return true;
}

export function clientShown(f: FilterSpec, clientId: string | undefined): boolean {
  return !f.clientIds || (clientId !== undefined && f.clientIds.includes(clientId));
}

/** --topic: 'yes' for a matching PUBLISH/SUBSCRIBE/UNSUBSCRIBE, 'no' for one that does not match, 'none' for a packet without a topic */
export function topicShown(f: FilterSpec, p: DumpPacket): 'yes' | 'no' | 'none' {
  const filters = f.topics;
  if (!filters) return 'yes';
  const names = p.topic !== undefined ? [p.topic] : p.subscriptions ? p.subscriptions.map((s) => s.topic) : p.topics;
  if (!names) return 'none';
  return names.some((t) => filters.some((flt) => topicMatches(flt, t))) ? 'yes' : 'no';
}
