// tsbench's option table: the shared connection, auth, TLS, protocol and -D options (the same
// table as tspub's, without -c and -i: -c is emqtt-bench's client count here, and one id cannot
// name many clients; -I is the client-id prefix), plus the bench options of issue 14 (names kept
// exactly: scripts and CI rely on them).
import { COMMON_OPTIONS, TLS_SYNOPSIS, propertyOption, urlOption, type CommonStore } from '../options/common-options.ts';
import { intIn, optionTable, seconds, withoutOptions, type OptionSpec, type StoreOf } from '../options/option-spec.ts';
import { UsageError } from '../runtime/errors.ts';
import { topicFilter } from '../options/topic-options.ts';
import { HEADER_SIZE } from './header.ts';
import { parseFailIf, type Threshold } from './fail-if.ts';
import { parseShard, type Shard } from './shard.ts';
import { EXIT } from '../runtime/exit-codes.ts';
import type { Subcommand, Tool } from '../runtime/setup.ts';
import { exitStatusHelp } from '../runtime/exit-codes.ts';
import { MERGE_TABLE } from './merge-options.ts';

/** the argument a worker thread runs the binary with (coordinator.ts) */
export const WORKER_FLAG = '--bench-worker';

export const SCENARIOS = ['conn', 'pub', 'sub', 'pubsub'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** MQTT's largest payload, roughly: the remaining length is at most 268435455 bytes */
const MAX_SIZE = 268_435_000;

/** messages (or connections) per second: a positive decimal number */
const rate = (raw: string, name: string): number => {
  const s = raw.trim();
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(s) || Number(s) <= 0 || Number(s) > 1e9) {
    throw new UsageError(`${name}: '${raw}' is not a rate (messages per second, more than 0, e.g. 100 or 0.5).`);
  }
  return Number(s);
};

/** -t: a topic template (%i and %c replaced, then a topic name; sub: a filter), checked in check.ts */
const topicTemplate = (raw: string, name: string): string => {
  if (raw === '') throw new UsageError(`${name}: the topic must not be empty.`);
  return raw;
};

const payloadSize = (raw: string, name: string): number => {
  const n = intIn(0, MAX_SIZE, 'payload size')(raw, name);
  if (n < HEADER_SIZE) throw new UsageError(`${name}: payload size ${n} is smaller than tsbench's header (${HEADER_SIZE} bytes: run id, publisher, sequence number, send time).`);
  return n;
};

const failIf = (raw: string, name: string): Threshold => parseFailIf(raw, name);

const BENCH_PROPERTY_COMMANDS = ['connect', 'publish', 'subscribe', 'disconnect'] as const;

export const BENCH_OPTIONS = [
  { key: 'clients', names: ['-c', '--clients'], kind: 'value', arg: 'N', group: 'message', help: 'clients of the scenario: publishers (pub), subscribers (sub), connections (conn); default 1', parse: intIn(1, 1_000_000, 'client count') },
  { key: 'publishers', names: ['--publishers'], kind: 'value', arg: 'N', group: 'message', help: 'pubsub: publishers (default 1)', parse: intIn(1, 1_000_000, 'publisher count') },
  { key: 'subscribers', names: ['--subscribers'], kind: 'value', arg: 'N', group: 'message', help: 'pubsub: subscribers (default 1)', parse: intIn(1, 1_000_000, 'subscriber count') },
  { key: 'topic', names: ['-t', '--topic'], kind: 'value', arg: 'topic', group: 'message', help: 'topic template: %i = client index, %c = message counter (default tsbench/%i); sub: the filter', parse: topicTemplate },
  { key: 'filter', names: ['--filter'], kind: 'value', arg: 'filter', group: 'message', help: "pubsub: the subscribers' filter (default: -t with each level holding %i or %c as +; $share/GROUP/... for shared)", parse: topicFilter },
  { key: 'size', names: ['-s', '--size'], kind: 'value', arg: 'bytes', group: 'message', help: `payload size, at least the ${HEADER_SIZE}-byte header (default ${HEADER_SIZE})`, parse: payloadSize },
  { key: 'message', names: ['-m', '--message'], kind: 'value', arg: 'template', group: 'message', help: `payload template after the ${HEADER_SIZE}-byte header: %i client index, %c message counter, {{now_ms}} {{now}} {{random}} {{uuid}} (instead of -s)` },
  { key: 'retain', names: ['--retain'], kind: 'flag', group: 'message', help: 'publish retained messages' },
  { key: 'rate', names: ['-r', '--rate'], kind: 'value', arg: 'msg/s', group: 'message', help: 'messages per second per publisher (conn: connections per second); default: as fast as -M allows', parse: rate },
  { key: 'totalRate', names: ['--total-rate'], kind: 'value', arg: 'msg/s', group: 'message', help: 'messages (conn: connections) per second, all clients together', parse: rate },
  { key: 'count', names: ['--count'], kind: 'value', arg: 'N', group: 'message', help: 'messages per publisher (conn: connections); with --duration, whichever ends first', parse: intIn(1, 2_147_483_647, 'count') },
  { key: 'duration', names: ['--duration'], kind: 'value', arg: 'seconds', group: 'message', help: 'measured run time (default 10 without --count; conn: how long the connections are held)', parse: seconds },
  { key: 'warmup', names: ['--warmup'], kind: 'value', arg: 'seconds', group: 'message', help: 'a first period left out of the figures (default 0)', parse: seconds },
  { key: 'json', names: ['--json'], kind: 'flag', group: 'output', help: 'print the summary as JSON (schema tsbench/1; histograms encoded so runs can be merged)' },
  { key: 'csv', names: ['--csv'], kind: 'value', arg: 'file', group: 'output', help: 'write the per-second series as CSV' },
  { key: 'html', names: ['--html'], kind: 'value', arg: 'file', group: 'output', help: 'write a self-contained HTML report' },
  { key: 'failIf', names: ['--fail-if'], kind: 'value', arg: 'expr', group: 'output', repeat: true, help: `exit ${EXIT.THRESHOLD} when true: [e2e.|ack.|connect.]p50|p90|p99|p999|p9999|max, loss, duplicates, reordered, errors, rate; e.g. 'p99>20ms', 'loss>0', 'rate<1000'`, parse: failIf },
  { key: 'workers', names: ['--workers'], kind: 'value', arg: 'N', group: 'misc', help: 'worker threads sharing the clients (default: the number of cores)', parse: intIn(1, 256, 'worker count') },
  { key: 'shard', names: ['--shard'], kind: 'value', arg: 'K/N', group: 'misc', help: 'this machine is shard K of N: its own client ids and topics (merge the JSON with tsbench merge)', parse: (raw: string, name: string): Shard => parseShard(raw, name) },
  { key: 'noSys', names: ['--no-sys'], kind: 'flag', group: 'misc', help: "do not read the broker's $SYS counters before and after" },
  urlOption('name'),
  propertyOption(BENCH_PROPERTY_COMMANDS),
  ...withoutOptions(COMMON_OPTIONS, 'disableClean', 'clientId'),
] as const satisfies readonly OptionSpec[];

export type BenchStore = StoreOf<typeof BENCH_OPTIONS> & Pick<CommonStore, 'keyPassphrase'>;

export const BENCH_TABLE = optionTable(BENCH_OPTIONS);

export const BENCH_SYNOPSIS = [
  'conn|pub|sub|pubsub [-h host[,host...]] [-p port] [-u username] [-P password] [-V 5|311|31] [-I id_prefix]',
  '[-c clients | --publishers N --subscribers N] [-t topic] [--filter filter] [-s bytes] [-q qos] [-M inflight]',
  '[-r msg/s | --total-rate msg/s] [--count N] [--duration seconds] [--warmup seconds] [--retain]',
  "[--json] [--csv file] [--html file] [--fail-if 'p99>20ms' ...] [--workers N] [--shard K/N] [--no-sys]",
  '[-D command name value] [--ws] [-L URL]',
  TLS_SYNOPSIS,
  'merge FILE... [--json] [--csv file] [--html file]',
];

/** the scenarios share the tool's table; merge has its own (completions/ and the man page list them) */
const NO_OPTIONS = optionTable([]);
export const BENCH_SUBCOMMANDS: readonly Subcommand[] = [
  { name: 'conn', summary: 'open -c connections (at -r per second) and hold them for --duration: connect-time percentiles', table: NO_OPTIONS },
  { name: 'pub', summary: '-c publishers, --count messages each or for --duration: publish-to-PUBACK/PUBCOMP latency', table: NO_OPTIONS },
  { name: 'sub', summary: '-c subscribers to -t: receive rates; loss, duplicates, reordering, e2e latency of a tsbench pub', table: NO_OPTIONS },
  { name: 'pubsub', summary: '--publishers and --subscribers in one run: end-to-end latency, loss, duplicates, reordering', table: NO_OPTIONS },
  { name: 'merge', summary: 'add up the --json summaries of several runs (shards): counts add, histograms merge', table: MERGE_TABLE },
];

export const TSBENCH: Tool<BenchStore> = {
  name: 'tsbench',
  summary: 'MQTT load and latency benchmarks: conn, pub, sub and pubsub scenarios, percentiles, a JSON summary.',
  synopsis: BENCH_SYNOPSIS,
  table: BENCH_TABLE,
  helpBefore: `Scenarios:
  conn     open -c connections (at -r per second), hold them for --duration; connect-time percentiles
  pub      -c publishers, --count messages each or for --duration; publish-to-PUBACK/PUBCOMP latency
  sub      -c subscribers to -t (a filter); receive rates; loss, duplicates, reordering and end-to-end
           latency when the messages carry tsbench's header (a tsbench pub elsewhere)
  pubsub   --publishers and --subscribers in one run: end-to-end latency, loss, duplicates, reordering
  merge    tsbench merge FILE... [--json] [--csv file] [--html file]: the --json summaries of several
           runs (--shard K/N on N machines; '-' is standard input) added up, printed as one run's
Load is open loop: sends follow a schedule at the requested rate and latency is measured from the
  scheduled send time, bounded by -M messages in flight per client.
`,
  subcommands: BENCH_SUBCOMMANDS,
  helpAfter: `Examples:
  tsbench pub -c 4 -q 1 --count 10000                4 publishers, 10,000 messages each, PUBACK latency
  tsbench pubsub -r 1000 --duration 30 --warmup 5 --fail-if 'p99>20ms' --fail-if 'loss>0'
  tsbench conn -c 10000 -r 500 --duration 60         10,000 connections at 500/s, held for a minute
  tsbench pub -c 100 --shard 2/4 --json > s2.json    machine 2 of 4; then: tsbench merge s*.json

${exitStatusHelp({
    success: 'the run ended (--count, --duration, or Ctrl+C, SIGTERM: the summary so far); merge: the summary printed',
    failure: 'also when no client could connect, or a --csv/--html file cannot be written, or a merge input is not a summary',
    more: [[EXIT.THRESHOLD, 'a --fail-if threshold was true (each one that was, on stderr)']],
  })}
`,
  debugTo: 'stderr',
  prompt: 'interactive',
};
