// tspub --replay FILE: a recording published again. A recording is `tssub --json` output (or
// tsdump --json's: its client-sent PUBLISH lines; other lines are skipped), one message per line
// in the message schema (message-json.ts), so payloads come back byte-identical (base64 where
// they were not UTF-8). Timing: the gaps between the lines' "tst", divided by --speed (max: none).
// The whole file is read and checked before connecting: a damaged line is an argument error
// naming its line, as with -l --line-format json from a file.
import { readFileSync } from 'node:fs';
import { UsageError } from '../runtime/errors.ts';
import { messageFromJson, type MessageDefaults } from './message-json.ts';
import type { OutboundMessage } from '../../session/types.ts';

export interface ReplayEntry {
  /** ms since the first message of the recording */
  atMs: number;
  msg: OutboundMessage;
}

/** --topic-rewrite FROM TO: a topic starting with FROM starts with TO instead (mosquitto bridges' prefixes) */
export interface TopicRewrite {
  from: string;
  to: string;
}

/** --speed N (a factor above 0) or max */
export function parseSpeed(raw: string, name: string): number {
  if (raw === 'max') return Infinity;
  const n = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw) || !(n > 0) || !Number.isFinite(n)) throw new UsageError(`${name}: '${raw}' is not a speed (a factor above 0, e.g. 2 or 0.5, or max).`);
  return n;
}

/** --topic-rewrite FROM TO: two words */
export function takeRewrite(words: readonly string[], i: number, name: string): [TopicRewrite, number] {
  const from = words[i];
  const to = words[i + 1];
  if (from === undefined || to === undefined) throw new UsageError(`${name} needs two values: the topic prefix to replace and its replacement.`);
  if (from === '') throw new UsageError(`${name}: the prefix to replace must not be empty.`);
  return [{ from, to }, 2];
}

export function rewriteTopic(topic: string, rules: readonly TopicRewrite[] | undefined): string {
  if (rules) for (const r of rules) if (topic.startsWith(r.from)) return r.to + topic.slice(r.from.length);
  return topic;
}

/** every message of the recording, checked; throws UsageError naming the first bad line */
export function readRecording(file: string, d: MessageDefaults, rules: readonly TopicRewrite[] | undefined): ReplayEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--replay: cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}.`);
  }
  const out: ReplayEntry[] = [];
  let first: number | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `--replay: ${file} line ${i + 1}`;
    let r: unknown;
    try { r = JSON.parse(line); } catch { throw new UsageError(`${where}: not JSON.`); }
    if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new UsageError(`${where}: not a JSON object.`);
    const o = r as Record<string, unknown>;
    // tsdump --json: connection events, other packets and what the broker sent are not messages to send
    if (o.event !== undefined || (o.type !== undefined && (o.type !== 'publish' || o.from !== 'client'))) continue;
    const msg = messageFromJson(o, d);
    if (typeof msg === 'string') throw new UsageError(`${where}: ${msg}.`);
    msg.topic = rewriteTopic(msg.topic, rules);
    const ms = typeof o.tst === 'string' ? Date.parse(o.tst.replace(/Z\+0000$/, 'Z')) : NaN;
    if (Number.isNaN(ms)) throw new UsageError(`${where}: no "tst" time (ISO 8601, as tssub --json writes it).`);
    first ??= ms;
    out.push({ atMs: Math.max(0, ms - first), msg });
  }
  if (out.length === 0) throw new UsageError(`--replay: ${file} has no message to publish.`);
  return out;
}

export interface ReplaySink {
  /** false: wait for drained() before the next one */
  write(msg: OutboundMessage): boolean;
  drained(): Promise<void>;
  /** the session is over: stop */
  stopped(): boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** publishes the entries at their times (divided by speed), once or, with loop, until stopped */
export async function replay(entries: readonly ReplayEntry[], speed: number, loop: boolean, sink: ReplaySink): Promise<void> {
  do {
    const start = performance.now();
    for (const e of entries) {
      if (sink.stopped()) return;
      if (speed !== Infinity) {
        const wait = start + e.atMs / speed - performance.now();
        if (wait > 0) await sleep(wait);
      }
      if (!sink.write(e.msg)) await sink.drained();
    }
  } while (loop && !sink.stopped());
}
