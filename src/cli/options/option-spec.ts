// Options are defined once, as a table of OptionSpec; the parser, --help and completions all read it.
// A small table-driven parser instead of yargs on the start-up path: mosquitto's argv rules are simple
// (exact names, each value is the next word even when it starts with '-', no bundling), and yargs
// alone costs ~35-55 ms of a ~50 ms budget.
import { argError, UsageError } from '../runtime/errors.ts';
import { maskUrl } from '../../session/mask-url.ts';

export type OptionKind = 'flag' | 'value' | 'property';

export type Group = 'connection' | 'auth' | 'tls' | 'will' | 'protocol' | 'message' | 'output' | 'reconnect' | 'misc';

/** The parser's untyped record of values by spec key; parseOptions hands it on as the table's StoreOf. */
export type Store = Record<string, unknown>;

/** One option. K is its key in the store, V what one occurrence's value becomes (parse's or take's result). */
export interface OptionSpec<K extends string = string, V = unknown> {
  /** key in the Store */
  key: K;
  /** every accepted spelling: '-h', '--host' */
  names: readonly string[];
  kind: OptionKind;
  /** name of the value in help and errors: 'host' */
  arg?: string;
  /** the error when the value is missing, when it is not mosquitto's usual
   *  "<first name> argument given but no <arg> specified." (-M, -V, or another noun) */
  missing?: string;
  help: string;
  group: Group;
  /** values accumulate in an array (file values first, then the command line) */
  repeat?: boolean;
  /** -P: may stand without a value (then the value is `true`) */
  optionalValue?: boolean;
  /** options of one exclusive set may not be combined on one command line; a later source replaces */
  exclusive?: string;
  /** convert and check a raw value; throw UsageError naming the option (errors in an options file get its line) */
  parse?(raw: string, name: string): V;
  /** custom effect (e.g. -L sets host, port, user, topic); default: store[key] = value. The keys it
   *  writes are its store parameter's type (method syntax: a spec may narrow it) */
  apply?(store: Store, value: V, name: string): void;
  /** -D: consume words from position i (after the option name); returns [value, words used] */
  take?(words: readonly string[], i: number, name: string): [V, number];
  /** hide from --help (aliases, deprecated spellings) */
  hidden?: boolean;
}

// ---- the parsed values' type, derived from a table (compile time only)

/** one occurrence's value: a flag is true; else parse's (or take's) result, or the raw string */
type OneValue<S> = S extends { kind: 'flag' } ? true
  : S extends { parse(raw: string, name: string): infer V } ? V
    : S extends { take(words: readonly string[], i: number, name: string): [infer V, number] } ? V
      : string;
type WithBare<S> = S extends { optionalValue: true } ? OneValue<S> | true : OneValue<S>;
type ValueOf<S> = S extends { repeat: true } ? WithBare<S>[] : WithBare<S>;
/** the keys an `apply` writes, as [key, value] pairs */
type Written<W> = { [K in keyof W & string]-?: [K, Exclude<W[K], undefined>] }[keyof W & string];
/** what one spec puts into the store: [key, value] pairs */
type Entries<S> = S extends { apply(store: infer W, value: never, name: string): void } ? Written<W>
  : S extends { key: infer K extends string } ? [K, ValueOf<S>] : never;

/** The parsed values of a table: each spec's key (or the keys its apply writes) to its value, all optional. */
export type StoreOf<T extends readonly OptionSpec[]> = { -readonly [E in Entries<T[number]> as E[0]]?: E[1] };

export interface ExclusiveRule {
  set: string;
  /** the error when two are combined */
  message: (a: string, b: string) => string;
  /** one option of the set, once: the same one twice is refused too (mosquitto_pub's -m a -m b) */
  once?: boolean;
}

/** S: the type of the parsed values (StoreOf the specs; see optionTable), for the compiler only */
export class OptionTable<S extends object = Store> {
  declare readonly storeType?: S;
  private byName = new Map<string, OptionSpec>();
  constructor(readonly specs: readonly OptionSpec[], readonly exclusives: readonly ExclusiveRule[] = []) {
    for (const s of specs) for (const n of s.names) this.byName.set(n, s);
  }
  lookup(name: string): OptionSpec | undefined {
    return this.byName.get(name);
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
}

/** A table whose store type is derived from its specs (declare them `as const satisfies readonly OptionSpec[]`). */
export function optionTable<const T extends readonly OptionSpec[]>(specs: T, exclusives: readonly ExclusiveRule[] = []): OptionTable<StoreOf<T>> {
  return new OptionTable<StoreOf<T>>(specs, exclusives);
}

/** Removes options from a shared table, keeping the types of the rest (tssub has no -M). */
export function withoutOptions<T extends OptionSpec, K extends string>(specs: readonly T[], ...keys: K[]): Exclude<T, { key: K }>[] {
  return specs.filter((s): s is Exclude<T, { key: K }> => !(keys as string[]).includes(s.key));
}

/** The error for a value option given last: mosquitto's text, naming the option's first spelling (-p for --port too). */
export function missingValue(spec: OptionSpec): UsageError {
  return argError(spec.missing ?? `${spec.names[0]} argument given but no ${spec.arg ?? 'value'} specified.`);
}

/** --help and --version end the parse, as in mosquitto: `--help --bogus` is help, `--bogus --help` an error */
const ENDS_PARSE = new Set(['help', 'version']);

/**
 * Parse one source of words (argv, or one config-file line) into `store`. `where` names the
 * source in errors ('FILE line N'); within one source two members of an exclusive set are refused.
 */
export function parseWords(table: OptionTable<object>, words: readonly string[], store: Store, where?: (i: number) => string): void {
  const seenExclusive = new Map<string, { key: string; name: string }>();
  for (let i = 0; i < words.length; i++) {
    const at = i;
    try {
      i = parseOne(table, words, i, store, seenExclusive);
    } catch (err) {
      if (err instanceof UsageError && where) throw new UsageError(`${where(at)}: ${err.message}`, err);
      throw err;
    }
    if (i < 0) return;
  }
}

/** One option at words[i] (and its values); returns the index of its last word, or -1 after --help/--version. */
function parseOne(table: OptionTable<object>, words: readonly string[], i: number, store: Store, seenExclusive: Map<string, { key: string; name: string }>): number {
  let word = words[i]!;
  let inline: string | undefined;
  let spec = table.lookup(word);
  if (!spec && word.startsWith('--')) {
    // ours, beyond mosquitto: --port=1883 (a flag takes no '=': mosquitto's unknown option)
    const eq = word.indexOf('=');
    const named = eq > 2 ? table.lookup(word.slice(0, eq)) : undefined;
    if (named && named.kind === 'value') { spec = named; inline = word.slice(eq + 1); word = word.slice(0, eq); }
  }
  if (!spec) throw new UsageError(`Unknown option '${maskOptionWord(word)}'.`);
  const name = word;
  if (spec.exclusive) {
    const before = seenExclusive.get(spec.exclusive);
    const rule = table.exclusives.find((r) => r.set === spec!.exclusive);
    if (before !== undefined && (before.key !== spec.key || rule?.once)) {
      throw argError(rule ? rule.message(before.name, name) : `${before.name} and ${name} cannot be used together.`);
    }
    seenExclusive.set(spec.exclusive, { key: spec.key, name });
    // a later source (the command line after the options file) replaces the whole set
    for (const other of table.specs) if (other.exclusive === spec.exclusive && other.key !== spec.key) delete store[other.key];
  }
  let value: unknown;
  if (spec.kind === 'flag') {
    value = true;
  } else if (spec.kind === 'property') {
    const [v, used] = spec.take!(words, i + 1, name);
    value = v;
    i += used;
  } else if (inline !== undefined) {
    value = spec.parse ? spec.parse(inline, name) : inline;
  } else if (i + 1 >= words.length || (spec.optionalValue && table.has(words[i + 1]!))) {
    if (!spec.optionalValue) throw missingValue(spec);
    value = true;
  } else {
    i++;
    value = spec.parse ? spec.parse(words[i]!, name) : words[i]!;
  }
  if (spec.apply) spec.apply(store, value, name);
  else if (spec.repeat) {
    const list = store[spec.key];
    if (Array.isArray(list)) list.push(value);
    else store[spec.key] = [value];
  } else store[spec.key] = value;
  return ENDS_PARSE.has(spec.key) ? -1 : i;
}

/** a mistyped `--urll=mqtt://u:secret@h/t` must not echo the password either */
function maskOptionWord(word: string): string {
  const eq = word.indexOf('=');
  return eq < 0 ? maskUrl(word) : `${word.slice(0, eq + 1)}${maskUrl(word.slice(eq + 1))}`;
}

// ---- value parsers shared by the tables

/** Strict decimal integer in [min, max]; mosquitto's wording for a range (its -k error, word for word). */
export function intIn(min: number, max: number, what: string): (raw: string, name: string) => number {
  return (raw) => {
    const n = decimal(raw);
    if (n === undefined || n < min || n > max) throw argError(`Invalid ${what} given, it must be between ${min} and ${max} inclusive.`);
    return n;
  };
}

/**
 * How a refused number is shown in mosquitto's "Invalid ... given: N": what its atoi read ("abc" is
 * 0, "-1" is -1) when mosquitto refuses it too; the word as given when only we refuse it ("5x", "abc" as a QoS).
 */
export function shownNumber(raw: string, mosquittoRefuses: (n: number) => boolean): string {
  const n = Number(/^\s*[+-]?\d+/.exec(raw)?.[0] ?? 0);
  return mosquittoRefuses(n) ? String(n) : raw;
}

/** A decimal integer (surrounding spaces allowed, as atoi skips them), or undefined. */
export function decimal(raw: string): number | undefined {
  const s = raw.trim();
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** The longest wait a Node timer holds: 2^31-1 ms (~24.8 days); a longer one fires at once, with a warning. */
export const MAX_SECONDS = Math.floor(0x7fffffff / 1000);
/** every duration option's range, as --help and the range error say it */
export const SECONDS_RANGE = `0-${MAX_SECONDS}`;

/** Non-negative decimal number of seconds (may be fractional) up to MAX_SECONDS, returned in milliseconds. */
export function seconds(raw: string, name: string): number {
  const s = raw.trim();
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(s) || Number(s) > MAX_SECONDS) {
    throw argError(`${name} argument must be a number of seconds from 0 to ${MAX_SECONDS}.`);
  }
  return Math.round(Number(s) * 1000);
}

/** -q: mosquitto's "Invalid QoS given: 3" (one blank line); a word that is no number too (atoi made it QoS 0) */
export function qos(raw: string): 0 | 1 | 2 {
  if (raw === '0' || raw === '1' || raw === '2') return Number(raw) as 0 | 1 | 2;
  throw new UsageError(`Invalid QoS given: ${shownNumber(raw, (n) => n < 0 || n > 2)}`);
}
