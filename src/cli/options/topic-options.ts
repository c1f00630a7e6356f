// -t, -T, -U and -L for every tool, with one parser per kind of topic: a topic name to publish to
// (tspub's -t and -L) and a topic filter (tssub's and tsclear's -t, -T, -U and -L path), so that
// every tool refuses a bad filter in the same words.
import { UsageError } from '../runtime/errors.ts';
import { checkTopicFilter, checkTopicName } from '../../protocol/topic.ts';
import type { OptionSpec } from './option-spec.ts';
import { parseBrokerUrl, type BrokerUrl, type UrlScheme } from './url.ts';

/** mosquitto's word for each kind of topic in its "Invalid <kind> topic '...'" errors */
type TopicKind = 'publish' | 'will' | 'subscription' | 'filter' | 'unsubscribe';

/** mosquitto's text for a topic its check refuses; ours, in its style, for what it lets through (empty, too long) */
function topicError(kind: TopicKind, raw: string, name: boolean): UsageError {
  if (raw === '') return new UsageError(`Invalid ${kind} topic '': a topic must not be empty.`);
  if (Buffer.byteLength(raw) > 65535) return new UsageError(`Invalid ${kind} topic: it is longer than 65535 bytes.`);
  return new UsageError(name ? `Invalid ${kind} topic '${raw}', does it contain '+' or '#'?`
    : `Invalid ${kind} topic '${raw}', are all '+' and '#' wildcards correct?`);
}

/** a topic to publish to: no wildcards [MQTT-3.3.2-2] */
export function topicName(raw: string): string {
  if (checkTopicName(raw)) throw topicError('publish', raw, true);
  return raw;
}

/** --will-topic: a topic name too */
export function willTopic(raw: string): string {
  if (checkTopicName(raw)) throw topicError('will', raw, true);
  return raw;
}

/** a topic filter to subscribe to, leave out or unsubscribe from [MQTT-4.7.1] */
export function topicFilter(raw: string): string {
  if (checkTopicFilter(raw)) throw topicError('subscription', raw, false);
  return raw;
}

const FILTER_KINDS: Record<string, TopicKind> = { filterOut: 'filter', unsubscribe: 'unsubscribe' };
/** mosquitto's missing-value texts of -T and -U */
const FILTER_MISSING: Record<string, string> = {
  filterOut: '-T argument given but no topic filter specified.',
  unsubscribe: '-U argument given but no unsubscribe topic specified.',
};

type TopicNameSpec = OptionSpec<'topic', string> & { parse(raw: string, name: string): string };
type TopicFilterSpec = OptionSpec<'topic', string> & { parse(raw: string, name: string): string; repeat: true };

/** -t for publishing (one topic name) or subscribing (repeatable filters). */
export function topicOption(mode: 'name', help: string): TopicNameSpec;
export function topicOption(mode: 'filter', help: string): TopicFilterSpec;
export function topicOption(mode: 'name' | 'filter', help: string): TopicNameSpec | TopicFilterSpec {
  const base = { key: 'topic', names: ['-t', '--topic'], kind: 'value', arg: 'topic', group: 'message', help } as const;
  return mode === 'name' ? { ...base, parse: topicName } : { ...base, parse: topicFilter, repeat: true };
}

/** a repeatable filter option other than -t: tssub's and tsclear's -T, tssub's -U */
export function filterOption<K extends string>(key: K, names: readonly string[], help: string):
  OptionSpec<K, string> & { parse(raw: string, name: string): string; repeat: true } {
  const kind = FILTER_KINDS[key] ?? 'subscription';
  const parse = (raw: string): string => {
    if (checkTopicFilter(raw)) throw topicError(kind, raw, false);
    return raw;
  };
  return { key, names, kind: 'value', arg: 'filter', missing: FILTER_MISSING[key], group: 'message', repeat: true, help, parse };
}

/** what -L writes: the connection part, and the topic (one name, or a filter added to -t's) */
interface UrlWrites<Topic> {
  urlScheme?: UrlScheme;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  topic?: Topic;
}
type UrlSpec<Topic> = OptionSpec<'url', BrokerUrl> & {
  parse(raw: string, name: string): BrokerUrl;
  apply(store: UrlWrites<Topic>, value: BrokerUrl, name: string): void;
};

/** -L: sets scheme, host, port, user, password and the topic (required for publishing). */
export function urlOption(mode: 'name'): UrlSpec<string>;
export function urlOption(mode: 'filter'): UrlSpec<string[]>;
export function urlOption(mode: 'name' | 'filter'): UrlSpec<string> | UrlSpec<string[]> {
  const base = {
    key: 'url', names: ['-L', '--url'], kind: 'value', arg: 'URL', group: 'connection',
    help: 'mqtt(s)://[user[:password]@]host[:port]/topic (also ws://, wss://)',
    parse: (raw: string, name: string): BrokerUrl => {
      const u = parseBrokerUrl(raw);
      // mosquitto: no '/' is "topic missing" for every tool; an empty one after it is ours (pub only)
      if (u.topic === undefined || (mode === 'name' && u.topic === '')) throw new UsageError('Invalid URL for -L argument specified - topic missing.');
      if (u.topic !== '') (mode === 'name' ? topicName : topicFilter)(u.topic);
      return u;
    },
  } as const;
  const connection = (store: UrlWrites<unknown>, u: BrokerUrl): void => {
    store.urlScheme = u.scheme;
    store.host = u.host;
    store.port = u.port;
    if (u.username !== undefined) store.username = u.username;
    if (u.password !== undefined) store.password = u.password;
  };
  if (mode === 'name') {
    return { ...base, apply: (store: UrlWrites<string>, u: BrokerUrl) => { connection(store, u); if (u.topic) store.topic = u.topic; } };
  }
  return { ...base, apply: (store: UrlWrites<string[]>, u: BrokerUrl) => { connection(store, u); if (u.topic) (store.topic ??= []).push(u.topic); } };
}
