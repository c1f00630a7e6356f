// tsdump's option table: proxy (--listen, --to, the shared TLS options for the upstream,
// --listen-cert/--listen-key), capture files (-r, --port), output and filters. No mosquitto model:
// what it shares with the other tools (TLS, -V, --connect-timeout, output policy) comes from the
// shared table unchanged.
import { COMMON_OPTIONS, type CommonStore, TLS_SYNOPSIS } from '../options/common-options.ts';
import { intIn, optionTable, withoutOptions, type OptionSpec, type StoreOf } from '../options/option-spec.ts';
import { topicFilter } from '../options/topic-options.ts';
import { UsageError } from '../runtime/errors.ts';
import type { Tool } from '../runtime/setup.ts';
import { exitStatusHelp } from '../runtime/exit-codes.ts';
import { PACKET_TYPES, type PacketType } from '../../protocol/dump-decode.ts';
import { PAYLOAD_MODES, type PayloadMode } from './payload-view.ts';

/** the shared options that mean nothing to a relay: it makes no connection of its own */
const SHARED = withoutOptions(COMMON_OPTIONS, 'host', 'port', 'unix', 'bindAddress', 'srv', 'clientId', 'idPrefix', 'keepalive',
  'disableClean', 'sessionExpiry', 'maxInflight', 'qos', 'username', 'password', 'passwordFile', 'willTopic', 'willPayload',
  'willQos', 'willRetain', 'noReconnect', 'retryConnect', 'maxRetries', 'reconnectDelay', 'reconnectMaxDelay');

export interface HostPort {
  host: string;
  port: number;
}

/** [host:]port, host:port, [v6]:port */
function hostPort(needHost: boolean) {
  return (raw: string, name: string): HostPort => {
    const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d+)$/.exec(raw);
    const host = m?.[1]?.replace(/^\[|\]$/g, '');
    if (!m || (needHost && !host)) throw new UsageError(`${name}: '${raw}' is not ${needHost ? 'host:port' : '[host:]port'}.`);
    return { host: host || '127.0.0.1', port: intIn(needHost ? 1 : 0, 65535, 'port')(m[2]!, name) };
  };
}

const packetTypes = (raw: string, name: string): PacketType[] => raw.split(',').map((t) => {
  const type = t.trim().toLowerCase() as PacketType;
  if (!PACKET_TYPES.includes(type) || type === 'reserved') {
    throw new UsageError(`${name}: unknown packet type '${t}' (use ${PACKET_TYPES.slice(1).join(', ')}).`);
  }
  return type;
});

const payloadMode = (raw: string, name: string): PayloadMode => {
  if (!(PAYLOAD_MODES as readonly string[]).includes(raw)) throw new UsageError(`${name}: '${raw}' is not one of ${PAYLOAD_MODES.join(', ')}.`);
  return raw as PayloadMode;
};

export const DUMP_OPTIONS = [
  { key: 'listen', names: ['--listen'], kind: 'value', arg: '[host:]port', group: 'connection', help: 'proxy mode: listen here (host 127.0.0.1 unless given; port 0 = any free one)', parse: hostPort(false) },
  {
    key: 'to', names: ['--to'], kind: 'value', arg: 'host:port', group: 'connection', help: 'proxy mode: forward each connection to this broker (TLS with --cafile etc.)', parse: hostPort(true),
    apply(store: { to?: HostPort; host?: string; port?: number }, v: HostPort): void { store.to = v; store.host = v.host; store.port = v.port; },
  },
  { key: 'listenCert', names: ['--listen-cert'], kind: 'value', arg: 'file', group: 'connection', help: 'proxy mode: terminate TLS with this certificate (PEM; needs --listen-key)' },
  { key: 'listenKey', names: ['--listen-key'], kind: 'value', arg: 'file', group: 'connection', help: 'the private key of --listen-cert (PEM)' },
  { key: 'read', names: ['-r', '--read'], kind: 'value', arg: 'file', group: 'connection', help: 'capture mode: read a pcap or pcapng file (- = standard input)' },
  { key: 'capturePort', names: ['--port'], kind: 'value', arg: 'port', group: 'connection', help: 'capture mode: MQTT is the TCP traffic to and from this port (default 1883)', parse: intIn(1, 65535, 'port') },
  { key: 'json', names: ['--json'], kind: 'flag', group: 'output', help: 'one JSON object per packet and connection event (README: "tsdump --json")' },
  { key: 'types', names: ['--type'], kind: 'value', arg: 'types', group: 'output', repeat: true, help: 'print only these packet types, e.g. publish,subscribe (repeatable)', parse: packetTypes },
  { key: 'noPing', names: ['--no-ping'], kind: 'flag', group: 'output', help: 'leave out PINGREQ and PINGRESP' },
  { key: 'noAcks', names: ['--no-acks'], kind: 'flag', group: 'output', help: 'leave out PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK' },
  { key: 'clientIds', names: ['--client-id'], kind: 'value', arg: 'id', group: 'output', repeat: true, help: 'print only connections with this client id (repeatable)' },
  { key: 'topics', names: ['--topic'], kind: 'value', arg: 'filter', group: 'output', repeat: true, help: 'print only packets on topics matching this filter (MQTT wildcards; repeatable), and their acks', parse: topicFilter },
  { key: 'payload', names: ['--payload'], kind: 'value', arg: 'text|hex|base64|json', group: 'output', help: 'how a payload shows in a line (default text, control characters escaped)', parse: payloadMode },
  { key: 'maxPayload', names: ['--max-payload'], kind: 'value', arg: 'bytes', group: 'output', help: 'show at most this many payload bytes (default 256 in lines, all in --json)', parse: intIn(0, 268_435_455, 'payload size') },
  { key: 'showPasswords', names: ['--show-passwords'], kind: 'flag', group: 'output', help: 'show CONNECT passwords (default ***)' },
  { key: 'strict', names: ['--strict'], kind: 'flag', group: 'output', help: 'close a connection whose stream cannot be decoded (default: report it, forward the bytes)' },
  ...SHARED,
] as const satisfies readonly OptionSpec[];

export type DumpStore = StoreOf<typeof DUMP_OPTIONS> & Pick<CommonStore, 'keyPassphrase'>;

export const DUMP_TABLE = optionTable(DUMP_OPTIONS);

export const TSDUMP: Tool<DumpStore> = {
  name: 'tsdump',
  summary: 'prints MQTT traffic packet by packet: as a proxy between clients and a broker, or from a pcap/pcapng capture.',
  synopsis: [
    '--listen [host:]port --to host:port [--listen-cert file --listen-key file] [--strict]',
    '-r file|- [--port port]',
    '[--json] [--type types] [--no-ping] [--no-acks] [--client-id id] [--topic filter]',
    '[--payload text|hex|base64|json] [--max-payload bytes] [--show-passwords] [-V version]',
    TLS_SYNOPSIS,
  ],
  table: DUMP_TABLE,
  helpAfter: `-V sets how a stream without its CONNECT (a capture started mid-connection) is read (default 311).

Examples:
  tsdump --listen 1884 --to broker.local:1883           clients connect to 127.0.0.1:1884
  tsdump --listen 0.0.0.0:8883 --listen-cert s.pem --listen-key s.key --to broker:8883 --cafile ca.pem
  tsdump --listen 1884 --to localhost:1883 --json --type publish | jq .topic
  tcpdump -i eth0 -w - port 1883 | tsdump -r -
  tsdump -r capture.pcapng --no-ping --topic 'sensors/#'

${exitStatusHelp({ success: 'the capture was read, or the proxy was stopped (Ctrl+C)', failure: 'an unreadable capture, a port already in use' })}
`,
  debugTo: 'stderr',
  prompt: 'interactive',
};
