// --proxy's URL as mosquitto develop reads it (client_shared.c's socks URL parser and its
// %-decoding; develop's test texts): what each form gives, and the error for each malformed one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyUrl } from '../src/cli/options/proxy-url.ts';
import { UsageError } from '../src/cli/runtime/errors.ts';

const read = (url: string) => proxyUrl(url, '--proxy');

test('--proxy: the forms mosquitto reads, user and password %-decoded (%25 %3A %3a %40)', () => {
  const cases: Array<[string, object]> = [
    ['socks5h://proxy', { host: 'proxy', port: 1080 }],
    ['socks5h://proxy:9050', { host: 'proxy', port: 9050 }],
    ['socks5h://bob@proxy', { host: 'proxy', port: 1080, username: 'bob' }],
    ['socks5h://bob@proxy:9050', { host: 'proxy', port: 9050, username: 'bob' }],
    ['socks5h://bob:pw@proxy', { host: 'proxy', port: 1080, username: 'bob', password: 'pw' }],
    ['socks5h://bob:pw@proxy:9050', { host: 'proxy', port: 9050, username: 'bob', password: 'pw' }],
    // a ':' after the first one, before the '@', belongs to the password
    ['socks5h://u:p:w@proxy', { host: 'proxy', port: 1080, username: 'u', password: 'p:w' }],
    ['socks5h://user:pass%3Aword@host:1081', { host: 'host', port: 1081, username: 'user', password: 'pass:word' }],
    ['socks5h://al%3aice:p%40ss%25w@h', { host: 'h', port: 1080, username: 'al:ice', password: 'p@ss%w' }],
    // decoded once, left to right: %2541 is "%41", not "A"
    ['socks5h://u:%2541@h', { host: 'h', port: 1080, username: 'u', password: '%41' }],
    // C's atoi: trailing text ignored; a host ':' with nothing after it is the default port
    ['socks5h://h:1081x', { host: 'h', port: 1081 }],
    ['socks5h://u:p@h:', { host: 'h', port: 1080, username: 'u', password: 'p' }],
    // ours: IPv6 in brackets, one trailing '/'
    ['socks5h://[::1]:9050', { host: '::1', port: 9050 }],
    ['socks5h://u:p%40@[::1]', { host: '::1', port: 1080, username: 'u', password: 'p@' }],
    ['socks5h://proxy:9050/', { host: 'proxy', port: 9050 }],
  ];
  for (const [url, want] of cases) assert.deepEqual(read(url), want, url);
});

test('--proxy: each malformed URL gets mosquitto develop\'s text (ours "Invalid proxy." where it prints none)', () => {
  const cases: Array<[string, string]> = [
    ['mqtt://localhost', 'Unsupported proxy protocol: mqtt://localhost'],
    ['socks5://h', 'Unsupported proxy protocol: socks5://h'],
    ['SOCKS5H://h', 'Unsupported proxy protocol: SOCKS5H://h'],
    // the password never shows (mosquitto prints it)
    ['http://bob:hunter2@h:3128', 'Unsupported proxy protocol: http://bob:***@h:3128'],
    ['socks5h://', 'Invalid proxy.'],
    ['socks5h://localhost:0', 'Invalid proxy port 0'],
    ['socks5h://localhost:65536', 'Invalid proxy port 65536'],
    ['socks5h://localhost:x', 'Invalid proxy port 0'],
    ['socks5h://username%@localhost', 'Invalid URL encoding in username.'],
    ['socks5h://username%41@localhost', 'Invalid URL encoding in username.'],
    ['socks5h://username:password%@localhost', 'Invalid URL encoding in password.'],
    ['socks5h://username:password%41@localhost', 'Invalid URL encoding in password.'],
    // the host check comes first, then user name, password, port (develop's order)
    ['socks5h://u%41:p%41@h:0', 'Invalid URL encoding in username.'],
    ['socks5h://u:p%41@h:0', 'Invalid URL encoding in password.'],
    // mosquitto fails these without a message
    ['socks5h://:p@h', 'Invalid proxy.'],
    ['socks5h://@h', 'Invalid proxy.'],
    ['socks5h://u:@h', 'Invalid proxy.'],
    ['socks5h://u@h@h', 'Invalid proxy.'],
    ['socks5h://u@h:1:2', 'Invalid proxy.'],
    ['socks5h://host:', 'Invalid proxy.'],
    ['socks5h://u:p@', 'Invalid proxy.'],
    ['socks5h://h/x', 'Invalid proxy.'],
  ];
  for (const [url, message] of cases) {
    assert.throws(() => read(url), (e: unknown) => e instanceof UsageError && e.message === message, url);
  }
});
