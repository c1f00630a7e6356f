// tsclear's option table: every shared connection/TLS/auth option, -t/-T/-L as mosquitto_sub has
// them, and tsclear's own (dry run, confirmation, match, snapshot quiet time, JSON). The parser,
// --help and check.ts all read this one table.
import { COMMON_OPTIONS, ID_RULE, TLS_SYNOPSIS, filterOption, propertyOption, topicOption, urlOption, type CommonStore } from '../options/common-options.ts';
import { argError } from '../runtime/errors.ts';
import { intIn, MAX_SECONDS, optionTable, seconds, type OptionSpec, type StoreOf } from '../options/option-spec.ts';
import type { Tool } from '../runtime/setup.ts';
import { exitStatusHelp } from '../runtime/exit-codes.ts';

export const DEFAULT_QUIET_MS = 300;
export const DEFAULT_CONFIRM_ABOVE = 10;

const regex = (raw: string, name: string): RegExp => {
  try {
    return new RegExp(raw, 'u');
  } catch (err) {
    throw argError(`Invalid ${name} regular expression '${raw}': ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/u?: /, '')}.`);
  }
};

const quietTime = (raw: string, name: string): number => {
  const ms = seconds(raw, name);
  if (ms < 1) throw argError(`${name} argument must be more than 0 seconds (e.g. 0.3).`);
  return ms;
};

export const CLEAR_OPTIONS = [
  topicOption('filter', 'topic filter whose retained messages are cleared (repeatable)'),
  filterOption('filterOut', ['-T', '--filter-out'], 'do not clear topics matching this filter (repeatable)'),
  { key: 'match', names: ['--match'], kind: 'value', arg: 'regex', group: 'message', parse: regex, help: 'clear only topics this regular expression (JavaScript syntax) finds a match in' },
  { key: 'dryRun', names: ['-n', '--dry-run'], kind: 'flag', group: 'message', help: 'list what would be cleared (topic, payload bytes, preview) and clear nothing' },
  { key: 'yes', names: ['-y', '--yes'], kind: 'flag', group: 'message', help: 'clear without asking (needed when there is no terminal to ask on)' },
  { key: 'confirmAbove', names: ['--confirm-above'], kind: 'value', arg: 'N', group: 'message', parse: intIn(0, 2_147_483_647, '--confirm-above value'), help: `on a terminal, ask before clearing more than N retained messages (default ${DEFAULT_CONFIRM_ABOVE})` },
  { key: 'quietTime', names: ['--quiet-time'], kind: 'value', arg: 'seconds', group: 'message', parse: quietTime, help: `the snapshot ends this long after the last retained message, more than 0 and up to ${MAX_SECONDS} seconds (default ${DEFAULT_QUIET_MS / 1000}), or earlier when a live message arrives on every filter` },
  { key: 'verify', names: ['--verify'], kind: 'flag', group: 'message', exclusive: 'verify', help: 'read the cleared topics back afterwards (default with MQTT 3.1/3.1.1 and -q 0, where the broker cannot report a refused clear)' },
  { key: 'noVerify', names: ['--no-verify'], kind: 'flag', group: 'message', exclusive: 'verify', help: 'do not read the cleared topics back' },
  { key: 'json', names: ['--json'], kind: 'flag', group: 'output', help: 'print one JSON document: what was found, cleared and failed' },
  { key: 'verbose', names: ['-v', '--verbose'], kind: 'flag', group: 'output', help: 'print each cleared topic on stdout' },
  urlOption('filter'),
  propertyOption(['connect']),
  ...COMMON_OPTIONS.map((s) => (s.key === 'qos' ? { ...s, help: 'QoS of the clearing publishes: 0, 1 or 2 (default 1: every clear is acknowledged)' }
    : s.key === 'protocolVersion' ? { ...s, help: 'MQTT version: 5, 311 or 31 (default 5, where the broker reports a refused clear; 3.1.1 when the broker does not speak 5)' } : s)),
] as const satisfies readonly OptionSpec[];

/** tsclear's parsed options, derived from its table (and what resolvePassword settles) */
export type ClearStore = StoreOf<typeof CLEAR_OPTIONS> & Pick<CommonStore, 'keyPassphrase'>;

export const CLEAR_TABLE = optionTable(CLEAR_OPTIONS, [
  ID_RULE,
  { set: 'verify', message: (a, b) => `${a} and ${b} cannot be used together.` },
]);

export const CLEAR_SYNOPSIS = [
  '{[-h host] [--unix path] [-p port] [-u username] [-P [password]] -t filter ... | -L URL}',
  '[-T filter ...] [--match regex] [-n | --dry-run] [-y | --yes] [--confirm-above N]',
  '[--quiet-time seconds] [-q qos] [--json] [-v] [--verify | --no-verify]',
  '[-c] [-k keepalive] [-x session-expiry] [-A bind_address] [--nodelay] [-i id] [-I id_prefix]',
  '[-d] [--quiet] [-M max_inflight] [-V protocol_version]',
  TLS_SYNOPSIS,
];

/** --help: what it does; CLEAR_AFTER: examples and the exit status */
const CLEAR_HELP = `What it does:
  1. subscribes to the filters (QoS 0) and collects the retained messages the broker sends; the
     snapshot ends when a live message has arrived on every filter, or after --quiet-time without
     a retained message. With -c, only topics under the filters count; MQTT 5 also leaves out
     what older subscriptions of the session deliver (by a subscription identifier), MQTT 3.1.1
     cannot tell them apart, so there only --quiet-time ends the snapshot;
  2. drops topics matching -T or not matching --match;
  3. --dry-run: prints "topic<TAB>bytes<TAB>preview" per topic and stops; otherwise asks on a
     terminal (above --confirm-above), or needs --yes when there is no terminal;
  4. publishes an empty retained message to each topic (QoS 1 unless -q), pipelined;
  5. MQTT 3.1/3.1.1 or -q 0: reads the topics back, since the broker cannot report a refused clear.
  A summary goes to stderr; --json prints the full report on stdout.
`;

const CLEAR_AFTER = `Examples:
  tsclear -t 'devices/#' --dry-run                    list what would be cleared
  tsclear -t 'devices/#' -T 'devices/+/config' --yes  clear all but the config topics
  tsclear -t 'test/#' --match '^test/tmp-' --json --yes

${exitStatusHelp({
    success: 'everything found was cleared, or nothing was found, or --dry-run listed it',
    failure: 'also a clear the broker refused (each topic is named with the reason code), or no confirmation (--yes)',
  })}
`;

export const TSCLEAR: Tool<ClearStore> = {
  name: 'tsclear',
  summary: 'finds the retained messages under topic filters and clears them, safely: --dry-run first.',
  synopsis: CLEAR_SYNOPSIS,
  table: CLEAR_TABLE,
  helpBefore: `${CLEAR_HELP}\n`,
  helpAfter: CLEAR_AFTER,
  // a v5 broker reports a refused clear in its PUBACK; connect.ts falls back to 3.1.1 when the broker does not speak 5
  defaultVersion: 5,
  // stdout carries the dry-run list / JSON, so packet lines go to stderr
  debugTo: 'stderr',
  prompt: 'always',
};
