// The options of the tools that print received messages (tssub, tsrr): -v, -F, -N, --pretty,
// --json, and -W's value. Defined once here so that both tools parse and document them alike.
import { UsageError } from '../runtime/errors.ts';
import { intIn, MAX_SECONDS, type OptionSpec } from './option-spec.ts';

/** -W: whole seconds; below 1 in mosquitto's words ('Invalid timeout "0".'), above what a Node timer holds in ours */
export const waitTimeout = (raw: string, name: string): number => {
  const s = raw.trim();
  if (/^[+-]?\d+$/.test(s) && Number(s) < 1) throw new UsageError(`Invalid timeout "${Number(s)}".`);
  if (/^\d+$/.test(s) && Number(s) > MAX_SECONDS) throw new UsageError(`${name}: ${s} is out of range (1-${MAX_SECONDS} seconds).`);
  return intIn(1, MAX_SECONDS, 'timeout')(raw, name);
};

export const OUTPUT_OPTIONS = [
  { key: 'verbose', names: ['-v', '--verbose'], kind: 'flag', group: 'output', help: 'print "topic payload" (with --pretty a JSON payload indented; on a terminal the topic coloured)' },
  { key: 'format', names: ['-F'], kind: 'value', arg: 'format', group: 'output', help: 'output format, e.g. \'%t %p\' (mosquitto_sub -F: %-codes, @strftime, \\escapes); overrides -v' },
  { key: 'noEol', names: ['-N'], kind: 'flag', group: 'output', help: 'no newline after each message' },
  { key: 'pretty', names: ['--pretty'], kind: 'flag', group: 'output', help: 'indented JSON for %j, %J and --json' },
  { key: 'json', names: ['--json'], kind: 'flag', group: 'output', help: 'one JSON object per message: payload as text (or base64), every property' },
] as const satisfies readonly OptionSpec[];
