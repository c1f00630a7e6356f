// A small SOCKS5 server (RFC 1928 CONNECT, RFC 1929 username/password) on 127.0.0.1 for the
// --proxy tests: our client side is the `socks` package, so two independent implementations meet.
// It records what each client asked for, so a test can see that the host name reached the proxy
// unresolved (socks5h), and the user name and password it authenticated with (as bytes: what
// --proxy's %-decoding produced).
import net from 'node:net';

export interface SocksRequest {
  /** 'domain' | 'ipv4' | 'ipv6' */
  addressType: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export interface SocksProxy {
  port: number;
  requests: SocksRequest[];
  stop(): Promise<void>;
}

/**
 * `auth`: require these credentials; `refuseAll`: answer every CONNECT with 0x02 (not allowed by
 * ruleset); `hosts`: names only this proxy resolves (the client cannot: socks5h must pass them on)
 */
export async function startSocksProxy(opts: { auth?: { username: string; password: string }; refuseAll?: boolean; hosts?: Record<string, string> } = {}): Promise<SocksProxy> {
  const requests: SocksRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buf = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' | 'piping' = 'greeting';
    let username: string | undefined;
    let password: string | undefined;
    const reply = (code: number) => client.write(Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]));
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (stage === 'greeting') {
          if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
          const methods = [...buf.subarray(2, 2 + buf[1]!)];
          buf = buf.subarray(2 + buf[1]!);
          const want = opts.auth ? 2 : 0;
          if (!methods.includes(want)) { client.end(Buffer.from([5, 0xff])); return; }
          client.write(Buffer.from([5, want]));
          stage = opts.auth ? 'auth' : 'request';
        } else if (stage === 'auth') {
          if (buf.length < 2) return;
          const ulen = buf[1]!;
          if (buf.length < 3 + ulen || buf.length < 3 + ulen + buf[2 + ulen]!) return;
          const user = buf.subarray(2, 2 + ulen).toString();
          const plen = buf[2 + ulen]!;
          const pass = buf.subarray(3 + ulen, 3 + ulen + plen).toString();
          buf = buf.subarray(3 + ulen + plen);
          const ok = user === opts.auth!.username && pass === opts.auth!.password;
          if (!ok) { client.end(Buffer.from([1, 1])); return; }
          username = user;
          password = pass;
          client.write(Buffer.from([1, 0]));
          stage = 'request';
        } else if (stage === 'request') {
          if (buf.length < 5) return;
          const cmd = buf[1]!;
          const atyp = buf[3]!;
          const alen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
          if (buf.length < 4 + alen + 2) return;
          const addr = buf.subarray(4, 4 + alen);
          const host = atyp === 3 ? addr.subarray(1).toString() : atyp === 1 ? [...addr].join('.') : addr.toString('hex').replace(/(.{4})(?!$)/g, '$1:');
          const port = buf.readUInt16BE(4 + alen);
          const rest = buf.subarray(4 + alen + 2);
          buf = Buffer.alloc(0);
          requests.push({ addressType: atyp === 3 ? 'domain' : atyp === 1 ? 'ipv4' : 'ipv6', host, port, ...(username !== undefined ? { username, password } : {}) });
          if (cmd !== 1) { reply(7); client.end(); return; } // 7: command not supported
          if (opts.refuseAll) { reply(2); client.end(); return; }
          stage = 'piping';
          client.off('data', onData);
          client.pause();
          const upstream = net.connect({ host: opts.hosts?.[host] ?? (host === 'localhost' ? '127.0.0.1' : host), port });
          sockets.add(upstream);
          upstream.on('close', () => sockets.delete(upstream));
          upstream.once('error', () => { reply(5); client.end(); }); // 5: connection refused
          upstream.once('connect', () => {
            upstream.removeAllListeners('error');
            upstream.on('error', () => client.destroy());
            reply(0);
            if (rest.length) upstream.write(rest);
            client.pipe(upstream);
            upstream.pipe(client);
            client.resume();
          });
          return;
        } else {
          return;
        }
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requests,
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
