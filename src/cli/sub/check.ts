// Parsed tssub options -> the Subscriber's plan (what to subscribe, filter, count and when to stop).
import type { Store } from '../options/option-spec.ts';
import type { BuiltSession } from '../options/session-options.ts';
import type { SubPlan } from './runner.ts';
import type { QoS, SubscribeProperties } from '../../session/types.ts';

/** --snapshot: the retained snapshot is complete after this long without a retained message */
export const SNAPSHOT_QUIET_MS = 500;

export function buildSubPlan(store: Store, built: BuiltSession, filters: string[]): SubPlan {
  const v5 = built.session.protocolVersion === 5;
  const snapshot = store.snapshot === true;
  return {
    filters,
    qos: (store.qos as QoS | undefined) ?? 0,
    retainAsPublished: store.retainAsPublished === true,
    unsubscribe: (store.unsubscribe as string[] | undefined) ?? [],
    filterOut: (store.filterOut as string[] | undefined) ?? [],
    count: (store.count as number | undefined) ?? 0,
    timeoutMs: ((store.timeout as number | undefined) ?? 0) * 1000,
    exitAfterSub: store.exitAfterSub === true,
    noRetain: store.noRetain === true,
    retainedOnly: store.retainedOnly === true || snapshot,
    snapshot,
    snapshotQuietMs: SNAPSHOT_QUIET_MS,
    removeRetained: store.removeRetained === true,
    randomFilter: (store.randomFilter as number | undefined) ?? 10000,
    subscribeProperties: v5 ? built.properties.subscribe as SubscribeProperties | undefined : undefined,
    unsubscribeProperties: v5 ? built.properties.unsubscribe as SubPlan['unsubscribeProperties'] : undefined,
    disconnectProperties: v5 ? built.properties.disconnect : undefined,
    v5,
  };
}
