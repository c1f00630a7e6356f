// The relay tsdump listens with: accepts connections (TCP, or TLS with --listen-cert/--listen-key),
// opens one upstream transport per connection (the tools' transports: TCP, TLS, ...) and forwards
// the bytes both ways unchanged, with back-pressure (a full side pauses the other). Each chunk is
// shown to a tap after it was written on; whatever the tap does, the bytes have gone. The relay
// never prints: it reports through RelayEvents.
import net from 'node:net';
import { loadCert, loadKey } from './tls-options.ts';
import type { Duplex } from 'node:stream';
import type { TransportOptions } from './types.ts';
import { openTransport, transportTarget } from './transport.ts';
import { TransportError } from './errors.ts';

export type RelaySide = 'client' | 'broker';

export interface RelayEvents {
  open(conn: number, client: string, broker: string): void;
  /** a chunk from `from`, already written to the other side */
  data(conn: number, from: RelaySide, chunk: Buffer): void;
  /** once per connection: 'client closed', 'broker closed', or what failed */
  close(conn: number, reason: string): void;
}

export interface RelayOptions {
  host: string;
  port: number;
  /** PEM files: terminate TLS on the listening side */
  listenTls?: { cert: string; key: string };
  upstream: TransportOptions;
  connectTimeoutMs: number;
}

export class Relay {
  private server: net.Server | undefined;
  private next = 1;
  private readonly live = new Map<number, { client: Duplex; broker?: Duplex; reason?: string }>();

  constructor(private readonly o: RelayOptions, private readonly ev: RelayEvents) {}

  /** listens; resolves with the bound port (0 asks for a free one) */
  async listen(): Promise<number> {
    const onConn = (s: net.Socket): void => { void this.accept(s); };
    let server: net.Server;
    if (this.o.listenTls) {
      const tls = await import('node:tls');
      // the same reading and checks as the tools' --cert/--key, named by the listener's options
      const cert = loadCert(this.o.listenTls.cert, '--listen-cert');
      const key = loadKey(this.o.listenTls.key, undefined, '--listen-key');
      server = tls.createServer({ cert, key, allowHalfOpen: true, noDelay: true }, onConn);
      // a client that fails the handshake is its own problem: the listener goes on
      server.on('tlsClientError', () => undefined);
    } else server = net.createServer({ allowHalfOpen: true, noDelay: true }, onConn);
    // allowHalfOpen: a client's FIN is passed on (pipe's 'end'), not answered by closing before the broker's last bytes;
    // noDelay (both sides): a relay must not hold a small packet back for Nagle's algorithm
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new TransportError(`cannot listen on ${this.o.host}:${this.o.port}: ${e.message}`, undefined, { cause: e, retryable: false })));
      server.listen(this.o.port, this.o.host, () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  private emptied: (() => void) | undefined;

  /** stop listening and close every connection; resolves once each has reported its close */
  async close(): Promise<void> {
    const listening = new Promise<void>((resolve) => { if (this.server) this.server.close(() => resolve()); else resolve(); });
    const gone = this.live.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => { this.emptied = resolve; });
    for (const id of [...this.live.keys()]) this.drop(id, 'tsdump stopped');
    await Promise.all([listening, gone]);
  }

  /** close one connection (tsdump --strict after a decode error) */
  drop(conn: number, reason: string): void {
    const c = this.live.get(conn);
    if (!c) return;
    c.reason ??= reason;
    c.client.destroy();
    c.broker?.destroy();
  }

  private async accept(client: net.Socket): Promise<void> {
    const id = this.next++;
    const entry: { client: Duplex; broker?: Duplex; reason?: string } = { client };
    this.live.set(id, entry);
    client.pause();
    const clientAddr = `${client.remoteAddress}:${client.remotePort}`;
    let closed = false;
    const finish = (reason: string): void => {
      entry.reason ??= reason;
      if (closed) return;
      closed = true;
      client.destroy();
      entry.broker?.destroy();
      this.live.delete(id);
      this.ev.close(id, entry.reason);
      if (this.live.size === 0) this.emptied?.();
    };
    client.on('error', (e) => finish(`client: ${e.message}`));
    client.on('close', () => finish('client closed'));
    let broker: Duplex;
    try {
      broker = await openTransport(this.o.upstream, this.o.connectTimeoutMs);
    } catch (e) {
      this.ev.open(id, clientAddr, transportTarget(this.o.upstream).target);
      finish(`upstream: ${(e as Error).message}`);
      return;
    }
    if (closed) { broker.destroy(); return; }
    entry.broker = broker;
    (broker as Partial<net.Socket>).setNoDelay?.(true);
    this.ev.open(id, clientAddr, transportTarget(this.o.upstream).target);
    broker.on('error', (e) => finish(`broker: ${e.message}`));
    broker.on('close', () => finish('broker closed'));
    this.pipe(id, client, broker, 'client');
    this.pipe(id, broker, client, 'broker');
    client.resume();
  }

  /** from -> to, chunk by chunk: written first, then tapped; a full `to` pauses `from` */
  private pipe(id: number, from: Duplex, to: Duplex, side: RelaySide): void {
    from.on('data', (chunk: Buffer) => {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
      try {
        this.ev.data(id, side, chunk);
      } catch {
        // the tap must not break the link it watches (the dumper does not throw: belt and braces)
      }
    });
    // half-close travels on: a client's FIN reaches the broker
    from.on('end', () => to.end());
  }
}
