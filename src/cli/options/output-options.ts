// The options of the tools that print received messages (tssub, tsrr): -v, -F, -N, --pretty,
// --json, and -W's value. Defined once here so that both tools parse and document them alike.
import { argError } from '../runtime/errors.ts';
import { decimal, MAX_SECONDS, shownNumber, type OptionSpec } from './option-spec.ts';

/** -C and -W: a whole number from 1, in mosquitto's words ("Invalid timeout \"0\"."); a word is shown as mosquitto's atoi reads it */
export const fromOne = (what: string, max: number) => (raw: string): number => {
  const n = decimal(raw);
  if (n === undefined || n < 1) throw argError(`Invalid ${what} "${shownNumber(raw, (v) => v < 1)}".`);
  if (n > max) throw argError(`Invalid ${what} "${n}": at most ${max}.`);
  return n;
};

/** -W: whole seconds, at most what a Node timer holds */
export const waitTimeout = fromOne('timeout', MAX_SECONDS);

export const OUTPUT_OPTIONS = [
  { key: 'verbose', names: ['-v', '--verbose'], kind: 'flag', group: 'output', help: 'print "topic payload" (with --pretty a JSON payload indented; on a terminal the topic coloured)' },
  { key: 'format', names: ['-F'], kind: 'value', arg: 'format', group: 'output', help: 'output format, e.g. \'%t %p\' (mosquitto_sub -F: %-codes, @strftime, \\escapes); overrides -v' },
  { key: 'noEol', names: ['-N'], kind: 'flag', group: 'output', help: 'no newline after each message' },
  { key: 'pretty', names: ['--pretty'], kind: 'flag', group: 'output', help: 'indented JSON for %j, %J and --json' },
  { key: 'json', names: ['--json'], kind: 'flag', group: 'output', help: 'one JSON object per message: payload as text (or base64), every property' },
] as const satisfies readonly OptionSpec[];
