// The session options of one bench client: the shared ones, its own client id (-I prefix + role
// + index) and its host (-h a,b,c: round-robin over the list).
import type { SessionOptions, TransportOptions } from '../../session/types.ts';
import type { BenchPlan } from './check.ts';

export type Role = 'p' | 's' | 'c';

function onHost(t: TransportOptions, host: string): TransportOptions {
  if (t.kind === 'tcp' || t.kind === 'tls') return { ...t, host, ...(t.kind === 'tls' ? { tls: { ...t.tls } } : {}) };
  if (t.kind === 'ws' || t.kind === 'wss') {
    const u = new URL(t.url);
    u.hostname = host;
    return { ...t, url: u.toString() };
  }
  return t;
}

/** ordinal: the client's place among all clients of the run (spreads roles evenly over the hosts) */
export function clientSession(plan: BenchPlan, role: Role, index: number, ordinal: number): SessionOptions {
  const host = plan.hosts[ordinal % plan.hosts.length]!;
  const transport = plan.hosts.length > 1 ? onHost(plan.session.transport, host) : plan.session.transport;
  return { ...plan.session, transport, clientId: `${plan.idPrefix}${role}${index}` };
}
