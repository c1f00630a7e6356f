// A TCP proxy in front of a broker, on 127.0.0.1, with knobs for the tests of loss, duplicates
// and latency: delay every chunk by a known time (each direction on its own), drop the Nth
// PUBLISH from the clients to the broker, send the Nth PUBLISH from the broker to the clients
// twice. PUBLISHes are counted over all connections through the proxy, by MQTT frame (fixed
// header + remaining length), so a knob hits one whole packet wherever the chunks split it.
//
//   const proxy = await startMqttProxy({ port: m.port }, { dropPublishToBroker: 3 });
//   ... clients connect to 127.0.0.1:proxy.port ...
//   proxy.stats.dropped === 1; await proxy.stop();
import net from 'node:net';

export interface ProxyKnobs {
  /** every chunk from a client reaches the broker this many ms later (order kept) */
  delayToBrokerMs?: number;
  /** every chunk from the broker reaches its client this many ms later */
  delayToClientMs?: number;
  /** the Nth PUBLISH (1-based) from any client is not passed on */
  dropPublishToBroker?: number;
  /** the Nth PUBLISH (1-based) towards any client is written twice */
  duplicatePublishToClient?: number;
}

/** PUBLISHes are counted in a direction only when it has a drop/duplicate knob: only then is it
 *  framed (a direction without one passes bytes as they come, so TLS goes through it too) */
export interface ProxyStats {
  connections: number;
  publishesToBroker: number;
  publishesToClient: number;
  dropped: number;
  duplicated: number;
}

export interface MqttProxy {
  host: '127.0.0.1';
  port: number;
  stats: ProxyStats;
  /** closes the listener and every connection, cancels what is still delayed */
  stop(): Promise<void>;
}

const PUBLISH = 3;

/** Cuts a byte stream into whole MQTT packets; keeps an incomplete one for the next chunk. */
export class Framer {
  private rest: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const frames: Buffer[] = [];
    for (;;) {
      const size = frameSize(buf);
      if (size < 0 || size > buf.length) break;
      frames.push(buf.subarray(0, size));
      buf = buf.subarray(size);
    }
    this.rest = Buffer.from(buf);
    return frames;
  }
}

/** total size of the packet at the start of buf, -1 while its fixed header is incomplete */
function frameSize(buf: Buffer): number {
  let len = 0;
  for (let i = 1, mul = 1; i <= 4; i++, mul *= 128) {
    if (i >= buf.length) return -1;
    len += (buf[i]! & 0x7f) * mul;
    if ((buf[i]! & 0x80) === 0) return 1 + i + len;
  }
  throw new Error('mqtt-proxy: malformed remaining length');
}

export async function startMqttProxy(target: { host?: string; port: number }, knobs: ProxyKnobs = {}): Promise<MqttProxy> {
  const stats: ProxyStats = { connections: 0, publishesToBroker: 0, publishesToClient: 0, dropped: 0, duplicated: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /** writes now, or after `ms` (timers of one duration fire in the order they were set) */
  const later = (ms: number | undefined, fn: () => void): void => {
    if (!ms) { fn(); return; }
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    timers.add(t);
  };

  /** from -> to, with this direction's knobs */
  const pipe = (from: net.Socket, to: net.Socket, toBroker: boolean): void => {
    const delay = toBroker ? knobs.delayToBrokerMs : knobs.delayToClientMs;
    const framed = toBroker ? knobs.dropPublishToBroker !== undefined : knobs.duplicatePublishToClient !== undefined;
    const framer = new Framer();
    from.on('data', (chunk: Buffer) => {
      let out = chunk;
      if (framed) {
        const kept: Buffer[] = [];
        for (const f of framer.push(chunk)) {
          if (f[0]! >> 4 !== PUBLISH) { kept.push(f); continue; }
          if (toBroker) {
            const n = ++stats.publishesToBroker;
            if (n === knobs.dropPublishToBroker) { stats.dropped++; continue; }
            kept.push(f);
          } else {
            const n = ++stats.publishesToClient;
            kept.push(f);
            if (n === knobs.duplicatePublishToClient) { stats.duplicated++; kept.push(f); }
          }
        }
        if (kept.length === 0) return;
        out = Buffer.concat(kept);
      }
      later(delay, () => { if (!to.destroyed) to.write(out); });
    });
    from.on('end', () => later(delay, () => to.end()));
    from.on('error', () => { from.destroy(); to.destroy(); });
    from.on('close', () => later(delay, () => to.destroy()));
  };

  const server = net.createServer((client) => {
    stats.connections++;
    const broker = net.connect(target.port, target.host ?? '127.0.0.1');
    for (const s of [client, broker]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    pipe(client, broker, true);
    pipe(broker, client, false);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    stats,
    stop: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
