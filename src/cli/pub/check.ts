// tspub's cross-field rules (one place), checked before connecting: what to send, to which topic,
// how often. The payload is read here (messages/payload.ts), so an unreadable -f is an argument
// error, as in mosquitto.
import { UsageError } from '../runtime/errors.ts';
import type { PubStore } from './options.ts';
import type { ProtocolVersion, PublishProperties, QoS } from '../../session/types.ts';
import { oversize, oversizeText } from '../../session/publish-size.ts';
import { readPayload, TOO_LARGE, type StdinIo } from '../messages/payload.ts';
import { lineParser, type LineFormat } from '../messages/line-format.ts';
import { checkLines, type CheckedRange } from '../messages/checked-lines.ts';
import { readRecording, type ReplayEntry } from '../messages/replay.ts';
import { MESSAGE_KEYS } from '../options/message-options.ts';

/** the exclusive message sources: -m, -f, -s, -l, -n */

export type PubPlan =
  | { mode: 'single'; topic: string; payload: Buffer; what: string; repeat: number; repeatDelayMs: number; templated: boolean; common: Common }
  | { mode: 'lines'; topic: string | undefined; format: LineFormat; changesOnly: boolean; common: Common; checked?: CheckedRange }
  | { mode: 'replay'; entries: ReplayEntry[]; speed: number; loop: boolean; common: Common };

interface Common {
  qos: QoS;
  retain: boolean;
  properties: PublishProperties | undefined;
}

export function planPublish(store: PubStore, publishProps: PublishProperties | undefined, version: ProtocolVersion, io: StdinIo): PubPlan {
  if (store.replay !== undefined) return planReplay(store, publishProps, version);
  if (store.speed !== undefined || store.loop || store.topicRewrite !== undefined) {
    throw new UsageError(`${store.speed !== undefined ? '--speed' : store.loop ? '--loop' : '--topic-rewrite'} needs --replay file.`);
  }
  const format = store.lineFormat ?? 'raw';
  const topic = store.topic;
  const modes = MESSAGE_KEYS.filter((k) => store[k] !== undefined);
  // mosquitto_pub's main: the error, then the whole --help on stdout (-l with a topic per line needs no -t)
  if ((topic === undefined && !(store.stdinLine && format !== 'raw')) || modes.length === 0) {
    throw new UsageError('Both topic and message must be supplied.', { tail: 'help' });
  }
  const common: Common = {
    qos: store.qos ?? 0,
    retain: store.retain === true,
    properties: publishProps,
  };
  if (store.lineFormat !== undefined && !store.stdinLine) throw new UsageError('--line-format needs -l (one message per stdin line).');
  if (store.changesOnly && !store.stdinLine) throw new UsageError('--changes-only needs -l (one message per stdin line).');
  if (store.stdinLine) {
    if (store.repeat !== undefined) throw new UsageError('--repeat works with -m, -f, -s or -n, not with -l.');
    if (io.stdinIsDirectory?.()) throw new UsageError('-l: standard input is a directory, not lines to publish.');
    return { mode: 'lines', topic, format, changesOnly: store.changesOnly === true, common, checked: precheck(format, topic, common, version, io) };
  }
  if (store.repeatDelay !== undefined && store.repeat === undefined) throw new UsageError('--repeat-delay needs --repeat N.');
  const { payload, what } = readPayload({
    message: store.message,
    file: store.file,
    stdinFile: store.stdinFile === true,
  }, io);
  // the whole packet counts (topic, packet id, properties), not the payload alone [MQTT-2.2.3]
  // -m is refused while parsing in mosquitto (Use line after two blank lines), -f and -s while loading (none)
  if (oversize({ topic: topic!, payload, ...common }, version, undefined)) {
    throw new UsageError(TOO_LARGE, store.message !== undefined ? { blank: 2 } : { tail: 'none' });
  }
  return {
    mode: 'single', topic: topic!, payload, what,
    repeat: store.repeat ?? 1,
    repeatDelayMs: store.repeatDelay ?? 0,
    templated: store.repeat !== undefined,
    common,
  };
}

/** --replay: the recording read and checked now; -t, -q, -r, -D publish are the defaults of a line without them */
function planReplay(store: PubStore, publishProps: PublishProperties | undefined, version: ProtocolVersion): PubPlan {
  if (store.lineFormat !== undefined || store.changesOnly || store.repeat !== undefined || store.repeatDelay !== undefined) {
    throw new UsageError('--replay publishes a recording: --line-format, --changes-only, --repeat and --repeat-delay do not apply.');
  }
  const common: Common = { qos: store.qos ?? 0, retain: store.retain === true, properties: publishProps };
  const entries = readRecording(store.replay!, { topic: store.topic, ...common, v5: version === 5 }, store.topicRewrite);
  entries.forEach((e, i) => {
    const o = oversize(e.msg, version, undefined);
    if (o) throw new UsageError(`--replay: message ${i + 1}: the message ${oversizeText(o)}.`);
  });
  return { mode: 'replay', entries, speed: store.speed ?? 1, loop: store.loop === true, common };
}

/** -l --line-format json|tab from a regular file: every line checked now, before connecting (a raw
 *  line cannot be malformed: it is the payload). From a pipe, undefined: lines go out as they come. */
function precheck(format: LineFormat, topic: string | undefined, common: Common, version: ProtocolVersion, io: StdinIo): CheckedRange | undefined {
  if (format === 'raw') return undefined;
  const fd = io.stdinFileFd?.();
  if (fd === undefined) return undefined;
  const parse = lineParser(format, { topic, ...common, v5: version === 5 });
  return checkLines(fd, (line) => {
    const msg = parse(line);
    if (typeof msg === 'string') return msg;
    // MQTT's own limit; the broker's maximum is known only once connected
    const o = oversize(msg, version, undefined);
    return o && `the message ${oversizeText(o)}`;
  });
}

/** -M above 20 with QoS 2 on MQTT 3.1/3.1.1: mosquitto 2.0.11 (max_inflight_messages 20) acknowledges
 *  but silently drops incoming QoS 2 messages beyond 20 unreleased (observed: 1000 of 5000 delivered
 *  with -M 100). MQTT 5 is safe: the broker's receive maximum caps the window. */
export function inflightWarning(store: PubStore, version: number): string | undefined {
  const m = store.maxInflight;
  const qos2 = store.qos === 2 || store.lineFormat === 'json';
  if (m === undefined || m <= 20 || version === 5 || !qos2) return undefined;
  return `Warning: -M ${m} with QoS 2 on MQTT ${version === 4 ? '3.1.1' : '3.1'}: a mosquitto broker with its default max_inflight_messages 20 drops QoS 2 messages beyond 20 in flight without telling; use -V 5 (the broker then caps the window) or -M 20.`;
}
