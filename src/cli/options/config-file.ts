// The default options file, with mosquitto's syntax (client_config_load in 2.0.11):
// $XDG_CONFIG_HOME/<tool>, else $HOME/.config/<tool>; when ours is absent, mosquitto's own
// mosquitto_pub / mosquitto_sub file is read, so existing setups carry over.
// One option per line: the option, one space, and the rest of the line as its value (spaces kept);
// a line starting with '#' is a comment; empty lines are skipped; trailing CR/LF removed.
// Ours, beyond mosquitto: a -D line is split on spaces (mosquitto cannot read one at all).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWords, type OptionTable, type Store } from './option-spec.ts';

export interface ConfigLine {
  line: number;
  words: string[];
}

/** Candidate paths, first existing wins. */
export function configPaths(tool: string, mosquittoTool: string | undefined, env: NodeJS.ProcessEnv): string[] {
  const base = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : env.HOME ? join(env.HOME, '.config') : undefined;
  if (!base) return [];
  return mosquittoTool ? [join(base, tool), join(base, mosquittoTool)] : [join(base, tool)];
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

/** Reads the first options file that exists into `store`; returns its path (or undefined). */
export function loadConfigFile(tool: string, mosquittoTool: string | undefined, table: OptionTable<object>, store: Store,
  env: NodeJS.ProcessEnv): string | undefined {
  for (const path of configPaths(tool, mosquittoTool, env)) {
    // the usual case is no file at all: existsSync answers it without building an ENOENT error
    // (the first one costs ~0.7 ms of start-up)
    if (!existsSync(path)) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue; // absent or unreadable: as mosquitto, silently skipped
    }
    for (const { line, words } of splitConfig(text, table)) parseWords(table, words, store, () => `${path} line ${line}`);
    return path;
  }
  return undefined;
}
