// tssub's option table: the shared options plus mosquitto_sub's own, plus ours (--json, --snapshot).
import { COMMON_OPTIONS, ID_RULE, TLS_SYNOPSIS, WILL_SYNOPSIS, filterOption, propertyOption, topicOption, urlOption, type CommonStore } from '../options/common-options.ts';
import { argError } from '../runtime/errors.ts';
import { MAX_SECONDS, optionTable, type OptionSpec, type StoreOf } from '../options/option-spec.ts';
import type { Tool } from '../runtime/setup.ts';
import { OUTPUT_OPTIONS, fromOne, waitTimeout } from '../options/output-options.ts';
import { SUBSCRIPTION_OPTIONS } from '../options/subscription-options.ts';
import { exitStatusHelp } from '../runtime/exit-codes.ts';

const SUB_PROPERTY_COMMANDS = ['connect', 'subscribe', 'unsubscribe', 'disconnect', 'will'] as const;

/** --random-filter: percentage 0.1-100 (may be fractional), kept as hundredths of a percent */
const percent = (raw: string): number => {
  const s = raw.trim();
  const n = Number(s);
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(s) || n < 0.1 || n > 100) throw argError('--random-filter chance must be between 0.1-100.0');
  return Math.round(n * 100);
};

export const SUB_OPTIONS = [
  topicOption('filter', 'topic filter to subscribe to (repeatable)'),
  filterOption('filterOut', ['-T', '--filter-out'], 'do not print messages whose topic matches this filter (repeatable)'),
  filterOption('unsubscribe', ['-U', '--unsubscribe'], 'unsubscribe from this filter after subscribing (repeatable)'),
  { key: 'count', names: ['-C'], kind: 'value', arg: 'count', group: 'message', help: 'exit after printing this many messages', parse: fromOne('message count', 2_147_483_647) },
  { key: 'timeout', names: ['-W'], kind: 'value', arg: 'seconds', missing: '-W argument given but no timeout specified.', group: 'message', help: `stop after this many seconds, 1-${MAX_SECONDS}; "Timed out" and exit 27 if it ran out`, parse: waitTimeout },
  { key: 'exitAfterSub', names: ['-E'], kind: 'flag', group: 'message', help: 'exit once every subscription is acknowledged' },
  { key: 'noRetain', names: ['-R'], kind: 'flag', group: 'message', help: 'do not print retained ("stale") messages' },
  { key: 'retainedOnly', names: ['--retained-only'], kind: 'flag', group: 'message', help: 'print only retained messages; exit on the first live one' },
  { key: 'snapshot', names: ['--snapshot'], kind: 'flag', group: 'message', help: 'print the retained messages, then exit 0 once no more arrive (0.5 s quiet after the SUBACK; implies --retained-only)' },
  { key: 'removeRetained', names: ['--remove-retained'], kind: 'flag', group: 'message', help: 'clear each retained message received (respects -T)' },
  ...SUBSCRIPTION_OPTIONS, // --retain-as-published, --retain-handling (-R implies never)
  { key: 'noLocal', names: ['--no-local'], kind: 'flag', group: 'message', help: 'MQTT 5 subscription option: do not receive the messages this client publishes (ours; not on $share/ filters)' },
  { key: 'randomFilter', names: ['--random-filter'], kind: 'value', arg: 'percent', missing: '--random-filter argument given but no chance specified.', group: 'message', help: 'print only about this percentage of messages', parse: percent },
  ...OUTPUT_OPTIONS,
  { key: 'watch', names: ['-w', '--watch'], kind: 'flag', group: 'output', help: 'on a terminal: one fixed line per topic, updated in place (elsewhere: ignored)' },
  urlOption('filter'),
  propertyOption(SUB_PROPERTY_COMMANDS),
  // -M too: mosquitto_sub takes it (it bounds --remove-retained's clearing publishes)
  ...COMMON_OPTIONS,
] as const satisfies readonly OptionSpec[];

/** tssub's parsed options, derived from its table (and what resolvePassword settles) */
export type SubStore = StoreOf<typeof SUB_OPTIONS> & Pick<CommonStore, 'keyPassphrase'>;

export const SUB_TABLE = optionTable(SUB_OPTIONS, [
  ID_RULE,
]);

export const SUB_SYNOPSIS = [
  '{[-h host] [--unix path] [-p port] [-u username] [-P [password]] -t topic ... | -L URL [-t topic ...]}',
  '[-c] [-k keepalive] [-q qos] [-x session-expiry] [-C count] [-E] [-R] [--retained-only [--snapshot]]',
  '[--retain-as-published] [--retain-handling always|new|never] [--no-local]',
  '[--remove-retained] [-T filter_out ...] [-U topic ...] [-F format | --json] [-W seconds]',
  '[-A bind_address] [--nodelay] [-S] [-i id] [-I id_prefix] [-d] [-N] [--quiet] [-v] [-w] [--pretty]',
  WILL_SYNOPSIS,
  TLS_SYNOPSIS,
  '[-D command name value] [--retry-connect] [--no-reconnect]',
];

export const TSSUB: Tool<SubStore> = {
  name: 'tssub',
  mosquittoName: 'mosquitto_sub',
  summary: 'subscribes to topics on an MQTT broker and prints the messages it receives.',
  synopsis: SUB_SYNOPSIS,
  table: SUB_TABLE,
  helpBefore: `-F format (as mosquitto_sub, develop's rules): %t topic, %p payload, %x/%X hex, %l length,
  %q qos, %r retain, %m message id, %j/%J JSON, %I ISO time, %U unix time, %d/%f binary double/float,
  MQTT 5: %A alias, %C content type, %D correlation data, %E expiry, %F format indicator,
  %P user properties, %R response topic, %S subscription id; flags 0 and -, width, .precision;
  %.2x puts a space after every 2 hex digits (6d 65 73), %.2:x a ':' (or another punctuation mark);
  @Y @m @d @H @M @S @z ... strftime, @N nanoseconds, @@; escapes \\n \\t \\0 \\e \\\\ \\a \\r \\v.
  -v --pretty indents a JSON payload (on a terminal or not: a terminal only colours the topic).
Reconnecting: after a lost connection tssub reconnects with backoff and subscribes again
  (--no-reconnect: exit 1 instead; --retry-connect: also retry when the broker is down at start).
`,
  helpAfter: `Examples:
  tssub -t sensors/temperature -q 1
  tssub -v -t 'sensors/machines/+/temperature/+'
  tssub -v -t '$SYS/#' -C 5                          five broker status messages, then exit
  tssub -F '@Y-@m-@dT@H:@M:@S@z : %t : %x' -t '#'    ISO-8601 date : topic : payload in hex
  tssub -F '\\e[92m%t \\e[96m%p\\e[0m' -q 2 -t '#'      topic and payload in colour
  tssub -F '%t %.2:x' -t 'devices/#'                 payload as 6d:65:73:73...
  tssub -V 5 -F %j --pretty -t 'cmd/#'               JSON with the MQTT 5 properties
  tssub -t 'devices/#' --retained-only -v            the retained messages, then exit

${exitStatusHelp({
    success: 'the messages printed until -C, -E, --retained-only or --snapshot ended it, or Ctrl+C, SIGTERM, a closed pipe',
    more: [[27, '-W ran out ("Timed out" on stderr)']],
  })}
`,
  // mosquitto_sub prints -d lines on stdout, among the messages
  debugTo: 'stdout',
  prompt: 'always',
};
