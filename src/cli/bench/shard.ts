// --shard K/N: this machine is shard K of N. Each shard runs the same -c clients; shard K takes the
// client indexes (K-1)*c .. K*c-1, so its client ids and its topics' %i differ from every other
// shard's (ids must be unique on the broker, or it disconnects the older client [MQTT-3.1.4-2])
// and `tsbench merge` adds runs that never met on one topic.
import { UsageError } from '../runtime/errors.ts';

export interface Shard {
  /** this shard, 1..n */
  k: number;
  /** how many shards the run is split into */
  n: number;
}

/** more shards than this is a typo, not a cluster */
export const MAX_SHARDS = 100_000;

/** "K/N" (decimal integers, 1 <= K <= N) to {k, n}; anything else is a UsageError naming the option. */
export function parseShard(raw: string, name: string): Shard {
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(raw.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || k < 1 || k > n) throw new UsageError(`${name}: invalid shard '${raw}' (use K/N with 1 <= K <= N).`);
  if (n > MAX_SHARDS) throw new UsageError(`${name}: invalid shard '${raw}' (at most ${MAX_SHARDS} shards).`);
  return { k, n };
}

/** "K/N", as the summary's `shards` lists it */
export const shardLabel = (s: Shard): string => `${s.k}/${s.n}`;

/** The first client index of shard k when every shard runs `clients` clients (0 without --shard). */
export function shardOffset(shard: Shard | undefined, clients: number): number {
  return shard ? (shard.k - 1) * clients : 0;
}

/** A client's index across all shards: what %i in a topic and the client id's number say. */
export function shardIndex(shard: Shard | undefined, clients: number, i: number): number {
  return shardOffset(shard, clients) + i;
}

/** The client ids of shard k of n: prefix + the client's index across all shards (0-based). */
export function shardIds(prefix: string, k: number, n: number, clients: number): string[] {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 1 && k <= n)) throw new RangeError(`shard ${k}/${n} is not 1 <= K <= N`);
  const first = shardOffset({ k, n }, clients);
  return Array.from({ length: clients }, (_, i) => `${prefix}${first + i}`);
}
