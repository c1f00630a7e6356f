// A bare MQTT-over-WebSocket client on our codec, for proving gateways and ws listeners carry a
// session without going through src/session.
//
//   const c = await wsMqtt(gw.url, { ca: certs.ca });       // offers subprotocol 'mqtt'
//   c.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'x', keepalive: 30 });
//   const connack = await c.next();                          // next decoded packet (default timeout 5000 ms)
//   await c.close();
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { encode, Decoder, type Packet, type ProtocolVersion } from '../../src/protocol/codec.ts';
import { waitFor } from './wait.ts';

export interface WsMqtt {
  ws: WebSocket;
  send(p: Packet): void;
  next(timeoutMs?: number): Promise<Packet>;
  close(): Promise<void>;
}

export async function wsMqtt(url: string, opts: { ca?: string; version?: ProtocolVersion; protocols?: string[] } = {}): Promise<WsMqtt> {
  const version = opts.version ?? 4;
  const ws = new WebSocket(url, opts.protocols ?? ['mqtt'], opts.ca ? { ca: readFileSync(opts.ca) } : {});
  const packets: Packet[] = [];
  let error: Error | undefined;
  const decoder = new Decoder(version, { onPacket: (p) => packets.push(p), onError: (e) => { error = e; } });
  ws.on('message', (data: Buffer) => decoder.push(data));
  await once(ws, 'open');
  return {
    ws,
    send: (p) => ws.send(encode(p, version)),
    async next(timeoutMs = 5000) {
      await waitFor(() => packets.length > 0 || error !== undefined || ws.readyState === WebSocket.CLOSED, timeoutMs, `a packet over ${url}`);
      if (packets.length > 0) return packets.shift()!;
      throw error ?? new Error(`${url}: WebSocket closed before a packet arrived`);
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await once(ws, 'close');
    },
  };
}
