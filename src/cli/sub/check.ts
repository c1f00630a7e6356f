// tssub's checks, before connecting: the output format (a bad -F is an argument error) before any
// secret is asked for; then parsed options -> the Subscriber's plan (a topic first; what to
// subscribe, filter, count and when to stop).
import type { SubStore } from './options.ts';
import { UsageError } from '../runtime/errors.ts';
import { createPrinter, type Printer } from '../output/index.ts';
import type { BuiltSession } from '../options/session-options.ts';
import type { SubPlan } from './runner.ts';
import type { TransportOptions } from '../../session/types.ts';

/** --snapshot: the retained snapshot is complete after this long without a retained message */
const SNAPSHOT_QUIET_MS = 500;

export interface SubOutput {
  filters: string[];
  printer: Printer;
}

/** `decorate`: stdout is a terminal (colour as the policy says); `warn`: a runtime error line for stderr */
export function checkSubOptions(store: SubStore, decorate: { color: boolean } | undefined, warn: (line: string) => void): SubOutput {
  const filters = store.topic ?? [];
  // -F is checked as it is parsed in mosquitto: before the missing topic (buildSubPlan)
  const printer = createPrinter({
    format: store.format,
    verbose: store.verbose === true,
    eol: store.noEol !== true,
    pretty: store.pretty === true,
    json: store.json === true,
    decorate,
    warn,
  });
  return { filters, printer };
}

export function buildSubPlan(store: SubStore, built: BuiltSession, filters: string[]): SubPlan {
  // mosquitto 2.1's text (2.0.11: "... to subscribe to."), after the options' own checks (a will
  // without a topic, -P without a password) as in client_config_load; -U alone runs, as in 2.1
  if (filters.length === 0 && (store.unsubscribe ?? []).length === 0) throw new UsageError('You must specify a topic to subscribe to (-t) or unsubscribe from (-U).');
  const v5 = built.session.protocolVersion === 5;
  const snapshot = store.snapshot === true;
  const noLocal = store.noLocal === true;
  // [MQTT-3.8.3-4]: No Local on a shared subscription is a protocol error (mosquitto disconnects us)
  const shared = filters.find((f) => f.startsWith('$share/'));
  if (v5 && noLocal && shared !== undefined) throw new UsageError(`--no-local cannot be used with the shared subscription '${shared}'.`);
  return {
    filters,
    qos: store.qos ?? 0,
    retainAsPublished: store.retainAsPublished === true,
    noLocal,
    // as develop: -R also asks the broker not to send retained messages (an explicit choice wins)
    retainHandling: store.retainHandling ?? (store.noRetain === true ? 2 : 0),
    watchHeader: store.watch === true ? `Broker: ${brokerName(built.session.transport)}` : undefined,
    unsubscribe: store.unsubscribe ?? [],
    filterOut: store.filterOut ?? [],
    count: store.count ?? 0,
    timeoutMs: (store.timeout ?? 0) * 1000,
    exitAfterSub: store.exitAfterSub === true,
    noRetain: store.noRetain === true,
    retainedOnly: store.retainedOnly === true || snapshot,
    snapshot,
    snapshotQuietMs: SNAPSHOT_QUIET_MS,
    removeRetained: store.removeRetained === true,
    randomFilter: store.randomFilter ?? 10000,
    subscribeProperties: v5 ? built.properties.subscribe : undefined,
    unsubscribeProperties: v5 ? built.properties.unsubscribe : undefined,
    disconnectProperties: v5 ? built.properties.disconnect : undefined,
    v5,
  };
}

/** what develop's -w header names: the host (or the socket path) */
function brokerName(t: TransportOptions): string {
  switch (t.kind) {
    case 'unix': return t.path;
    case 'ws': case 'wss': return new URL(t.url).hostname;
    default: return t.host;
  }
}
