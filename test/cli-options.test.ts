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
  usageError(() => parse('-q', '3'), "-q: invalid QoS '3' (use 0, 1 or 2).");
  usageError(() => parse('-p', 'abc'), "-p: 'abc' is not a number (port: 1-65535).");
  usageError(() => parse('-p', '70000'), '-p: port 70000 is out of range (1-65535).');
  usageError(() => parse('-k', '2'), '-k: keepalive 2 is out of range (5-65535).');
  usageError(() => parse('-V', '6'), "-V: invalid protocol version '6' (use 5, 311 or 31; or mqttv5, mqttv311, mqttv31).");
  usageError(() => parse('-t', 'a/#'), "-t: 'a/#': wildcards (+ #) are not allowed in a topic to publish to.");
  usageError(() => parse('-m', 'x', '-f', 'y'), 'Only one type of message can be sent at once: -m and -f given (use one of -m, -f, -s, -l, -n).');
  usageError(() => parse('-i', 'a', '-I', 'b'), '-i and -I cannot be used together (-i sets the client id, -I a prefix for it).');
  usageError(() => parse('-M', '0'), '-M: max in-flight 0 is out of range (1-65535).');
  usageError(() => parse('--repeat', '0'), '--repeat: repeat count 0 is out of range (1-2147483647).');
  usageError(() => parse('--repeat-delay', 'x'), "--repeat-delay: 'x' is not a number of seconds (e.g. 0.5).");
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
    publish: { contentType: 'text/plain', userProperties: { k: 'v' } },
    connect: { receiveMaximum: 5 },
  });
  usageError(() => parse('-D', 'publish', 'session-expiry-interval', '1'), '-D: session-expiry-interval property not allowed for publish (allowed for connect, connack, disconnect).');
  usageError(() => parse('-D', 'bogus', 'x', '1'), "-D: invalid command 'bogus' (use connect, publish, disconnect, will).");
  usageError(() => parse('-D', 'connect', 'foo', '1'), "-D: invalid property name 'foo'.");
  usageError(() => parse('-D', 'publish', 'user-property', 'k'), '-D argument given but not enough arguments specified (-D publish user-property key value).');
  usageError(() => parse('-D', 'publish', 'message-expiry-interval'), '-D argument given but not enough arguments specified (-D command name value).');
  usageError(() => parse('-D', 'publish', 'payload-format-indicator', '300'), '-D: property value (300) out of range for property payload-format-indicator (0-255).');
  usageError(() => parse('-D', 'publish', 'message-expiry-interval', 'abc'), "-D: property message-expiry-interval needs a number, not 'abc'.");
  usageError(() => parse('-D', 'connect', 'receive-maximum', '0'), '-D: property receive-maximum must not be 0.');
  usageError(() => parse('-D', 'connect', 'request-problem-information', '2'), '-D: property request-problem-information must be 0 or 1.');
  usageError(() => parse('-D', 'publish', 'subscription-identifier', '1'), '-D: subscription-identifier property not supported for publish here (this tool takes properties for connect, publish, disconnect, will).');
  usageError(() => parse('-D', 'pubrel', 'reason-string', 'x'), '-D: reason-string property not supported for pubrel here (this tool takes properties for connect, publish, disconnect, will).');
  usageError(() => groupProperties(parse('-D', 'connect', 'session-expiry-interval', '5', '-D', 'connect', 'session-expiry-interval', '6').properties as PropertyArg[]),
    '-D connect session-expiry-interval given twice (a property other than user-property may appear once).');
  const dup = groupProperties(parse('-D', 'publish', 'user-property', 'a', 'b', '-D', 'publish', 'user-property', 'a', 'c').properties as PropertyArg[]);
  assert.deepEqual(dup.publish, { userProperties: { a: ['b', 'c'] } });
});

test('-L: mosquitto URL forms', () => {
  assert.deepEqual(parseBrokerUrl('mqtt://h/t/x'), { scheme: 'mqtt', host: 'h', port: 1883, username: undefined, password: undefined, topic: 't/x' });
  assert.deepEqual(parseBrokerUrl('mqtts://u:p:w@h:1234/t'), { scheme: 'mqtts', host: 'h', port: 1234, username: 'u', password: 'p:w', topic: 't' });
  assert.deepEqual(parseBrokerUrl('MQTT://u@[::1]:99/a@b'), { scheme: 'mqtt', host: '::1', port: 99, username: 'u', password: undefined, topic: 'a@b' });
  assert.deepEqual(parseBrokerUrl('wss://u:p@a@h/t'), { scheme: 'wss', host: 'h', port: 8883, username: 'u', password: 'p@a', topic: 't' });
  assert.equal(parseBrokerUrl('ws://h').topic, undefined);
  usageError(() => parseBrokerUrl('foo://x/y'), "-L: unsupported URL scheme in 'foo://x/y' (use mqtt://, mqtts://, ws:// or wss://).");
  usageError(() => parseBrokerUrl('mqtt://h:x/t'), "-L: invalid port 'x' in URL 'mqtt://h:x/t' (1-65535).");
  usageError(() => parseBrokerUrl('mqtt:///t'), "-L: invalid URL 'mqtt:///t': no host.");
  usageError(() => parse('-L', 'mqtt://h'), "-L: invalid URL 'mqtt://h': topic missing (mqtt://host/topic).");
  usageError(() => parse('-L', 'mqtt://h/a/+'), "-L: 'a/+': wildcards (+ #) are not allowed in a topic to publish to.");
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
  assert.deepEqual(configPaths('tspub', 'mosquitto_pub', { XDG_CONFIG_HOME: '/x', HOME: '/h' }), ['/x/tspub', '/x/mosquitto_pub']);
  assert.deepEqual(configPaths('tspub', 'mosquitto_pub', { HOME: '/h' }), ['/h/.config/tspub', '/h/.config/mosquitto_pub']);
  assert.deepEqual(configPaths('tspub', undefined, {}), []);
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
  usageError(() => buildSession(parse('-c'), ctx), 'You must provide a client id (-i) if you are using the -c option.');
  usageError(() => buildSession(parse('-c', '-I', 'x'), ctx), 'You must provide a client id (-i) if you are using the -c option.');
  usageError(() => buildSession(parse('-c', '-V', '5'), ctx), 'You must provide a client id (-i) if you are using an infinite session expiry interval.');
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
  usageError(() => t('--cert', 'c', '--cafile', 'x'), 'Both --cert and --key must be given if one of them is set.');
  assert.deepEqual(t('--psk', '0aFF', '--psk-identity', 'i'),
    { kind: 'tls', host: 'localhost', port: 8883, bindAddress: undefined, noDelay: false, tls: { psk: { key: Buffer.from([0x0a, 0xff]), identity: 'i' } } });
  assert.deepEqual(t('--proxy', 'socks5h://u:p:w@proxy', '-h', 'b'),
    { kind: 'tcp', host: 'b', port: 1883, bindAddress: undefined, noDelay: false, proxy: { host: 'proxy', port: 1080, username: 'u', password: 'p:w' } });
  assert.deepEqual((t('--proxy', 'socks5h://[::1]:9050', '--cafile', 'c') as { proxy?: unknown }).proxy, { host: '::1', port: 9050 });
  usageError(() => t('--proxy', 'socks5h://p', '--unix', '/tmp/s'), '--proxy cannot be used with --unix (a SOCKS proxy reaches TCP ports).');
  usageError(() => t('--keyform', 'engine', '--key', 'k', '--cert', 'c'), "--keyform: only 'pem' is supported, not 'engine'.");
  usageError(() => t('--proxy', 'http://x'), 'Unsupported proxy protocol: http://x');
  usageError(() => t('--cafile', 'c', '--tls-version', 'ssl3'), "--tls-version: unknown version 'ssl3' (use tlsv1.3, tlsv1.2 or tlsv1.1).");
});

test('session: will, reconnect policy, password rules', () => {
  const s = buildSession(parse('--will-topic', 'w', '--will-payload', 'bye', '--will-qos', '1', '--will-retain', '--no-reconnect', '--retry-connect',
    '--max-retries', '3', '--reconnect-delay', '0.1', '--reconnect-max-delay', '2'), ctx);
  assert.deepEqual(s.session.will, { topic: 'w', payload: Buffer.from('bye'), qos: 1, retain: true });
  assert.deepEqual(s.reconnect, { enabled: false, retryFirstConnect: true, maxRetries: 3, initialDelayMs: 100, maxDelayMs: 2000 });
  usageError(() => buildSession(parse('--will-payload', 'x'), ctx), 'Will payload given, but no will topic given (--will-topic).');
  usageError(() => buildSession(parse('--will-retain'), ctx), 'Will retain given, but no will topic given (--will-topic).');
  usageError(() => buildSession(parse(), { ...ctx, password: 'p' }), 'A password needs a username (-u) on MQTT 3.1/3.1.1.');
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
    (e: unknown) => e instanceof UsageError && e.message === '-P argument given but no password specified (no terminal to prompt on; use --password-file FILE or TSMQTT_PASSWORD).');
  await assert.rejects(resolvePassword(parse('--password-file', join(dir, 'nope')), io),
    (e: unknown) => e instanceof UsageError && e.message === `--password-file: cannot read '${join(dir, 'nope')}': no such file.`);
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
