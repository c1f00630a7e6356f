// tspub's option table: the shared options plus mosquitto_pub's own, plus ours (line formats,
// --changes-only). Help text, parser and completions read this one table.
import { COMMON_OPTIONS, ID_RULE, type CommonStore, TLS_SYNOPSIS, WILL_SYNOPSIS, propertyOption, topicOption, urlOption } from '../options/common-options.ts';
import { decimal, optionTable, seconds, SECONDS_RANGE, type OptionSpec, type StoreOf } from '../options/option-spec.ts';
import { argError } from '../runtime/errors.ts';
import { parseLineFormat } from '../messages/line-format.ts';
import { parseSpeed, takeRewrite } from '../messages/replay.ts';
import { MESSAGE_OPTIONS } from '../options/message-options.ts';
import type { Tool } from '../runtime/setup.ts';
import { exitStatusHelp, PUB_EXIT } from '../runtime/exit-codes.ts';

const PUB_PROPERTY_COMMANDS = ['connect', 'publish', 'disconnect', 'will'] as const;

/** --repeat: mosquitto's ">0" (a word, which atoi makes 0, too); our upper bound */
const repeatCount = (raw: string): number => {
  const n = decimal(raw);
  if (n === undefined || n < 1) throw argError('--repeat argument must be >0.');
  if (n > 2_147_483_647) throw argError('--repeat argument must be at most 2147483647.');
  return n;
};

/** --repeat-delay: seconds, may be fractional; mosquitto's ">=0.0" for a negative one; milliseconds */
const repeatDelay = (raw: string, name: string): number => {
  if (/^-\d*\.?\d+$/.test(raw.trim())) throw argError('--repeat-delay argument must be >=0.0.');
  return seconds(raw, name);
};

export const PUB_OPTIONS = [
  topicOption('name', 'topic to publish to'),
  ...MESSAGE_OPTIONS,
  { key: 'retain', names: ['-r', '--retain'], kind: 'flag', group: 'message', help: 'retain the message' },
  { key: 'repeat', names: ['--repeat'], kind: 'value', arg: 'N', missing: '--repeat argument given but no count specified.', group: 'message', help: 'publish the -m/-f/-s/-n message N times; {{counter}} {{now_ms}} {{now}} {{random}} {{uuid}} in it are filled in', parse: repeatCount },
  { key: 'repeatDelay', names: ['--repeat-delay'], kind: 'value', arg: 'seconds', missing: '--repeat-delay argument given but no time specified.', group: 'message', help: `wait this long between repeats, ${SECONDS_RANGE} seconds (may be fractional)`, parse: repeatDelay },
  { key: 'lineFormat', names: ['--line-format'], kind: 'value', arg: 'raw|json|tab', group: 'message', help: 'with -l: raw (default); json: {"topic","payload","qos","retain","properties"} per line; tab: topic<TAB>payload', parse: parseLineFormat },
  { key: 'changesOnly', names: ['--changes-only'], kind: 'flag', group: 'message', help: 'with -l: skip a line identical to the last one sent on the same topic' },
  // replay (ours): a recording from tssub --json (or tsdump --json) published again
  { key: 'replay', names: ['--replay'], kind: 'value', arg: 'file', group: 'message', exclusive: 'message', help: 'publish a recording (tssub --json lines) again, with its timing' },
  { key: 'speed', names: ['--speed'], kind: 'value', arg: 'N|max', group: 'message', help: 'with --replay: N times as fast (0.5 = half speed); max: no waiting', parse: parseSpeed },
  { key: 'loop', names: ['--loop'], kind: 'flag', group: 'message', help: 'with --replay: start again at the end, until interrupted' },
  { key: 'topicRewrite', names: ['--topic-rewrite'], kind: 'property', arg: 'from to', group: 'message', repeat: true, help: 'with --replay: a topic starting with "from" starts with "to" instead (repeatable; the first match wins)', take: takeRewrite },
  urlOption('name'),
  propertyOption(PUB_PROPERTY_COMMANDS),
  ...COMMON_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** tspub's parsed options, derived from its table (and what resolvePassword settles) */
export type PubStore = StoreOf<typeof PUB_OPTIONS> & Pick<CommonStore, 'keyPassphrase'>;

export const PUB_TABLE = optionTable(PUB_OPTIONS, [
  { set: 'message', once: true, message: () => 'Only one type of message can be sent at once.' },
  ID_RULE,
]);

export const PUB_SYNOPSIS = [
  '{[-h host] [--unix path] [-p port] [-u username] [-P [password]] -t topic | -L URL}',
  '{-f file | -l | -n | -m message | -s}',
  '[-c] [-k keepalive] [-q qos] [-r] [--repeat N] [--repeat-delay time] [-x session-expiry]',
  '[-A bind_address] [--nodelay] [-S] [-i id] [-I id_prefix] [-d] [--quiet] [-M max_inflight]',
  WILL_SYNOPSIS,
  TLS_SYNOPSIS,
  '[-D command name value] [--line-format raw|json|tab] [--changes-only] [--no-reconnect]',
  '[--replay file [--speed N|max] [--loop] [--topic-rewrite from to]]',
];

export const TSPUB: Tool<PubStore> = {
  name: 'tspub',
  mosquittoName: 'mosquitto_pub',
  summary: 'publishes a message (or one per stdin line) to an MQTT broker and exits.',
  synopsis: PUB_SYNOPSIS,
  table: PUB_TABLE,
  helpAfter: `Examples:
  tspub -t sensors/temperature -m 32 -q 1
  tspub -t sensors/temperature -m 21.5 -r           retained: a new subscriber gets it at once
  tspub -t devices/d1/config -r -n                  an empty retained message clears that topic
  tspub -t cfg/app -f app.json -V 5 -D publish content-type application/json
  tail -f app.log | tspub -t logs/app -l -q 1       one message per line, over one connection
  tspub -L mqtt://broker.example:1883/alerts -m 'disk full'
  tspub --replay rec.jsonl --speed 2 --topic-rewrite live/ test/   a tssub --json recording, again

${exitStatusHelp(PUB_EXIT)}
`,
  debugTo: 'stdout',
  // stdout holds only -d lines: `tspub -d ... | head -1` must still publish everything
  stdoutIsDecoration: true,
  // prompt only when a person is there (a terminal on stdin or stderr); the prompt itself uses /dev/tty
  prompt: 'interactive',
};
