// -D / --property: MQTT 5 properties with libmosquitto 2.0.11's validation (cfg_parse_property,
// mosquitto_property_check_command, mosquitto_property_check_all), mapped to the session's
// property objects. Names and commands are case-insensitive, as in mosquitto. Unlike mosquitto
// (atol), a value that is not a number is refused instead of becoming 0.
import { argError, UsageError } from '../runtime/errors.ts';
import { decimal } from './option-spec.ts';
import { PROPERTIES, type PropertySpec, type PropertyType } from '../../protocol/properties.ts';
import type { ConnectProperties, PublishProperties, SubscribeProperties, UserProperties, WillOptions } from '../../session/types.ts';

/** Every command name mosquitto_string_to_command knows, plus 'will': COMMANDS[i] is packet type
 *  i + 1, and 'will' (i = 15) is bit 16, the table's WILL */
const COMMANDS = ['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback',
  'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth', 'will'];

interface PropInfo {
  spec: PropertySpec;
  /** commands it may be sent with: the packets the spec lets carry it, 'will' for the Will
   *  Properties. mosquitto_property_check_command is the same but for two: user-property goes with
   *  any command there (kept: the refusal is then "not supported"), reason-string with any but
   *  connect, publish, subscribe and unsubscribe (will too; the spec's list is kept here) */
  commands: readonly string[];
}

/** the table by name, in its (id) order */
const PROPS = new Map<string, PropInfo>(PROPERTIES.map((spec) => [spec.name, {
  spec,
  commands: spec.name === 'user-property' ? COMMANDS : COMMANDS.filter((_, i) => spec.packets & (1 << (i + 1))),
}]));

/** Commands a client can attach properties to (cfg_parse_property refuses the rest as "not supported"). */
export type PropCommand = 'connect' | 'publish' | 'subscribe' | 'unsubscribe' | 'disconnect' | 'will';

export interface PropertyArg {
  command: PropCommand;
  name: string;
  field: string;
  value: number | boolean | string | Buffer | [string, string];
}

const MAX: Partial<Record<PropertyType, number>> = { byte: 255, int16: 65535, int32: 4294967295, varint: 268435455 };

/** mosquitto's texts end in "\n\n": two blank lines before the Use line */
const notEnough = (): UsageError => argError('--property argument given but not enough arguments specified.');

/**
 * Consumes `command name value` (or `command user-property key value`) after -D, with
 * cfg_parse_property's checks and texts (names as typed). `allowed` lists the commands this
 * binary sends (tspub: connect, publish, disconnect, will).
 */
export function takeProperty(allowed: readonly PropCommand[]) {
  return (words: readonly string[], i: number): [PropertyArg, number] => {
    if (i + 2 >= words.length) throw notEnough();
    const cmdRaw = words[i]!;
    const nameRaw = words[i + 1]!;
    const command = cmdRaw.toLowerCase();
    const name = nameRaw.toLowerCase();
    // mosquitto_string_to_command knows pingreq and pingresp, but cfg_parse_property refuses them
    // as an invalid command; develop's texts name the word (2.0.11: "Invalid command given in ...")
    if (!COMMANDS.includes(command) || command === 'pingreq' || command === 'pingresp') throw argError(`Invalid command ${cmdRaw} given in --property argument.`);
    const info = PROPS.get(name);
    if (!info) throw argError(`Invalid property name ${nameRaw} given in --property argument.`);
    if (!info.commands.includes(command)) {
      throw argError(`${nameRaw} property not allowed for ${cmdRaw} in --property argument.`);
    }
    // mosquitto refuses these too (auth, the acknowledgements, subscribe beyond its two); a command
    // this tool never sends (tspub's subscribe) is refused here, where mosquitto keeps it unused
    if (!(allowed as readonly string[]).includes(command) || (command === 'publish' && name === 'subscription-identifier')
      || (command === 'subscribe' && name !== 'subscription-identifier' && name !== 'user-property')) {
      throw argError(`${nameRaw} property not supported for ${cmdRaw} in --property argument.`);
    }
    const { spec } = info;
    if (spec.type === 'pair') {
      if (i + 3 >= words.length) throw notEnough();
      const pair: [string, string] = [words[i + 2]!, words[i + 3]!];
      for (const part of pair) if (Buffer.byteLength(part) > 65535) throw argError(`Property value too long for property ${nameRaw}.`);
      return [{ command: command as PropCommand, name, field: spec.key, value: pair }, 4];
    }
    const raw = words[i + 2]!;
    return [{ command: command as PropCommand, name, field: spec.key, value: convert(spec, nameRaw, command, raw) }, 3];
  };
}

/** mosquitto_strerror(MOSQ_ERR_PROTOCOL): what mosquitto_property_check_all's refusal prints */
const PROTOCOL_ERROR = 'A network protocol error occurred when communicating with the broker.';
/** client_config_load's name for each command's property list */
const LIST_NAMES: Record<PropCommand, string> = {
  connect: 'CONNECT', publish: 'PUBLISH', subscribe: 'SUBSCRIBE', unsubscribe: 'UNSUBSCRIBE', disconnect: 'DISCONNECT', will: 'Will',
};
const listError = (command: string, what: string): UsageError => new UsageError(`Error in ${LIST_NAMES[command as PropCommand]} properties: ${what}`, { bare: true });

function convert(spec: PropertySpec, name: string, command: string, raw: string): PropertyArg['value'] {
  switch (spec.type) {
    case 'string':
    case 'binary':
      if (Buffer.byteLength(raw) > 65535) throw argError(`Property value too long for property ${name}.`);
      return spec.type === 'string' ? raw : Buffer.from(raw);
    default: {
      // mosquitto's atol makes a word 0; ours refuses it, in mosquitto's words
      const n = decimal(raw);
      if (n === undefined) throw argError(`Property value (${raw}) is not a number for property ${name}.`);
      if (n < 0 || n > MAX[spec.type]!) throw argError(`Property value (${n}) out of range for property ${name}.`);
      // mosquitto_property_check_all, after the whole command line: the same text here
      if ((spec.nonZero && n === 0) || (spec.boolean && n > 1)) throw listError(command, PROTOCOL_ERROR);
      if (spec.boolean) return n === 1;
      return n;
    }
  }
}

/** Property objects per command, as the session types name them (mqtt-packet field names). */
export interface PropertySets {
  connect?: ConnectProperties;
  publish?: PublishProperties;
  subscribe?: SubscribeProperties;
  unsubscribe?: { userProperties?: UserProperties };
  disconnect?: Record<string, unknown>;
  will?: WillOptions['properties'];
}

/** Group -D values by command; duplicate non-user properties are refused like mosquitto_property_check_all. */
export function groupProperties(args: PropertyArg[] | undefined): PropertySets {
  const sets: Partial<Record<PropCommand, Record<string, unknown>>> = {};
  for (const a of args ?? []) {
    const set = (sets[a.command] ??= {});
    if (Array.isArray(a.value)) {
      const user = (set.userProperties ??= {}) as Record<string, string | string[]>;
      const [k, v] = a.value;
      const prev = user[k];
      user[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      // a PUBLISH carries them in the order given (the codec sends the list; the object groups by key)
      if (a.command === 'publish') ((set.userPropertyList ??= []) as Array<[string, string]>).push([k, v]);
    } else {
      if (a.field in set) throw listError(a.command, 'Duplicate property in property list');
      set[a.field] = a.value;
    }
  }
  // each field is set only for the commands PROPS allows it with, converted to its type there
  // (convert): the one place the -D values become the session's property types
  return sets as PropertySets;
}

/** The property names -D takes with this command (what takeProperty accepts): for the completions. */
export function propertyNames(command: string): string[] {
  return [...PROPS].filter(([n, info]) => info.commands.includes(command) && !(command === 'publish' && n === 'subscription-identifier'))
    .map(([n]) => n);
}
