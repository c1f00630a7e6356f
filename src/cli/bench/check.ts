// tsbench's cross-field check: the scenario and the parsed options -> the plan every share of the
// run (one per worker thread) follows. Plain data: it is posted to the workers as it is.
import { availableParallelism } from 'node:os';
import type { BenchStore, Scenario } from './options.ts';
import type { Threshold } from './fail-if.ts';
import type { Shard } from './shard.ts';
import { UsageError } from '../runtime/errors.ts';
import { HEADER_SIZE } from './header.ts';
import { checkTopicFilter, checkTopicName } from '../../protocol/topic.ts';
import type { BuiltSession } from '../options/session-options.ts';
import type { PublishProperties, QoS, ReconnectPolicy, SessionOptions, SubscribeProperties } from '../../session/types.ts';

/** without --count or --duration a run lasts this long (ms) */
const DEFAULT_DURATION_MS = 10_000;

export interface BenchPlan {
  scenario: Scenario;
  /** publishers and subscribers of the run (all shares together); conn: connections as publishers = 0 */
  publishers: number;
  subscribers: number;
  connections: number;
  topic: string;
  /** what subscribers subscribe to (%i: the subscriber's index) */
  filter: string;
  /** $share/...: each message reaches one subscriber of the group */
  shared: boolean;
  size: number;
  /** -m: the payload template after the header (undefined: -s zero bytes) */
  message: string | undefined;
  qos: QoS;
  retain: boolean;
  /** per publisher (msg/s), or undefined: as fast as -M allows */
  rate: number | undefined;
  /** conn: connections per second, all together */
  connRate: number | undefined;
  /** per publisher (pub, pubsub), per subscriber (sub), connections (conn); Infinity: by duration */
  count: number;
  durationMs: number | undefined;
  warmupMs: number;
  window: number;
  hosts: string[];
  idPrefix: string;
  session: SessionOptions;
  reconnect: ReconnectPolicy;
  publishProperties: PublishProperties | undefined;
  subscribeProperties: SubscribeProperties | undefined;
  workers: number;
  json: boolean;
  /** --csv FILE, --html FILE: written from the summary at the end (opened before the run) */
  csv: string | undefined;
  html: string | undefined;
  /** --shard K/N: this run's clients are shard K's (shard.ts), its summary says "K/N" */
  shard: Shard | undefined;
  failIf: Threshold[];
  sys: boolean;
  /** the options that shape the load, as the summary reports them */
  shape: Record<string, unknown>;
}

/** -t with each level holding %i or %c made a single-level wildcard */
export function filterOfTemplate(topic: string): string {
  return topic.split('/').map((l) => (l.includes('%i') || l.includes('%c') ? '+' : l)).join('/');
}

export function planBench(scenario: Scenario, store: BenchStore, built: BuiltSession): BenchPlan {
  if (store.rate !== undefined && store.totalRate !== undefined) throw new UsageError('-r and --total-rate cannot be used together (-r is per client, --total-rate for all).');
  const pubsub = scenario === 'pubsub';
  if (!pubsub && (store.publishers !== undefined || store.subscribers !== undefined)) {
    throw new UsageError(`--publishers and --subscribers are for pubsub; ${scenario} takes -c.`);
  }
  if (pubsub && store.clients !== undefined) throw new UsageError('pubsub takes --publishers and --subscribers, not -c.');
  if (store.filter !== undefined && !pubsub) throw new UsageError(`--filter is for pubsub (${scenario === 'sub' ? 'sub subscribes to -t' : `${scenario} subscribes to nothing`}).`);
  const clients = store.clients ?? 1;
  const publishers = pubsub ? store.publishers ?? 1 : scenario === 'pub' ? clients : 0;
  const subscribers = pubsub ? store.subscribers ?? 1 : scenario === 'sub' ? clients : 0;
  const connections = scenario === 'conn' ? store.count ?? clients : 0;
  const topic = store.topic ?? (scenario === 'sub' ? 'tsbench/#' : 'tsbench/%i');
  const filter = scenario === 'sub' ? topic : store.filter ?? filterOfTemplate(topic);
  if (scenario === 'pub' || pubsub) {
    const e = checkTopicName(topic.replaceAll('%i', '0').replaceAll('%c', '0'));
    if (e) throw new UsageError(`-t: ${e}.`);
  }
  if (scenario === 'sub' || pubsub) {
    const e = checkTopicFilter(filter.replaceAll('%i', '0'));
    if (e) throw new UsageError(`${scenario === 'sub' ? '-t' : '--filter'}: ${e}.`);
  }
  const hosts = (store.host ?? 'localhost').split(',');
  if (hosts.some((h) => h === '')) throw new UsageError(`-h: empty host in '${store.host}' (use -h a,b,c).`);
  if (hosts.length > 1 && built.session.transport.kind === 'unix') throw new UsageError('-h a,b,c cannot be used with --unix.');
  const v5 = built.session.protocolVersion === 5;
  const perClient = scenario === 'conn' ? undefined : store.rate ?? (store.totalRate !== undefined ? store.totalRate / Math.max(1, publishers) : undefined);
  const count = scenario === 'conn' ? connections : store.count ?? Infinity;
  const durationMs = store.duration ?? (store.count === undefined && scenario !== 'conn' ? DEFAULT_DURATION_MS : undefined);
  const window = built.session.maxInflight;
  const cores = availableParallelism();
  // -d lines come from one thread, in order; a worker per few clients is no gain
  const total = publishers + subscribers + connections;
  const workers = store.debug ? 1 : Math.max(1, Math.min(store.workers ?? cores, total));
  const qos = store.qos ?? 0;
  if (store.message !== undefined && store.size !== undefined) throw new UsageError('-m and -s cannot be used together (with -m the payload is the header and the template).');
  if (store.message !== undefined && (scenario === 'conn' || scenario === 'sub')) throw new UsageError(`-m is for the scenarios that publish (pub, pubsub), not ${scenario}.`);
  const size = store.size ?? HEADER_SIZE;
  const shape: Record<string, unknown> = {
    clients: scenario === 'conn' ? connections : publishers + subscribers, publishers, subscribers, qos, size, topic,
    ...(store.message !== undefined ? { message: store.message } : {}),
    ...(scenario === 'sub' || pubsub ? { filter } : {}),
    rate_per_client: perClient ?? null, protocol_version: built.session.protocolVersion, inflight: window,
    retain: store.retain === true, count: Number.isFinite(count) ? count : null, duration_s: durationMs === undefined ? null : durationMs / 1000,
    warmup_s: (store.warmup ?? 0) / 1000, workers, hosts,
  };
  return {
    scenario, publishers, subscribers, connections, topic, filter, shared: filter.startsWith('$share/'), size, message: store.message, qos,
    retain: store.retain === true, rate: perClient,
    connRate: scenario === 'conn' ? store.totalRate ?? store.rate : undefined,
    count, durationMs, warmupMs: store.warmup ?? 0, window, hosts,
    idPrefix: store.idPrefix ?? `tsbench-${process.pid}-`,
    session: { ...built.session, clientId: undefined }, reconnect: built.reconnect,
    publishProperties: v5 ? built.properties.publish : undefined,
    subscribeProperties: v5 ? built.properties.subscribe : undefined,
    workers, json: store.json === true, csv: store.csv, html: store.html, shard: store.shard, failIf: store.failIf ?? [], sys: store.noSys !== true, shape,
  };
}
