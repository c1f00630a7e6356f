// tsdump --listen: the relay (session/relay.ts) with the dumper as its tap.
import { Relay } from '../../session/relay.ts';
import type { DumpPlan } from './check.ts';
import type { Dumper } from './dumper.ts';

type ProxyPlan = Extract<DumpPlan, { mode: 'proxy' }>;

const now = (): number => performance.timeOrigin + performance.now();

/** Starts listening; resolves with the relay (the caller closes it) and the bound port. */
export async function startProxy(plan: ProxyPlan, d: Dumper): Promise<{ relay: Relay; port: number }> {
  const relay = new Relay({
    host: plan.listen.host, port: plan.listen.port, listenTls: plan.listenTls,
    upstream: plan.upstream, connectTimeoutMs: plan.connectTimeoutMs,
  }, {
    open: (conn, client, broker) => d.open(conn, client, broker, now()),
    data: (conn, from, chunk) => d.data(conn, from, chunk, now()),
    close: (conn, reason) => d.close(conn, reason, now()),
  });
  d.closeConnection = (conn) => relay.drop(conn, 'decode error (--strict)');
  return { relay, port: await relay.listen() };
}
