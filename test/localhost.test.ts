// "localhost" is read from the hosts file (no resolver start-up), in file order, trying the next
// address when one refuses, as getaddrinfo's callers do; anything else takes the normal lookup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localhostAddresses } from '../src/session/localhost.ts';
import { openTransport } from '../src/session/transport.ts';
import { TransportError } from '../src/session/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
function hostsFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('the addresses of localhost, in file order, from a hosts file with comments, aliases and IPv6', () => {
  const f = hostsFile('hosts', [
    '# static table',
    '127.0.1.1\tvm.example vm',
    '::1     ip6-localhost ip6-loopback LOCALHOST  # IPv6 first here',
    '127.0.0.1 localhost.localdomain localhost',
    '127.0.0.1 localhost',
    'fe80::1%eth0 localhost',
    '#10.0.0.1 localhost',
    'garbage localhost',
    '',
  ].join('\n'));
  assert.deepEqual(localhostAddresses('localhost', f), ['::1', '127.0.0.1']);
  assert.deepEqual(localhostAddresses('LocalHost', f), ['::1', '127.0.0.1']);
  assert.deepEqual(localhostAddresses('vm', f), []);
  assert.deepEqual(localhostAddresses('127.0.0.1', f), []);
  assert.deepEqual(localhostAddresses('localhost', hostsFile('none', '127.0.0.1 other\n')), []);
  assert.deepEqual(localhostAddresses('localhost', join(dir, 'missing')), []);
});

test('openTransport tries each address of localhost until one accepts, and names localhost when none does', async () => {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    // nothing listens on 127.0.0.2 or ::1 at that port: refused (or no IPv6 at all), then 127.0.0.1
    const f = hostsFile('refusing-first', `127.0.0.2 localhost\n::1 localhost\n127.0.0.1 localhost\n`);
    const accepted = new Promise<string>((r) => server.once('connection', (s) => r(s.localAddress!)));
    const sock = await openTransport({ kind: 'tcp', host: 'localhost', port }, 2000, f);
    assert.equal(await accepted, '127.0.0.1');
    (sock as net.Socket).destroy();

    // -A 127.0.0.1 skips ::1 (a bind address reaches only its own family)
    const v6first = hostsFile('v6-first', `::1 localhost\n127.0.0.1 localhost\n`);
    const bound = new Promise<string>((r) => server.once('connection', (s) => r(s.remoteAddress!)));
    const sock2 = await openTransport({ kind: 'tcp', host: 'localhost', port, bindAddress: '127.0.0.1' }, 2000, v6first);
    assert.equal(await bound, '127.0.0.1');
    (sock2 as net.Socket).destroy();

    const none = hostsFile('refusing-all', '127.0.0.2 localhost\n');
    const err = await openTransport({ kind: 'tcp', host: 'localhost', port }, 2000, none).then(() => assert.fail('connected'), (e: unknown) => e);
    assert.ok(err instanceof TransportError);
    assert.equal(err.message, `Connection refused by localhost:${port}: is the broker running and listening there?`);
  } finally {
    server.close();
  }
});
