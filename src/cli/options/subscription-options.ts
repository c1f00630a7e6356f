// mosquitto's MQTT 5 subscription options, shared by the tools that subscribe and print (tssub,
// tsrr): --retain-as-published and develop's --retain-handling. Ignored on MQTT 3.1.1, as
// libmosquitto does.
import { argError } from '../runtime/errors.ts';
import type { OptionSpec } from './option-spec.ts';

const RETAIN_HANDLING = new Map<string, 0 | 1 | 2>([['always', 0], ['new', 1], ['never', 2], ['0', 0], ['1', 1], ['2', 2]]);

/** --retain-handling: develop's words, or the MQTT 5 values 0-2 */
const retainHandling = (raw: string, name: string): 0 | 1 | 2 => {
  const rh = RETAIN_HANDLING.get(raw);
  if (rh === undefined) throw argError(`Unknown value '${raw}' for ${name}.`);
  return rh;
};

export const SUBSCRIPTION_OPTIONS = [
  { key: 'retainAsPublished', names: ['--retain-as-published'], kind: 'flag', group: 'message', help: 'MQTT 5 subscription option: keep the retain flag as published' },
  { key: 'retainHandling', names: ['--retain-handling'], kind: 'value', arg: 'option', group: 'message', help: 'MQTT 5 subscription option: retained messages on subscribing: always (0), new (1: only for a new subscription) or never (2)', parse: retainHandling },
] as const satisfies readonly OptionSpec[];
