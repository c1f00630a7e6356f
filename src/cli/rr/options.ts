// tsrr's option table: mosquitto_rr's options (the shared ones, -t, -e, -m/-f/-s/-n, the output
// options tssub has, -W, -R), plus ours: -l, -C, --accept-retained, --json and the responder mode
// (--respond, --exec, --max-running, --exec-timeout, --no-reply-on-failure).
import { COMMON_OPTIONS, ID_RULE, TLS_SYNOPSIS, WILL_SYNOPSIS, propertyOption, urlOption, type CommonStore } from '../options/common-options.ts';
import { UsageError } from '../runtime/errors.ts';
import { intIn, optionTable, seconds, SECONDS_RANGE, type OptionSpec, type StoreOf } from '../options/option-spec.ts';
import { MESSAGE_OPTIONS } from '../options/message-options.ts';
import { OUTPUT_OPTIONS, fromOne, waitTimeout } from '../options/output-options.ts';
import { SUBSCRIPTION_OPTIONS } from '../options/subscription-options.ts';
import { checkTopicName } from '../../protocol/topic.ts';
import type { Tool } from '../runtime/setup.ts';

const RR_PROPERTY_COMMANDS = ['connect', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'will'] as const;

/** -e: a topic name, refused in mosquitto_rr's words */
const responseTopic = (raw: string): string => {
  if (checkTopicName(raw)) throw new UsageError(`Invalid response topic '${raw}', does it contain '+' or '#'?`);
  return raw;
};

export const RR_OPTIONS = [
  // -t is checked in check.ts: a topic name for a request, a filter with --respond
  { key: 'topic', names: ['-t', '--topic'], kind: 'value', arg: 'topic', group: 'message', help: 'topic the request is sent to (with --respond: the filter of the requests to answer)' },
  { key: 'responseTopic', names: ['-e'], kind: 'value', arg: 'response topic', group: 'message', help: 'response topic: subscribed to, and sent as the request\'s Response Topic (with --respond: where requests without one are answered)', parse: responseTopic },
  ...MESSAGE_OPTIONS,
  { key: 'count', names: ['-C'], kind: 'value', arg: 'count', group: 'message', help: 'wait for this many replies per request (default 1); with --respond: exit after answering this many requests', parse: fromOne('message count', 2_147_483_647) },
  { key: 'timeout', names: ['-W'], kind: 'value', arg: 'seconds', missing: '-W argument given but no timeout specified.', group: 'message', help: 'give up after this many seconds: "Timed out" and exit 27 (replies that came are printed)', parse: waitTimeout },
  { key: 'noRetain', names: ['-R'], kind: 'flag', group: 'message', help: 'do not take retained ("stale") messages: the default (see --accept-retained)' },
  { key: 'acceptRetained', names: ['--accept-retained'], kind: 'flag', group: 'message', help: 'take retained messages as replies (or requests, with --respond) too' },
  ...SUBSCRIPTION_OPTIONS, // --retain-as-published, --retain-handling (default: never, unless --accept-retained)
  ...OUTPUT_OPTIONS,
  { key: 'respond', names: ['--respond'], kind: 'flag', group: 'message', help: 'responder mode: answer requests on -t with the output of --exec' },
  { key: 'exec', names: ['--exec'], kind: 'value', arg: 'command', group: 'message', help: 'with --respond: run /bin/sh -c command per request, payload on stdin; its stdout is the reply' },
  { key: 'maxRunning', names: ['--max-running'], kind: 'value', arg: 'count', group: 'message', help: 'with --respond: commands running at once, 1-1024 (default 4); more requests wait', parse: intIn(1, 1024, 'command count') },
  { key: 'execTimeout', names: ['--exec-timeout'], kind: 'value', arg: 'seconds', group: 'message', help: `with --respond: stop a command after this long, ${SECONDS_RANGE} seconds (default 30; 0 = never)`, parse: seconds },
  { key: 'noReplyOnFailure', names: ['--no-reply-on-failure'], kind: 'flag', group: 'message', help: 'with --respond: send nothing for a command that fails (default: its stdout, with user property exit-status)' },
  urlOption('name'),
  propertyOption(RR_PROPERTY_COMMANDS),
  ...COMMON_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** tsrr's parsed options, derived from its table (and what resolvePassword settles) */
export type RrStore = StoreOf<typeof RR_OPTIONS> & Pick<CommonStore, 'keyPassphrase'>;

export const RR_TABLE = optionTable(RR_OPTIONS, [
  // mosquitto_rr's words (client_shared.c)
  { set: 'message', message: () => 'Only one type of message can be sent at once.' },
  ID_RULE,
]);

export const RR_SYNOPSIS = [
  '{[-h host] [--unix path] [-p port] [-u username] [-P [password]] -t topic | -L URL} -e response-topic',
  '{-f file | -l | -n | -m message | -s} [-C count] [-W seconds] [--accept-retained]',
  '[-c] [-k keepalive] [-q qos] [-x session-expiry] [-F format | -v | --json] [-N] [--pretty]',
  '[-A bind_address] [--nodelay] [-S] [-i id] [-I id_prefix] [-d] [--quiet]',
  WILL_SYNOPSIS,
  TLS_SYNOPSIS,
  '[-D command name value] [--no-reconnect]',
  '--respond -t filter --exec command [-e topic] [--max-running N] [--exec-timeout seconds] [--no-reply-on-failure]',
];

export const TSRR: Tool<RrStore> = {
  name: 'tsrr',
  mosquittoName: 'mosquitto_rr',
  summary: 'sends a request with an MQTT 5 Response Topic and prints the reply (or answers requests: --respond).',
  synopsis: RR_SYNOPSIS,
  table: RR_TABLE,
  defaultVersion: 5,
  helpBefore: `Requests: tsrr subscribes to -e, and once the broker acknowledges it publishes the request to -t
  with -e as its Response Topic and 16 random bytes as its Correlation Data (-D publish
  correlation-data VALUE: that instead). Only replies on -e carrying that Correlation Data are taken:
  another requester's replies are not; retained replies are skipped unless --accept-retained.
  -C N waits for N replies (several responders); -l sends one request per stdin line over one
  connection and prints each reply as it arrives (--json names the line).
MQTT 3.1.1 (-V 311): there is no Response Topic or Correlation Data. The request goes out plain,
  the first message on -e (not retained) is taken as its reply, nothing is matched (with -l: replies
  answer the requests in the order they were sent); tsrr says so on stderr once.
--json: tssub's JSON object per reply, plus "request": {"line" (with -l), "correlationData",
  "correlationDataEncoding", "rttMs" (from sending the request to the reply)}.
--respond: subscribes to -t and runs --exec's command (/bin/sh -c) for each request, the payload on
  its stdin and MQTT_TOPIC, MQTT_RESPONSE_TOPIC in its environment; its stdout is published to the
  request's Response Topic with its Correlation Data (a request without a Response Topic is
  answered on -e if given, else not at all). At most --max-running commands run at once. A command
  that exits non-zero, is killed or runs past --exec-timeout is still answered: its stdout with the
  user property exit-status = its exit code, the signal's name or "timeout" (MQTT 5), unless
  --no-reply-on-failure (then nothing is sent). Its stderr is tsrr's.
`,
  helpAfter: `tsrr exits 0 once every request has its replies (--respond: after -C, Ctrl+C or SIGTERM), 27 when
  -W runs out ("Timed out" on stderr, after printing the replies that came).
`,
  debugTo: 'stdout',
  prompt: 'always',
};
