// tsdump's one cross-field check: proxy (--listen, --to) or capture (-r), what goes with which,
// and the output plan both modes share. Every mistake is found before anything listens.
import { UsageError } from '../runtime/errors.ts';
import type { BuiltSession } from '../options/session-options.ts';
import type { TransportOptions } from '../../session/types.ts';
import type { DumpStore, HostPort } from './options.ts';
import type { FilterSpec } from './filter.ts';
import type { PayloadMode } from './payload-view.ts';

export interface OutputPlan {
  json: boolean;
  filter: FilterSpec;
  payload: PayloadMode;
  maxPayload: number | undefined;
  showPasswords: boolean;
  strict: boolean;
  /** how a stream without a CONNECT is read */
  defaultVersion: number;
}

export type DumpPlan =
  | { mode: 'proxy'; listen: HostPort; listenTls?: { cert: string; key: string }; upstream: TransportOptions; connectTimeoutMs: number; output: OutputPlan }
  | { mode: 'read'; file: string; port: number; output: OutputPlan };

export function planDump(store: DumpStore, built: BuiltSession): DumpPlan {
  const proxy = store.listen !== undefined;
  if (!proxy && store.read === undefined) {
    throw new UsageError('tsdump needs --listen [host:]port --to host:port (proxy) or -r file (a capture).', { tail: 'help' }); // as mosquitto_pub with nothing to do: the help follows
  }
  if (proxy && store.read !== undefined) throw new UsageError('--listen and -r cannot be used together: proxy or capture, one at a time.');
  if ((store.listenCert === undefined) !== (store.listenKey === undefined)) {
    throw new UsageError('Both --listen-cert and --listen-key must be given if one of them is set.');
  }
  const output: OutputPlan = {
    json: store.json === true,
    filter: {
      types: store.types ? new Set(store.types.flat()) : undefined,
      noPing: store.noPing === true,
      noAcks: store.noAcks === true,
      clientIds: store.clientIds,
      topics: store.topics,
    },
    payload: store.payload ?? 'text',
    maxPayload: store.maxPayload,
    showPasswords: store.showPasswords === true,
    strict: store.strict === true,
    defaultVersion: store.protocolVersion ?? 4,
  };
  if (store.json && store.payload !== undefined) throw new UsageError('--payload shapes the line output; --json carries payloads as the message schema does (utf8 or base64).');
  if (!proxy) {
    if (store.to !== undefined) throw new UsageError('--to needs --listen (proxy mode); -r reads a capture.');
    if (store.listenCert !== undefined) throw new UsageError('--listen-cert needs --listen (proxy mode).');
    if (store.strict) throw new UsageError('--strict needs --listen (proxy mode): a capture has no connection to close.');
    return { mode: 'read', file: store.read!, port: store.capturePort ?? 1883, output };
  }
  if (store.to === undefined) throw new UsageError('--listen needs --to host:port (the broker to forward to).');
  if (store.capturePort !== undefined) throw new UsageError('--port is the MQTT port of a capture (-r); the proxy forwards to --to host:port.');
  const plan: DumpPlan = {
    mode: 'proxy', listen: store.listen!, upstream: built.session.transport,
    connectTimeoutMs: built.session.connectTimeoutMs, output,
  };
  if (store.listenCert !== undefined) plan.listenTls = { cert: store.listenCert, key: store.listenKey! };
  return plan;
}
