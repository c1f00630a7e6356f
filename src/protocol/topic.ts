// Topic name / filter validation and matching [MQTT-4.7].
import { isUtf8 } from 'node:buffer';

/** Returns an error text, or undefined when `topic` is a valid topic name for PUBLISH. */
export function checkTopicName(topic: string): string | undefined {
  if (topic.length === 0) return 'topic must not be empty';
  if (topic.includes('+') || topic.includes('#')) return `'${topic}': wildcards (+ #) are not allowed in a topic to publish to`;
  if (topic.includes('\0')) return `'${topic}': topic must not contain NUL`;
  if (Buffer.byteLength(topic) > 65535) return 'topic is longer than 65535 bytes';
  return undefined;
}

/** Returns an error text, or undefined when `filter` is a valid subscription filter. */
export function checkTopicFilter(filter: string): string | undefined {
  if (filter.length === 0) return 'topic filter must not be empty';
  if (filter.includes('\0')) return `'${filter}': filter must not contain NUL`;
  if (Buffer.byteLength(filter) > 65535) return 'topic filter is longer than 65535 bytes';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) {
      return `'${filter}': '#' must be a whole level and the last one`;
    }
    if (l.includes('+') && l !== '+') return `'${filter}': '+' must be a whole level`;
  }
  return undefined;
}

/** True when topic name `topic` matches filter `filter` ([MQTT-4.7.2-1]: $-topics need a literal first level). */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter.startsWith('$share/')) filter = filter.split('/').slice(2).join('/');
  const f = filter.split('/');
  const t = topic.split('/');
  if (t[0]!.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** What is wrong with a topic name received from the wire, as a code the decoder turns into its error text. */
export type ReceivedTopicDefect = 'empty' | 'wildcard' | 'nul' | 'utf8';

/**
 * Checks a PUBLISH's topic name from the wire, decoded (topic) from the bytes buf[start, end):
 * empty [MQTT-4.7.3-1] (allowed only with a v5 topic alias: the caller decides), a wildcard
 * [MQTT-3.3.2-2], U+0000 or ill-formed UTF-8 [MQTT-1.5.4-1, MQTT-1.5.4-2]. Hot path of every
 * received PUBLISH: native string scans; ill-formed UTF-8 decodes to U+FFFD, so the bytes are
 * validated (buffer.isUtf8) only for a topic with one.
 */
export function receivedTopicDefect(topic: string, buf: Buffer, start: number, end: number): ReceivedTopicDefect | undefined {
  if (topic.length === 0) return 'empty';
  if (topic.indexOf('+') !== -1 || topic.indexOf('#') !== -1) return 'wildcard';
  if (topic.indexOf('\0') !== -1) return 'nul';
  if (topic.indexOf('\uFFFD') !== -1 && !isUtf8(buf.subarray(start, end))) return 'utf8';
  return undefined;
}
