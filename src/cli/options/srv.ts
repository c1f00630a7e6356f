// -S: find the broker with a DNS SRV lookup, as libmosquitto's mosquitto_connect_srv does:
// _mqtt._tcp.<host> (or _secure-mqtt._tcp.<host> with TLS); lowest priority, then highest weight.
import type { SrvRecord } from 'node:dns';
import type { CommonStore } from './common-options.ts';

export type SrvResolver = (name: string) => Promise<SrvRecord[]>;

export async function applySrv(store: CommonStore, tls: boolean, resolver?: SrvResolver): Promise<void> {
  const resolveSrv = resolver ?? (await import('node:dns/promises')).resolveSrv;
  const host = store.host ?? 'localhost';
  const name = `${tls ? '_secure-mqtt' : '_mqtt'}._tcp.${host}`;
  let records;
  try {
    records = await resolveSrv(name);
  } catch (err) {
    throw new Error(`-S: DNS SRV lookup of ${name} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  if (records.length === 0) throw new Error(`-S: DNS SRV lookup of ${name} found no record.`);
  records.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  store.host = records[0]!.name;
  store.port = records[0]!.port;
}
