// A scripted fake broker on our own codec, for faults a real broker won't produce: no PINGRESP,
// refused CONNACKs (v3 and v5 codes), failure reason codes on PUBACK/PUBREC/SUBACK, malformed
// bytes, a stalled socket.
//
//   const fb = await startFakeBroker(async (c) => {       // called once the CONNECT has arrived
//     acceptConnect(c, { reasonCode: c.version === 5 ? 0x86 : 4 });  // refuse: bad user/password
//   });
//   const fb = await startFakeBroker(async (c) => {
//     acceptConnect(c);
//     const p = await c.next('publish');                  // skips (but records) other packets
//     c.send({ cmd: 'puback', messageId: p.messageId, reasonCode: 0x87 });
//   });
//   autoAck(c, { pingresp: false })   // answer the usual packets automatically, except what you turn off
//   fb.port, fb.connections, await fb.nextConnection(), fb.errors (handler/decode errors), await fb.stop()
//   Stalls: simply don't answer (no PINGRESP / no CONNACK), or c.socket.pause() to stop reading so the
//   client's writes back up; malformed bytes: c.sendRaw(Buffer.from([0x20, 0x05, 0, 0])).
//
// The decoder starts in v4 mode; CONNECT is self-describing (mqtt-packet reads its protocol level),
// and the decoder switches to that version synchronously before the next packet is parsed.
// Bytes the codec cannot decode land in c.decodeErrors and the connection is kept open
// (the test decides). Everything is on 127.0.0.1.
import net from 'node:net';
import { encode, Decoder, type Packet, type IConnectPacket, type ProtocolVersion } from '../../src/protocol/codec.ts';

export interface FakeConn {
  socket: net.Socket;
  version: 3 | 4 | 5;
  connect: IConnectPacket;
  /** next packet from the client not yet taken by next(); with cmd, skips other packets (still in received) */
  next(cmd?: string, timeoutMs?: number): Promise<Packet>;
  /** every packet seen, CONNECT first */
  received: Packet[];
  decodeErrors: Error[];
  /** called for every packet after CONNECT, in order (autoAck uses it) */
  onPacket(fn: (p: Packet) => void): void;
  send(p: Packet): void;
  sendRaw(b: Buffer): void;
  /** destroy the socket (abrupt close, no DISCONNECT) */
  close(): void;
  closed: Promise<void>;
}

export interface FakeBroker {
  port: number;
  connections: FakeConn[];
  /** resolves with the next connection whose CONNECT arrives (or the first one not yet taken) */
  nextConnection(timeoutMs?: number): Promise<FakeConn>;
  /** errors thrown by onConnection, and CONNECT-less decode failures */
  errors: Error[];
  stop(): Promise<void>;
}

export function acceptConnect(c: FakeConn, opts: { reasonCode?: number; sessionPresent?: boolean; properties?: Record<string, unknown> } = {}): void {
  const reasonCode = opts.reasonCode ?? 0;
  const sessionPresent = opts.sessionPresent ?? false;
  if (c.version === 5) {
    c.send({ cmd: 'connack', reasonCode, sessionPresent, ...(opts.properties ? { properties: opts.properties } : {}) } as Packet);
  } else {
    c.send({ cmd: 'connack', returnCode: reasonCode, sessionPresent } as Packet);
  }
}

export interface AutoAckOptions {
  /** answer PINGREQ (default true) */
  pingresp?: boolean;
  /** SUBACK granted codes: default = the requested QoS of each subscription */
  suback?: boolean | ((p: Packet & { cmd: 'subscribe' }) => number[]);
  /** PUBACK for QoS 1 (default true, reason code 0) */
  puback?: boolean;
  /** PUBREC for QoS 2 and PUBCOMP for PUBREL (default true) */
  qos2?: boolean;
  unsuback?: boolean;
  /** answer DISCONNECT by closing the socket (default true) */
  disconnect?: boolean;
}

/** Answer the ordinary traffic like a broker that accepts everything (and routes nothing). */
export function autoAck(c: FakeConn, o: AutoAckOptions = {}): void {
  const v5 = c.version === 5;
  c.onPacket((p) => {
    switch (p.cmd) {
      case 'pingreq': if (o.pingresp !== false) c.send({ cmd: 'pingresp' }); break;
      case 'subscribe':
        if (o.suback === false) break;
        c.send({
          cmd: 'suback', messageId: p.messageId,
          granted: typeof o.suback === 'function' ? o.suback(p) : p.subscriptions.map((s) => s.qos),
        } as Packet);
        break;
      case 'unsubscribe':
        if (o.unsuback === false) break;
        c.send({ cmd: 'unsuback', messageId: p.messageId, ...(v5 ? { granted: p.unsubscriptions.map(() => 0) } : {}) } as Packet);
        break;
      case 'publish':
        if (p.qos === 1 && o.puback !== false) c.send({ cmd: 'puback', messageId: p.messageId! });
        if (p.qos === 2 && o.qos2 !== false) c.send({ cmd: 'pubrec', messageId: p.messageId! });
        break;
      case 'pubrel': if (o.qos2 !== false) c.send({ cmd: 'pubcomp', messageId: p.messageId! }); break;
      case 'disconnect': if (o.disconnect !== false) c.close(); break;
      default: break;
    }
  });
}

export async function startFakeBroker(onConnection: (c: FakeConn) => void | Promise<void>): Promise<FakeBroker> {
  const connections: FakeConn[] = [];
  const errors: Error[] = [];
  const sockets = new Set<net.Socket>();
  let taken = 0;
  const connWaiters = new Set<() => void>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => { /* ECONNRESET etc.: the client's business */ });
    let closedResolve!: () => void;
    const closed = new Promise<void>((r) => { closedResolve = r; });
    socket.once('close', () => { sockets.delete(socket); closedResolve(); for (const w of waiters) w(); });
    const queue: Packet[] = [];
    const waiters = new Set<() => void>();
    const listeners: ((p: Packet) => void)[] = [];
    let conn: FakeConn | undefined;

    const decoder: Decoder = new Decoder(4, {
      onPacket(p) {
        if (!conn) {
          if (p.cmd !== 'connect') {
            errors.push(new Error(`fake broker: first packet was ${p.cmd}, not connect`));
            socket.destroy();
            return;
          }
          const version = p.protocolVersion as ProtocolVersion;
          decoder.setVersion(version);
          conn = makeConn(socket, version, p, queue, waiters, listeners, closed);
          conn.received.push(p);
          connections.push(conn);
          for (const w of connWaiters) w();
          Promise.resolve().then(() => onConnection(conn!)).catch((e: unknown) => {
            errors.push(e instanceof Error ? e : new Error(String(e)));
            socket.destroy();
          });
          return;
        }
        conn.received.push(p);
        queue.push(p);
        for (const l of listeners) l(p);
        for (const w of waiters) w();
      },
      onError(err) {
        if (conn) conn.decodeErrors.push(err);
        else errors.push(new Error(`fake broker: undecodable bytes before CONNECT: ${err.message}`));
      },
    });
    socket.on('data', (b: Buffer) => decoder.push(b));
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });

  return {
    port,
    connections,
    errors,
    nextConnection(timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (connections.length > taken) { done(); resolve(connections[taken++]); }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`fake broker: no new connection within ${timeoutMs} ms`)); }, timeoutMs);
        const done = () => { clearTimeout(timer); connWaiters.delete(check); };
        connWaiters.add(check);
        check();
      });
    },
    stop() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function makeConn(socket: net.Socket, version: ProtocolVersion, connect: IConnectPacket, queue: Packet[],
  waiters: Set<() => void>, listeners: ((p: Packet) => void)[], closed: Promise<void>): FakeConn {
  return {
    socket,
    version,
    connect,
    received: [],
    decodeErrors: [],
    closed,
    onPacket: (fn) => { listeners.push(fn); },
    send: (p) => { if (!socket.destroyed) socket.write(encode(p, version)); },
    sendRaw: (b) => { if (!socket.destroyed) socket.write(b); },
    close: () => { socket.destroy(); },
    next(cmd, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          while (queue.length > 0) {
            const p = queue.shift()!;
            if (!cmd || p.cmd === cmd) { done(); resolve(p); return; }
          }
          if (socket.destroyed) { done(); reject(new Error(`fake broker: connection closed while waiting for ${cmd ?? 'a packet'}`)); }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`fake broker: no ${cmd ?? 'packet'} from the client within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
    },
  };
}
