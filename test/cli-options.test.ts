// Unit tests of the shared CLI layer: parser, options file, -L, -D, argv → SessionOptions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWords, type Store } from '../src/cli/options/option-spec.ts';
import { PUB_TABLE } from '../src/cli/pub/options.ts';
import { parseOptions } from '../src/cli/options/parse-options.ts';
import { splitConfig, configPaths } from '../src/cli/options/config-file.ts';
import { parseBrokerUrl } from '../src/cli/options/url.ts';
import { buildSession } from '../src/cli/options/session-options.ts';
import { groupProperties, type PropertyArg } from '../src/cli/options/properties.ts';
import { UsageError } from '../src/cli/runtime/errors.ts';
import { exitCodeFor } from '../src/cli/runtime/exit-codes.ts';
import { ConnectionRefusedError, TransportError } from '../src/session/errors.ts';
import { useColor } from '../src/cli/runtime/terminal.ts';
import { resolvePassword } from '../src/cli/options/password.ts';
import { applySrv } from '../src/cli/options/srv.ts';
import { completionScript } from '../src/cli/options/completion.ts';
import { PUB_OPTIONS } from '../src/cli/pub/options.ts';
import { spawnSync } from 'node:child_process';

const parse = (...argv: string[]): Store => {
  const s: Store = {};
  parseWords(PUB_TABLE, argv, s);
  return s;
};
const usageError = (fn: () => unknown, message: string): void => {
  assert.throws(fn, (e: unknown) => e instanceof UsageError && e.message === message);
};
const ctx = { tool: 'tspub', pid: 4242 };

test('parser: values are the next word even when they start with -', () => {
  const s = parse('-t', 'a/b', '-m', '-x', '-q', '1', '-r', '-p', '1884');
  assert.deepEqual(s, { topic: 'a/b', message: '-x', qos: 1, retain: true, port: 1884 });
});

test('parser: --name=value form and long aliases', () => {
  assert.deepEqual(parse('--topic=a', '--message=b=c', '--qos', '2'), { topic: 'a', message: 'b=c', qos: 2 });
});

test('parser: errors name the option', () => {
  usageError(() => parse('-t'), '-t argument given but no topic specified.');
  usageError(() => parse('--foo'), "Unknown option '--foo'.");
  usageError(() => parse('-q', '3'), 'Invalid QoS given: 3');
  usageError(() => parse('-p', 'abc'), 'Invalid port given: abc');
  usageError(() => parse('-p', '70000'), 'Invalid port given: 70000');
  usageError(() => parse('-k', '2'), 'Invalid keepalive given, it must be between 5 and 65535 inclusive.');
  usageError(() => parse('-V', '6'), 'Invalid protocol version argument given.');
  usageError(() => parse('-t', 'a/#'), "Invalid publish topic 'a/#', does it contain '+' or '#'?");
  usageError(() => parse('-m', 'x', '-f', 'y'), 'Only one type of message can be sent at once.');
  usageError(() => parse('-i', 'a', '-I', 'b'), '-i and -I argument cannot be used together.');
  usageError(() => parse('-M', '0'), 'Maximum inflight messages must be greater than 0.');
  usageError(() => parse('--repeat', '0'), '--repeat argument must be >0.');
  usageError(() => parse('--repeat-delay', 'x'), '--repeat-delay argument must be a number of seconds from 0 to 2147483.');
  usageError(() => parse('-r=1'), "Unknown option '-r=1'.");
});

test('parser: -P without a value is a request to prompt', () => {
  assert.equal(parse('-P').password, true);
  assert.equal(parse('-P', '-t', 'a').password, true);
  assert.equal(parse('-P', 'secret').password, 'secret');
});

test('parser: -x spellings of never', () => {
  assert.equal(parse('-x', '-1').sessionExpiry, 0xffffffff);
  assert.equal(parse('-x', '∞').sessionExpiry, 0xffffffff);
  assert.equal(parse('-x', '30').sessionExpiry, 30);
});

test('-D: mosquitto validation', () => {
  const p = parse('-D', 'PUBLISH', 'Content-Type', 'text/plain', '-D', 'publish', 'user-property', 'k', 'v', '-D', 'connect', 'receive-maximum', '5');
  const props = p.properties as PropertyArg[];
  assert.deepEqual(groupProperties(props), {
    publish: { contentType: 'text/plain', userProperties: { k: 'v' }, userPropertyList: [['k', 'v']] },
    connect: { receiveMaximum: 5 },
  });
  usageError(() => parse('-D', 'publish', 'session-expiry-interval', '1'), 'session-expiry-interval property not allowed for publish in --property argument.');
  usageError(() => parse('-D', 'bogus', 'x', '1'), 'Invalid command bogus given in --property argument.');
  usageError(() => parse('-D', 'connect', 'foo', '1'), 'Invalid property name foo given in --property argument.');
  usageError(() => parse('-D', 'publish', 'user-property', 'k'), '--property argument given but not enough arguments specified.');
  usageError(() => parse('-D', 'publish', 'message-expiry-interval'), '--property argument given but not enough arguments specified.');
  usageError(() => parse('-D', 'publish', 'payload-format-indicator', '300'), 'Property value (300) out of range for property payload-format-indicator.');
  usageError(() => parse('-D', 'publish', 'message-expiry-interval', 'abc'), 'Property value (abc) is not a number for property message-expiry-interval.');
  usageError(() => parse('-D', 'connect', 'receive-maximum', '0'), 'Error in CONNECT properties: A network protocol error occurred when communicating with the broker.');
  usageError(() => parse('-D', 'connect', 'request-problem-information', '2'), 'Error in CONNECT properties: A network protocol error occurred when communicating with the broker.');
  usageError(() => parse('-D', 'publish', 'subscription-identifier', '1'), 'subscription-identifier property not supported for publish in --property argument.');
  usageError(() => parse('-D', 'pubrel', 'reason-string', 'x'), 'reason-string property not supported for pubrel in --property argument.');
  usageError(() => groupProperties(parse('-D', 'connect', 'session-expiry-interval', '5', '-D', 'connect', 'session-expiry-interval', '6').properties as PropertyArg[]),
    'Error in CONNECT properties: Duplicate property in property list');
  const dup = groupProperties(parse('-D', 'publish', 'user-property', 'a', 'b', '-D', 'publish', 'user-property', 'a', 'c').properties as PropertyArg[]);
  assert.deepEqual(dup.publish, { userProperties: { a: ['b', 'c'] }, userPropertyList: [['a', 'b'], ['a', 'c']] });
});

test('-L: mosquitto URL forms', () => {
  assert.deepEqual(parseBrokerUrl('mqtt://h/t/x'), { scheme: 'mqtt', host: 'h', port: 1883, username: undefined, password: undefined, topic: 't/x' });
  assert.deepEqual(parseBrokerUrl('mqtts://u:p:w@h:1234/t'), { scheme: 'mqtts', host: 'h', port: 1234, username: 'u', password: 'p:w', topic: 't' });
  assert.deepEqual(parseBrokerUrl('MQTT://u@[::1]:99/a@b'), { scheme: 'mqtt', host: '::1', port: 99, username: 'u', password: undefined, topic: 'a@b' });
  assert.deepEqual(parseBrokerUrl('wss://u:p@a@h/t'), { scheme: 'wss', host: 'h', port: 8883, username: 'u', password: 'p@a', topic: 't' });
  assert.equal(parseBrokerUrl('ws://h').topic, undefined);
  usageError(() => parseBrokerUrl('foo://x/y'), 'Unsupported URL scheme.');
  usageError(() => parseBrokerUrl('mqtt://h:x/t'), 'Invalid port given: x');
  usageError(() => parseBrokerUrl('mqtt:///t'), 'Invalid URL for -L argument specified - host missing.');
  usageError(() => parse('-L', 'mqtt://h'), 'Invalid URL for -L argument specified - topic missing.');
  usageError(() => parse('-L', 'mqtt://h/a/+'), "Invalid publish topic 'a/+', does it contain '+' or '#'?");
  // a later -p overrides the URL's port; -L sets 1883 again after an earlier -p (as mosquitto)
  assert.equal(parse('-L', 'mqtt://h/t', '-p', '2').port, 2);
  assert.equal(parse('-p', '2', '-L', 'mqtt://h/t').port, 1883);
});

test('options file: mosquitto syntax', () => {
  const lines = splitConfig('# comment\n-h broker.example\n\n-m hello  world\r\n  -q 1\n-d\n-D publish user-property k v\n #not a comment\n', PUB_TABLE);
  assert.deepEqual(lines, [
    { line: 2, words: ['-h', 'broker.example'] },
    { line: 4, words: ['-m', 'hello  world'] },
    { line: 5, words: ['-q', '1'] },
    { line: 6, words: ['-d'] },
    { line: 7, words: ['-D', 'publish', 'user-property', 'k', 'v'] },
    { line: 8, words: ['#not', 'a comment'] },
  ]);
  assert.deepEqual(configPaths({ tool: 'tspub', mosquittoTool: 'mosquitto_pub' }, { XDG_CONFIG_HOME: '/x', HOME: '/h' }), ['/x/tspub', '/x/mosquitto_pub']);
  assert.deepEqual(configPaths({ tool: 'tspub', mosquittoTool: 'mosquitto_pub' }, { HOME: '/h' }), ['/h/.config/tspub', '/h/.config/mosquitto_pub']);
  assert.deepEqual(configPaths({ tool: 'tspub' }, {}), []);
});

test('options file: ours first, else mosquitto_pub; the command line wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-cfg-'));
  mkdirSync(join(dir, 'cfg'));
  const env = { XDG_CONFIG_HOME: join(dir, 'cfg') };
  const req = (argv: string[]) => parseOptions({ tool: 'tspub', mosquittoTool: 'mosquitto_pub', table: PUB_TABLE, argv, env });
  writeFileSync(join(dir, 'cfg', 'mosquitto_pub'), '-h from-mosquitto\n-p 1999\n');
  assert.deepEqual(req(['-t', 'a']).store, { host: 'from-mosquitto', port: 1999, topic: 'a' });
  writeFileSync(join(dir, 'cfg', 'tspub'), '-h from-tspub\n-m default message\n-i a\n');
  const r = req(['-p', '2', '-f', '/etc/hostname', '-I', 'pre']);
  assert.equal(r.configFile, join(dir, 'cfg', 'tspub'));
  assert.deepEqual(r.store, { host: 'from-tspub', port: 2, file: '/etc/hostname', idPrefix: 'pre' });
  writeFileSync(join(dir, 'cfg', 'tspub'), '-h x\n--bogus\n');
  usageError(() => req(['-t', 'a']), `${join(dir, 'cfg', 'tspub')} line 2: Unknown option '--bogus'.`);
  assert.equal(req(['--help']).store.help, true);
});

test('session: mosquitto defaults', () => {
  const { session, reconnect } = buildSession(parse('-t', 'a', '-m', 'x'), ctx);
  assert.deepEqual(session.transport, { kind: 'tcp', host: 'localhost', port: 1883, bindAddress: undefined, noDelay: false });
  assert.equal(session.protocolVersion, 4);
  assert.equal(session.keepalive, 60);
  assert.equal(session.clean, true);
  assert.equal(session.clientId, undefined);
  assert.equal(session.maxInflight, 20);
  assert.equal(session.will, undefined);
  assert.deepEqual(reconnect, { enabled: true, retryFirstConnect: false, maxRetries: Infinity, initialDelayMs: 250, maxDelayMs: 10_000 });
});

test('session: ids, clean session, expiry', () => {
  assert.equal(buildSession(parse('-I', 'pre-'), ctx).session.clientId, 'pre-4242');
  const v31 = buildSession(parse('-V', '31'), ctx).session.clientId!;
  assert.match(v31, /^tspub-[A-Za-z0-9]{17}$/);
  usageError(() => buildSession(parse('-c'), ctx), 'You must provide a client id if you are using the -c option.');
  usageError(() => buildSession(parse('-c', '-I', 'x'), ctx), 'You must provide a client id if you are using the -c option.');
  usageError(() => buildSession(parse('-c', '-V', '5'), ctx), 'You must provide a client id if you are using an infinite session expiry interval.');
  const v5 = buildSession(parse('-c', '-V', '5', '-i', 'me'), ctx).session;
  assert.deepEqual(v5.connectProperties, { sessionExpiryInterval: 0xffffffff });
  assert.equal(v5.clean, false);
  assert.deepEqual(buildSession(parse('-V', 'mqttv5', '-x', '30', '-D', 'connect', 'user-property', 'a', 'b'), ctx).session.connectProperties,
    { userProperties: { a: 'b' }, sessionExpiryInterval: 30 });
  assert.equal(buildSession(parse('-x', '30'), ctx).session.connectProperties, undefined);
  assert.equal(buildSession(parse('-D', 'publish', 'content-type', 'x'), ctx).session.protocolVersion, 5);
  usageError(() => buildSession(parse('-D', 'publish', 'content-type', 'x', '-V', '311'), ctx), '-D sets MQTT 5 properties, but -V asks for MQTT 3.1.1; drop -V or use -V 5.');
});

test('session: transports and TLS switches', () => {
  const t = (...a: string[]) => buildSession(parse(...a), ctx).session.transport;
  assert.deepEqual(t('--cafile', 'ca.pem'), { kind: 'tls', host: 'localhost', port: 8883, bindAddress: undefined, noDelay: false, tls: { cafile: 'ca.pem' } });
  assert.deepEqual(t('-p', '8883'), { kind: 'tls', host: 'localhost', port: 8883, bindAddress: undefined, noDelay: false, tls: { useOsCerts: true } });
  assert.deepEqual(t('-L', 'mqtts://h/t', '--insecure', '--tls-version', 'TLSv1.3', '--tls-alpn', 'mqtt'),
    { kind: 'tls', host: 'h', port: 8883, bindAddress: undefined, noDelay: false, tls: { useOsCerts: true, insecure: true, tlsVersion: 'tlsv1.3', alpn: ['mqtt'] } });
  assert.deepEqual(t('-L', 'ws://h:9001/t'), { kind: 'ws', url: 'ws://h:9001/mqtt' });
  assert.deepEqual(t('-L', 'ws://[::1]:9001/t', '--ws-path', 'ws'), { kind: 'ws', url: 'ws://[::1]:9001/ws' });
  assert.deepEqual(t('-L', 'wss://h/t', '--cafile', 'c'), { kind: 'wss', url: 'wss://h:8883/mqtt', tls: { cafile: 'c', useOsCerts: true } });
  assert.deepEqual(t('--unix', '/tmp/s'), { kind: 'unix', path: '/tmp/s' });
  // develop's --ws and --no-tls: MQTT's default ports, --no-tls wins over every TLS switch
  assert.deepEqual(t('--ws', '-h', 'h'), { kind: 'ws', url: 'ws://h:1883/mqtt' });
  assert.deepEqual(t('--ws', '--cafile', 'c', '--tls-keylog', 'k'), { kind: 'wss', url: 'wss://localhost:8883/mqtt', tls: { cafile: 'c', keylog: 'k' } });
  assert.deepEqual(t('--psk', '00', '--psk-identity', 'i', '--tls-use-os-certs', '--no-tls').kind, 'tcp');
  assert.deepEqual(t('--cafile', 'c', '--no-tls', '--tls-keylog', 'k'), { kind: 'tcp', host: 'localhost', port: 1883, bindAddress: undefined, noDelay: false });
  assert.deepEqual(t('-L', 'mqtts://h/t', '--no-tls'), { kind: 'tcp', host: 'h', port: 8883, bindAddress: undefined, noDelay: false });
  assert.deepEqual(t('-L', 'wss://h/t', '--no-tls'), { kind: 'ws', url: 'ws://h:8883/mqtt' });
  assert.deepEqual(t('--ws', '--proxy', 'socks5h://p'), { kind: 'ws', url: 'ws://localhost:1883/mqtt', proxy: { host: 'p', port: 1080 } });
  usageError(() => t('--ws', '--unix', '/tmp/s'), 'WebSockets (--ws, ws://, wss://) cannot be used with --unix.');
  assert.deepEqual(t('-A', '127.0.0.2', '--nodelay', '-h', 'b', '-p', '2'), { kind: 'tcp', host: 'b', port: 2, bindAddress: '127.0.0.2', noDelay: true });
  usageError(() => t('--cert', 'c', '--cafile', 'x'), 'Both certfile and keyfile must be provided if one of them is set.');
  assert.deepEqual(t('--psk', '0aFF', '--psk-identity', 'i'),
    { kind: 'tls', host: 'localhost', port: 8883, bindAddress: undefined, noDelay: false, tls: { psk: { key: Buffer.from([0x0a, 0xff]), identity: 'i' } } });
  assert.deepEqual(t('--proxy', 'socks5h://u:p:w@proxy', '-h', 'b'),
    { kind: 'tcp', host: 'b', port: 1883, bindAddress: undefined, noDelay: false, proxy: { host: 'proxy', port: 1080, username: 'u', password: 'p:w' } });
  assert.deepEqual((t('--proxy', 'socks5h://[::1]:9050', '--cafile', 'c') as { proxy?: unknown }).proxy, { host: '::1', port: 9050 });
  usageError(() => t('--proxy', 'socks5h://p', '--unix', '/tmp/s'), '--proxy cannot be used with --unix (a SOCKS proxy reaches TCP ports).');
  usageError(() => t('--keyform', 'engine', '--key', 'k', '--cert', 'c'), "--keyform engine is not supported by this tool (Node's TLS has no OpenSSL engine support); use a PEM key.");
  usageError(() => t('--proxy', 'http://x'), 'Unsupported proxy protocol: http://x');
  usageError(() => t('--cafile', 'c', '--tls-version', 'ssl3'), 'Problem setting TLS options, check the options are valid.');
});

test('session: will, reconnect policy, password rules', () => {
  const s = buildSession(parse('--will-topic', 'w', '--will-payload', 'bye', '--will-qos', '1', '--will-retain', '--no-reconnect', '--retry-connect',
    '--max-retries', '3', '--reconnect-delay', '0.1', '--reconnect-max-delay', '2'), ctx);
  assert.deepEqual(s.session.will, { topic: 'w', payload: Buffer.from('bye'), qos: 1, retain: true });
  assert.deepEqual(s.reconnect, { enabled: false, retryFirstConnect: true, maxRetries: 3, initialDelayMs: 100, maxDelayMs: 2000 });
  usageError(() => buildSession(parse('--will-payload', 'x'), ctx), 'Will payload given, but no will topic given.');
  usageError(() => buildSession(parse('--will-retain'), ctx), 'Will retain given, but no will topic given.');
  usageError(() => buildSession(parse(), { ...ctx, password: 'p' }), 'Problem setting username and/or password.');
  assert.deepEqual(buildSession(parse('-u', 'u'), { ...ctx, password: 'p' }).session.password, Buffer.from('p'));
});

test('password sources: -P, --password-file, env, prompt', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsmqtt-pw-'));
  writeFileSync(join(dir, 'pw'), 's3cret\r\nignored\n');
  const io = { env: { TSMQTT_PASSWORD: 'fromenv' } };
  assert.equal(await resolvePassword(parse('-P', 'x'), io), 'x');
  assert.equal(await resolvePassword(parse('--password-file', join(dir, 'pw')), io), 's3cret');
  assert.equal(await resolvePassword(parse('-u', 'u'), io), 'fromenv');
  assert.equal(await resolvePassword(parse(), io), undefined);
  assert.equal(await resolvePassword(parse('-u', 'bob', '-P'), { env: {}, prompt: async (q) => `typed:${q}` }), 'typed:Password for bob: ');
  await assert.rejects(resolvePassword(parse('-P'), { env: {} }),
    (e: unknown) => e instanceof UsageError && e.message === '-P argument given but no password specified.');
  await assert.rejects(resolvePassword(parse('--password-file', join(dir, 'nope')), io),
    (e: unknown) => e instanceof UsageError && e.message === `Unable to read --password-file file "${join(dir, 'nope')}": no such file.`);
  await assert.rejects(resolvePassword(parse('-P', 'a', '--password-file', 'b'), io),
    (e: unknown) => e instanceof UsageError && e.message === '-P and --password-file cannot be used together.');
});

test('exit codes: CONNACK reason code on refusal, else 1', () => {
  assert.equal(exitCodeFor(new ConnectionRefusedError(5, 'not authorised')), 5);
  assert.equal(exitCodeFor(new ConnectionRefusedError(0x87, 'not authorized')), 135);
  assert.equal(exitCodeFor(new TransportError('refused')), 1);
  assert.equal(exitCodeFor(new UsageError('x')), 1);
});

test('terminal: NO_COLOR, FORCE_COLOR, --no-color, TTY', () => {
  assert.equal(useColor({ isTTY: true, env: {} }), true);
  assert.equal(useColor({ isTTY: false, env: {} }), false);
  assert.equal(useColor({ isTTY: true, env: { NO_COLOR: '1' } }), false);
  assert.equal(useColor({ isTTY: true, env: {}, noColorFlag: true }), false);
  assert.equal(useColor({ isTTY: false, env: { FORCE_COLOR: '1' } }), true);
  assert.equal(useColor({ isTTY: true, env: { FORCE_COLOR: '0' } }), false);
  assert.equal(useColor({ isTTY: true, env: { TERM: 'dumb' } }), false);
});

test('-S: SRV lookup picks the lowest priority, then the highest weight; errors name the record', async () => {
  const asked: string[] = [];
  const store: Store = { host: 'example.org' };
  await applySrv(store, false, async (name) => {
    asked.push(name);
    return [
      { name: 'b.example.org', port: 1884, priority: 20, weight: 100 },
      { name: 'a.example.org', port: 1883, priority: 10, weight: 1 },
      { name: 'c.example.org', port: 1885, priority: 10, weight: 50 },
    ];
  });
  assert.deepEqual(store, { host: 'c.example.org', port: 1885 });
  await applySrv({}, true, async (name) => { asked.push(name); return [{ name: 'x', port: 1, priority: 0, weight: 0 }]; });
  assert.deepEqual(asked, ['_mqtt._tcp.example.org', '_secure-mqtt._tcp.localhost']);
  await assert.rejects(applySrv({ host: 'h' }, false, async () => { throw Object.assign(new Error('x'), { code: 'ENOTFOUND' }); }),
    { message: '-S: DNS SRV lookup of _mqtt._tcp.h failed (ENOTFOUND).' });
  await assert.rejects(applySrv({ host: 'h' }, false, async () => []), { message: '-S: DNS SRV lookup of _mqtt._tcp.h found no record.' });
});

test('completion: bash script from the option table completes names and values', () => {
  const script = completionScript({ name: 'tspub', specs: PUB_OPTIONS }, 'bash');
  const ask = (words: string[]): string => {
    const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tspub; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    return r.stdout.trim();
  };
  assert.equal(ask(['tspub', '-q', '']), '0 1 2');
  assert.equal(ask(['tspub', '--line-format', 'j']), 'json');
  assert.equal(ask(['tspub', '-V', 'mqttv3']), 'mqttv311 mqttv31');
  assert.equal(ask(['tspub', '--will-r']), '--will-retain');
  assert.equal(ask(['tspub', '-m', '']), '');
  assert.match(completionScript({ name: 'tspub', specs: PUB_OPTIONS }, 'zsh'), /^#compdef tspub\n/);
  usageError(() => completionScript({ name: 'tspub', specs: PUB_OPTIONS }, 'tcsh'), "--completion: unknown shell 'tcsh' (use bash, zsh or fish).");
});
