// tsclear connects with MQTT 5 by default (a v5 broker reports a refused clear in its PUBACK).
// A broker that only speaks 3.1/3.1.1 refuses that CONNECT with "unacceptable protocol version"
// (v3 CONNACK 1, as aedes does) or 0x84; unless -V or -D asked for 5, connect again with 3.1.1,
// where tsclear reads the cleared topics back instead.
import { Client } from '../../session/client.ts';
import { ConnectionRefusedError } from '../../session/errors.ts';
import type { ConnackInfo, ProtocolVersion, ReconnectPolicy, SessionOptions } from '../../session/types.ts';

export interface Connected {
  client: Client;
  info: ConnackInfo;
}

const UNSUPPORTED_VERSION = new Set([1, 0x84]);

/** `watch` sees each Client before it connects (the --retry-connect notice). */
export async function connectForClear(build: (version: ProtocolVersion) => { session: SessionOptions; reconnect: ReconnectPolicy },
  versionChosen: boolean, watch?: (client: Client) => void): Promise<Connected> {
  const first = build(5);
  let client = new Client(first.session, first.reconnect);
  watch?.(client);
  try {
    return { client, info: await client.connect() };
  } catch (err) {
    if (versionChosen || first.session.protocolVersion !== 5
      || !(err instanceof ConnectionRefusedError && UNSUPPORTED_VERSION.has(err.reasonCode))) throw err;
  }
  first.session.debug?.('MQTT 5 refused (unacceptable protocol version): connecting again with MQTT 3.1.1');
  const again = build(4);
  client = new Client(again.session, again.reconnect);
  watch?.(client);
  return { client, info: await client.connect() };
}
