// The options file, with mosquitto's syntax (client_config_load in 2.0.11): -o FILE (mosquitto 2.1),
// else the default one, $XDG_CONFIG_HOME/<tool>, else $HOME/.config/<tool>; when ours is absent,
// mosquitto's own mosquitto_pub / mosquitto_sub file is read, so existing setups carry over. Invoked
// as mosquitto_pub (a link), the tool reads mosquitto_pub's file first, then ours.
// One option per line: the option, one space, and the rest of the line as its value (spaces kept);
// a line starting with '#' is a comment; empty lines are skipped; trailing CR/LF removed.
// Ours, beyond mosquitto: a -D line is split on spaces (mosquitto cannot read one at all).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argError, UsageError } from '../runtime/errors.ts';
import { parseWords, type OptionTable, type Store } from './option-spec.ts';

/** Whose default options file: our name, mosquitto's, and the name the tool was invoked as. */
export interface FileNames {
  tool: string;
  mosquittoTool?: string;
  invokedAs?: string;
}

export interface ConfigLine {
  line: number;
  words: string[];
}

/** $XDG_CONFIG_HOME, else ~/.config; undefined with neither (`env -i mosquitto_pub`) */
export function configBase(env: NodeJS.ProcessEnv): string | undefined {
  return env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : env.HOME ? join(env.HOME, '.config') : undefined;
}

/** Candidate paths, first existing wins (none without XDG_CONFIG_HOME and HOME: `env -i mosquitto_pub`). */
export function configPaths(names: FileNames, env: NodeJS.ProcessEnv): string[] {
  const { tool, mosquittoTool, invokedAs } = names;
  const base = configBase(env);
  if (!base) return [];
  if (!mosquittoTool) return [join(base, tool)];
  const order = invokedAs === mosquittoTool ? [mosquittoTool, tool] : [tool, mosquittoTool];
  return order.map((n) => join(base, n));
}

/**
 * -o FILE as mosquitto 2.1's client_config_options_file finds it: any word '-o' of the command line
 * (even one that would be another option's value), before anything else is parsed.
 */
export function optionsFileArg(argv: readonly string[]): string | undefined {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '-o') continue;
    if (file !== undefined) throw argError('Duplicate -o argument given.');
    if (i === argv.length - 1) throw argError('-o argument given but no options file specified.');
    file = argv[++i]!;
  }
  return file;
}

export function splitConfig(text: string, table: OptionTable<object>): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.startsWith('#')) continue;
    line = line.replace(/[\r\n]+$/, '');
    // strtok(line, " "): skip leading spaces, the option ends at the next space
    const trimmed = line.replace(/^ +/, '');
    if (trimmed === '') continue;
    const sp = trimmed.indexOf(' ');
    const opt = sp < 0 ? trimmed : trimmed.slice(0, sp);
    const rest = sp < 0 ? '' : trimmed.slice(sp + 1);
    const words = [opt];
    if (table.lookup(opt)?.kind === 'property') words.push(...rest.split(' ').filter((w) => w !== ''));
    else if (rest !== '') words.push(rest);
    out.push({ line: n + 1, words });
  }
  return out;
}

function parseFile(path: string, text: string, table: OptionTable<object>, store: Store): void {
  for (const { line, words } of splitConfig(text, table)) parseWords(table, words, store, () => `${path} line ${line}`);
}

/** -o FILE: read instead of the default file. Unlike mosquitto 2.1 (which skips it silently), an unreadable one is an error. */
export function loadOptionsFile(path: string, table: OptionTable<object>, store: Store): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Unable to open options file "${path}".`);
  }
  parseFile(path, text, table, store);
  return path;
}

/** Reads the first default options file that exists into `store`; returns its path (or undefined). */
export function loadConfigFile(names: FileNames, table: OptionTable<object>, store: Store, env: NodeJS.ProcessEnv): string | undefined {
  for (const path of configPaths(names, env)) {
    // the usual case is no file at all: existsSync answers it without building an ENOENT error
    // (the first one costs ~0.7 ms of start-up)
    if (!existsSync(path)) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // absent or unreadable: as mosquitto, silently skipped
    }
    parseFile(path, text, table, store);
    return path;
  }
  return undefined;
}
