// tsrr's checks, before connecting: the output format first (a bad -F is an argument error before
// any secret is asked for), then parsed options -> the plan of the requester or the responder.
// Texts are mosquitto_rr's where it has the error (client_shared.c, rr_client.c).
import type { RrStore } from './options.ts';
import { UsageError } from '../runtime/errors.ts';
import { createPrinter, type Printer } from '../output/index.ts';
import { readPayload, type StdinIo } from '../messages/payload.ts';
import { checkTopicFilter, checkTopicName } from '../../protocol/topic.ts';
import type { BuiltSession } from '../options/session-options.ts';
import type { PublishProperties, QoS, SubscribeProperties } from '../../session/types.ts';
import { MESSAGE_KEYS } from '../options/message-options.ts';

/** --exec-timeout's default: a command that hangs must not hold its slot for ever */
const EXEC_TIMEOUT_MS = 30_000;
const MAX_RUNNING = 4;

export interface RrOutput {
  printer: Printer;
  json: boolean;
  pretty: boolean;
}

interface Common {
  qos: QoS;
  /** -C: replies per request (requester), requests answered before exiting (responder; 0 = no limit) */
  count: number;
  timeoutMs: number;
  acceptRetained: boolean;
  retainAsPublished: boolean;
  /** MQTT 5 retain handling of the response topic's subscription */
  retainHandling: 0 | 1 | 2;
  /** -D publish, without correlation data (the requester's own) */
  publishProperties: PublishProperties | undefined;
  subscribeProperties: SubscribeProperties | undefined;
  disconnectProperties: Record<string, unknown> | undefined;
  v5: boolean;
}

export type RequestSource = { kind: 'single'; payload: Buffer } | { kind: 'lines' };

export interface RequestPlan extends Common {
  mode: 'request';
  topic: string;
  responseTopic: string;
  source: RequestSource;
  /** -D publish correlation-data: sent with every request instead of random bytes */
  fixedCorrelation: Buffer | undefined;
}

export interface RespondPlan extends Common {
  mode: 'respond';
  filter: string;
  command: string;
  /** answers requests that carry no Response Topic (and every request on MQTT 3.1.1) */
  fallbackTopic: string | undefined;
  maxRunning: number;
  execTimeoutMs: number;
  replyOnFailure: boolean;
}

export type RrPlan = RequestPlan | RespondPlan;

const RESPONDER_ONLY = [['exec', '--exec'], ['maxRunning', '--max-running'], ['execTimeout', '--exec-timeout'], ['noReplyOnFailure', '--no-reply-on-failure']] as const;

/** `decorate`: stdout is a terminal (colour as the policy says); `warn`: a runtime error line for stderr */
export function checkRrOutput(store: RrStore, decorate: { color: boolean } | undefined, warn: (line: string) => void): RrOutput {
  const json = store.json === true;
  const printer = createPrinter({
    format: store.format,
    verbose: store.verbose === true,
    eol: store.noEol !== true,
    pretty: store.pretty === true,
    json: false, // tsrr prints its own --json (rr/json.ts): the message plus the request's fields
    decorate,
    warn,
  });
  return { printer, json, pretty: store.pretty === true };
}

export function buildRrPlan(store: RrStore, built: BuiltSession, io: StdinIo): RrPlan {
  const v5 = built.session.protocolVersion === 5;
  const publish = v5 ? built.properties.publish : undefined;
  const { correlationData, ...publishProperties } = publish ?? {};
  const common: Common = {
    qos: store.qos ?? 0,
    count: store.count ?? (store.respond ? 0 : 1),
    timeoutMs: (store.timeout ?? 0) * 1000,
    acceptRetained: store.acceptRetained === true,
    retainAsPublished: store.retainAsPublished === true,
    // stale replies are not wanted: the broker need not send retained ones (--retain-handling wins)
    retainHandling: store.retainHandling ?? (store.acceptRetained === true ? 0 : 2),
    publishProperties: publish ? publishProperties : undefined,
    subscribeProperties: v5 ? built.properties.subscribe : undefined,
    disconnectProperties: v5 ? built.properties.disconnect : undefined,
    v5,
  };
  if (store.respond) return respondPlan(store, common, v5);
  for (const [key, name] of RESPONDER_ONLY) if (store[key] !== undefined) throw new UsageError(`${name} needs --respond.`);
  const modes = MESSAGE_KEYS.filter((k) => store[k] !== undefined);
  const topic = store.topic;
  const response = store.responseTopic;
  if (topic === undefined || modes.length === 0 || response === undefined) {
    throw new UsageError('All of topic, message, and response topic must be supplied.');
  }
  if (checkTopicName(topic)) throw new UsageError(`Invalid publish topic '${topic}', does it contain '+' or '#'?`);
  // rr_client.c: the Response Topic is -e's, a second one is refused
  if (publish?.responseTopic !== undefined) throw new UsageError('Error in PUBLISH properties: Duplicate response topic.', { bare: true, tail: 'none' }); // as mosquitto_rr, after its options are loaded
  let source: RequestSource;
  if (store.stdinLine) {
    if (io.stdinIsDirectory?.()) throw new UsageError('-l: standard input is a directory, not lines to send.');
    source = { kind: 'lines' };
  } else {
    source = { kind: 'single', payload: readPayload({ message: store.message, file: store.file, stdinFile: store.stdinFile === true }, io).payload };
  }
  return { ...common, mode: 'request', topic, responseTopic: response, source, fixedCorrelation: correlationData };
}

function respondPlan(store: RrStore, common: Common, v5: boolean): RespondPlan {
  const modes = MESSAGE_KEYS.filter((k) => store[k] !== undefined);
  if (modes.length > 0) throw new UsageError('--respond answers requests: -m, -f, -s, -l and -n are for sending one.');
  const filter = store.topic;
  if (filter === undefined) throw new UsageError('--respond needs -t filter (the requests to answer).');
  const bad = checkTopicFilter(filter);
  if (bad) throw new UsageError(`Invalid subscription topic '${filter}', are all '+' and '#' wildcards correct?`);
  if (store.exec === undefined || store.exec === '') throw new UsageError("--respond needs --exec 'command' (run per request; its stdout is the reply).");
  if (!v5 && store.responseTopic === undefined) {
    throw new UsageError('--respond on MQTT 3.1.1 needs -e topic: requests carry no Response Topic there, replies go to -e.');
  }
  return {
    ...common,
    mode: 'respond',
    filter,
    command: store.exec,
    fallbackTopic: store.responseTopic,
    maxRunning: store.maxRunning ?? MAX_RUNNING,
    execTimeoutMs: store.execTimeout ?? EXEC_TIMEOUT_MS,
    replyOnFailure: store.noReplyOnFailure !== true,
  };
}
