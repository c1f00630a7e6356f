// TCP through a SOCKS5 proxy (--proxy socks5h://[user[:password]@]host[:port]), loaded only when
// used. The `socks` package does the RFC 1928/1929 handshake; the broker's host name goes to the
// proxy unresolved (the "h" of socks5h), as mosquitto sends it.
import type { Socket } from 'node:net';
import { SocksClient } from 'socks';
import type { ProxyOptions } from './types.ts';
import { TransportError } from './errors.ts';
import { describeTransportError } from './transport-errors.ts';

export async function openSocks(proxy: ProxyOptions, host: string, port: number, timeoutMs: number, opts: { bindAddress?: string; noDelay?: boolean }): Promise<Socket> {
  const where = `SOCKS proxy ${proxy.host}:${proxy.port}`;
  try {
    const { socket } = await SocksClient.createConnection({
      command: 'connect',
      proxy: { host: proxy.host, port: proxy.port, type: 5, userId: proxy.username, password: proxy.password },
      destination: { host, port },
      timeout: timeoutMs,
      set_tcp_nodelay: opts.noDelay === true,
      ...(opts.bindAddress ? { socket_options: { host: proxy.host, port: proxy.port, localAddress: opts.bindAddress } } : {}),
    });
    return socket;
  } catch (err) {
    const msg = (err as Error).message;
    // socket errors reach us as text only ("connect ECONNREFUSED 127.0.0.1:1080")
    const code = (err as { code?: string }).code ?? /\b(E[A-Z_]{3,})\b/.exec(msg)?.[1];
    if (code === 'ECONNREFUSED') throw new TransportError(`Connection refused by the ${where}: is the proxy running and listening there?`, code, { cause: err });
    if (code) {
      const described = describeTransportError(Object.assign(new Error(msg), { code }), `${proxy.host}:${proxy.port}`, proxy.host);
      throw new TransportError(`${where}: ${described.message}`, code, { cause: err });
    }
    const rejected = /^Socks5 proxy rejected connection - (\w+)/.exec(msg);
    if (rejected) throw new TransportError(`the ${where} could not connect to ${host}:${port}: ${rejected[1]}`, undefined, { cause: err });
    if (/Authentication failed/.test(msg)) throw new TransportError(`the ${where} refused the username/password given in --proxy`, undefined, { cause: err });
    if (/no accepted authentication type/.test(msg)) {
      throw new TransportError(`the ${where} accepts none of our authentication methods${proxy.username ? '' : ': give socks5h://user:password@host:port'}`, undefined, { cause: err });
    }
    if (/timed out/i.test(msg)) throw new TransportError(`the ${where} did not connect us to ${host}:${port} within ${timeoutMs / 1000}s`, undefined, { cause: err });
    throw new TransportError(`${where}: ${msg}`, undefined, { cause: err });
  }
}
