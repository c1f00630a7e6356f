// tsclear's cross-field rules, checked before connecting, with an example in each message:
// parsed options -> ClearSettings (what to clear, how to confirm, how long the snapshot waits).
import { UsageError } from '../runtime/errors.ts';
import type { QoS } from '../../session/types.ts';
import { DEFAULT_CONFIRM_ABOVE, DEFAULT_QUIET_MS, type ClearStore } from './options.ts';

export interface ClearSettings {
  filters: string[];
  exclude: string[];
  match?: RegExp;
  dryRun: boolean;
  yes: boolean;
  confirmAbove: number;
  quietMs: number;
  qos: QoS;
  json: boolean;
  verbose: boolean;
  /** undefined: decided by protocol version and QoS */
  verify?: boolean;
  /** -V or -D was given: no fallback from MQTT 5 to 3.1.1 */
  versionChosen: boolean;
}

export function clearSettings(store: ClearStore): ClearSettings {
  const filters = store.topic ?? [];
  if (filters.length === 0) {
    throw new UsageError("You must specify a topic filter to clear (-t), e.g. tsclear -t 'devices/#' --dry-run");
  }
  const shared = filters.find((f) => f.startsWith('$share/'));
  if (shared !== undefined) {
    // MQTT 5 §4.8.2: retained messages are not sent to a shared subscription
    throw new UsageError(`Invalid subscription topic '${shared}': a shared subscription receives no retained messages; use the filter without '$share/<group>/'.`);
  }
  const versionChosen = store.protocolVersion !== undefined || (store.properties?.length ?? 0) > 0;
  return {
    filters: [...new Set(filters)],
    exclude: store.filterOut ?? [],
    match: store.match,
    dryRun: store.dryRun === true,
    yes: store.yes === true,
    confirmAbove: store.confirmAbove ?? DEFAULT_CONFIRM_ABOVE,
    quietMs: store.quietTime ?? DEFAULT_QUIET_MS,
    qos: store.qos ?? 1,
    json: store.json === true,
    verbose: store.verbose === true,
    verify: store.verify === true ? true : store.noVerify === true ? false : undefined,
    versionChosen,
  };
}
