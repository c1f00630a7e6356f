// -t, -T, -U and -L for every tool, with one parser per kind of topic: a topic name to publish to
// (tspub's -t and -L) and a topic filter (tssub's and tsclear's -t, -T, -U and -L path), so that
// every tool refuses a bad filter in the same words.
import { UsageError } from '../runtime/errors.ts';
import { maskUrl } from '../../session/mask-url.ts';
import { checkTopicFilter, checkTopicName } from '../../protocol/topic.ts';
import type { OptionSpec } from './option-spec.ts';
import { parseBrokerUrl, type BrokerUrl, type UrlScheme } from './url.ts';

/** a topic to publish to: no wildcards [MQTT-3.3.2-2] */
export function topicName(raw: string, name: string): string {
  const e = checkTopicName(raw);
  if (e) throw new UsageError(`${name}: ${e}.`);
  return raw;
}

/** a topic filter to subscribe to, leave out or unsubscribe from [MQTT-4.7.1] */
export function topicFilter(raw: string, name: string): string {
  const e = checkTopicFilter(raw);
  if (e) throw new UsageError(`${name}: ${e}.`);
  return raw;
}

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
  return { key, names, kind: 'value', arg: 'filter', group: 'message', repeat: true, help, parse: topicFilter };
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
      const u = parseBrokerUrl(raw, name);
      if (mode === 'name' && (u.topic === undefined || u.topic === '')) {
        throw new UsageError(`${name}: invalid URL '${maskUrl(raw)}': topic missing (mqtt://host/topic).`);
      }
      if (u.topic !== undefined && u.topic !== '') (mode === 'name' ? topicName : topicFilter)(u.topic, name);
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
