// -D / --property: MQTT 5 properties with libmosquitto 2.0.11's validation (cfg_parse_property,
// mosquitto_property_check_command, mosquitto_property_check_all), mapped to the session's
// property objects. Names and commands are case-insensitive, as in mosquitto. Unlike mosquitto
// (atol), a value that is not a number is refused instead of becoming 0.
import { UsageError } from '../runtime/errors.ts';
import type { ConnectProperties, PublishProperties, SubscribeProperties, UserProperties, WillOptions } from '../../session/types.ts';

type PropType = 'byte' | 'int16' | 'int32' | 'varint' | 'binary' | 'string' | 'pair';

interface PropInfo {
  /** mqtt-packet property name */
  field: string;
  type: PropType;
  /** commands it may be sent with (mosquitto_property_check_command) */
  commands: string[];
  /** value must not be 0 / must be 0 or 1 (mosquitto_property_check_all) */
  nonZero?: boolean;
  boolean?: boolean;
}

const PUB_WILL = ['publish', 'will'];
const PROPS: Record<string, PropInfo> = {
  'payload-format-indicator': { field: 'payloadFormatIndicator', type: 'byte', commands: PUB_WILL },
  'message-expiry-interval': { field: 'messageExpiryInterval', type: 'int32', commands: PUB_WILL },
  'content-type': { field: 'contentType', type: 'string', commands: PUB_WILL },
  'response-topic': { field: 'responseTopic', type: 'string', commands: PUB_WILL },
  'correlation-data': { field: 'correlationData', type: 'binary', commands: PUB_WILL },
  'subscription-identifier': { field: 'subscriptionIdentifier', type: 'varint', commands: ['publish', 'subscribe'], nonZero: true },
  'session-expiry-interval': { field: 'sessionExpiryInterval', type: 'int32', commands: ['connect', 'connack', 'disconnect'] },
  'assigned-client-identifier': { field: 'assignedClientIdentifier', type: 'string', commands: ['connack'] },
  'server-keep-alive': { field: 'serverKeepAlive', type: 'int16', commands: ['connack'] },
  'authentication-method': { field: 'authenticationMethod', type: 'string', commands: ['connect', 'connack', 'auth'] },
  'authentication-data': { field: 'authenticationData', type: 'binary', commands: ['connect', 'connack', 'auth'] },
  'request-problem-information': { field: 'requestProblemInformation', type: 'byte', commands: ['connect'], boolean: true },
  'will-delay-interval': { field: 'willDelayInterval', type: 'int32', commands: ['will'] },
  'request-response-information': { field: 'requestResponseInformation', type: 'byte', commands: ['connect'], boolean: true },
  'response-information': { field: 'responseInformation', type: 'string', commands: ['connack'] },
  'server-reference': { field: 'serverReference', type: 'string', commands: ['connack', 'disconnect'] },
  'reason-string': { field: 'reasonString', type: 'string', commands: ['connack', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'disconnect', 'auth'] },
  'receive-maximum': { field: 'receiveMaximum', type: 'int16', commands: ['connect', 'connack'], nonZero: true },
  'topic-alias-maximum': { field: 'topicAliasMaximum', type: 'int16', commands: ['connect', 'connack'] },
  'topic-alias': { field: 'topicAlias', type: 'int16', commands: ['publish'], nonZero: true },
  'maximum-qos': { field: 'maximumQoS', type: 'byte', commands: ['connack'], boolean: true },
  'retain-available': { field: 'retainAvailable', type: 'byte', commands: ['connack'], boolean: true },
  'user-property': { field: 'userProperties', type: 'pair', commands: ['*'] },
  'maximum-packet-size': { field: 'maximumPacketSize', type: 'int32', commands: ['connect', 'connack'], nonZero: true },
  'wildcard-subscription-available': { field: 'wildcardSubscriptionAvailable', type: 'byte', commands: ['connack'], boolean: true },
  'subscription-identifier-available': { field: 'subscriptionIdentifiersAvailable', type: 'byte', commands: ['connack'], boolean: true },
  'shared-subscription-available': { field: 'sharedSubscriptionAvailable', type: 'byte', commands: ['connack'], boolean: true },
};

/** Every command name mosquitto_string_to_command knows, plus 'will'. */
const COMMANDS = ['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback',
  'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth', 'will'];

/** Commands a client can attach properties to (cfg_parse_property refuses the rest as "not supported"). */
export type PropCommand = 'connect' | 'publish' | 'subscribe' | 'unsubscribe' | 'disconnect' | 'will';

export interface PropertyArg {
  command: PropCommand;
  name: string;
  field: string;
  value: number | boolean | string | Buffer | [string, string];
}

const MAX: Record<string, number> = { byte: 255, int16: 65535, int32: 4294967295, varint: 268435455 };

/**
 * Consumes `command name value` (or `command user-property key value`) after -D.
 * `allowed` lists the commands this binary sends (tspub: connect, publish, disconnect, will).
 */
export function takeProperty(allowed: readonly PropCommand[]) {
  return (words: readonly string[], i: number, opt: string): [PropertyArg, number] => {
    if (i + 2 >= words.length) {
      throw new UsageError(`${opt} argument given but not enough arguments specified (${opt} command name value).`);
    }
    const cmdRaw = words[i]!;
    const nameRaw = words[i + 1]!;
    const command = cmdRaw.toLowerCase();
    const name = nameRaw.toLowerCase();
    if (!COMMANDS.includes(command)) throw new UsageError(`${opt}: invalid command '${cmdRaw}' (use ${allowed.join(', ')}).`);
    const info = PROPS[name];
    if (!info) throw new UsageError(`${opt}: invalid property name '${nameRaw}'.`);
    if (info.commands[0] !== '*' && !info.commands.includes(command)) {
      throw new UsageError(`${opt}: ${name} property not allowed for ${command} (allowed for ${info.commands.join(', ')}).`);
    }
    if (!(allowed as readonly string[]).includes(command) || (command === 'publish' && name === 'subscription-identifier')) {
      throw new UsageError(`${opt}: ${name} property not supported for ${command} here${allowed.length ? ` (this tool takes properties for ${allowed.join(', ')})` : ''}.`);
    }
    if (info.type === 'pair') {
      if (i + 3 >= words.length) throw new UsageError(`${opt} argument given but not enough arguments specified (${opt} ${command} user-property key value).`);
      const pair: [string, string] = [words[i + 2]!, words[i + 3]!];
      for (const part of pair) if (Buffer.byteLength(part) > 65535) throw new UsageError(`${opt}: value too long for property ${name} (max 65535 bytes).`);
      return [{ command: command as PropCommand, name, field: info.field, value: pair }, 4];
    }
    const raw = words[i + 2]!;
    return [{ command: command as PropCommand, name, field: info.field, value: convert(info, name, raw, opt) }, 3];
  };
}

function convert(info: PropInfo, name: string, raw: string, opt: string): PropertyArg['value'] {
  switch (info.type) {
    case 'string':
    case 'binary':
      if (Buffer.byteLength(raw) > 65535) throw new UsageError(`${opt}: value too long for property ${name} (max 65535 bytes).`);
      return info.type === 'string' ? raw : Buffer.from(raw);
    default: {
      if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${opt}: property ${name} needs a number, not '${raw}'.`);
      const n = Number(raw.trim());
      if (n > MAX[info.type]!) throw new UsageError(`${opt}: property value (${n}) out of range for property ${name} (0-${MAX[info.type]}).`);
      if (info.nonZero && n === 0) throw new UsageError(`${opt}: property ${name} must not be 0.`);
      if (info.boolean) {
        if (n > 1) throw new UsageError(`${opt}: property ${name} must be 0 or 1.`);
        return n === 1;
      }
      if (name === 'payload-format-indicator') return n === 1;
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
    } else {
      if (a.field in set) throw new UsageError(`-D ${a.command} ${a.name} given twice (a property other than user-property may appear once).`);
      set[a.field] = a.value;
    }
  }
  // each field is set only for the commands PROPS allows it with, converted to its type there
  // (convert): the one place the -D values become the session's property types
  return sets as PropertySets;
}

/** The property names -D takes with this command (what takeProperty accepts): for the completions. */
export function propertyNames(command: string): string[] {
  return Object.keys(PROPS).filter((n) => (PROPS[n]!.commands[0] === '*' || PROPS[n]!.commands.includes(command))
    && !(command === 'publish' && n === 'subscription-identifier'));
}
