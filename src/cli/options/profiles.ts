// --profile NAME (or TSMQTT_PROFILE): the options of one named section of one file shared by every
// tool, $XDG_CONFIG_HOME/tsmqtt/profiles (else ~/.config/tsmqtt/profiles), in the options-file
// syntax under `[name]` headers:
//
//   [prod]
//   -h broker.example.com
//   -p 8883
//   --cafile /etc/ssl/certs/ca.pem
//   -u ops
//
// Read after the options file and before the command line, so the command line wins. A profile
// holds the options the tools share (connection, TLS, auth, protocol, will, reconnect); an option
// of one tool only (-t, -C, ...) is an error naming the line; a shared one a tool does not take
// (tsbench has no -i) is skipped there.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../runtime/errors.ts';
import { COMMON_OPTIONS } from './common-options.ts';
import { configBase, splitConfig } from './config-file.ts';
import { parseWords, type OptionTable, type Store } from './option-spec.ts';

export const PROFILE_ENV = 'TSMQTT_PROFILE';

/** where the profiles are (undefined without XDG_CONFIG_HOME and HOME) */
export function profilesPath(env: NodeJS.ProcessEnv): string | undefined {
  const base = configBase(env);
  return base === undefined ? undefined : join(base, 'tsmqtt', 'profiles');
}

/** the profile asked for: --profile NAME / --profile=NAME on the command line, else TSMQTT_PROFILE */
export function profileArg(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === '--profile') {
      if (i === argv.length - 1) throw new UsageError('--profile argument given but no profile name specified.', { blank: 2 });
      name = argv[++i]!;
    } else if (w.startsWith('--profile=')) name = w.slice('--profile='.length);
  }
  return name ?? (env[PROFILE_ENV] || undefined);
}


/** Parses profile `name` into store; returns the file it came from. */
export function loadProfile(name: string, table: OptionTable<object>, store: Store, env: NodeJS.ProcessEnv): string {
  const path = profilesPath(env);
  if (path === undefined) throw new UsageError(`Profile '${name}' asked for, but neither XDG_CONFIG_HOME nor HOME is set to find the profiles file.`);
  if (!existsSync(path)) throw new UsageError(`Profile '${name}' asked for, but there is no profiles file ${path}.`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Unable to read the profiles file ${path}: ${(err as Error).message}.`);
  }
  const lines = text.split('\n');
  const names: string[] = [];
  let start = -1;
  let end = lines.length;
  for (let n = 0; n < lines.length; n++) {
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(lines[n]!);
    if (!header) continue;
    names.push(header[1]!.trim());
    if (start >= 0 && end === lines.length) end = n;
    if (header[1]!.trim() === name && start < 0) start = n + 1;
  }
  if (start < 0) {
    const has = names.length ? ` (it has: ${names.join(', ')})` : ' (it has no [name] sections)';
    throw new UsageError(`No profile '${name}' in ${path}${has}.`);
  }
  // the section's lines, numbered as in the file (lines outside it are blanked, not removed)
  const section = lines.map((l, n) => (n >= start && n < end ? l : '')).join('\n');
  // built here, not at load: profiles.ts is on every start's path, a profile on few
  const shared: ReadonlySet<string> = new Set<string>(COMMON_OPTIONS.flatMap((s) => s.names));
  for (const { line, words } of splitConfig(section, table)) {
    const where = `${path} line ${line}`;
    if (!shared.has(words[0]!) || words[0] === '--profile') {
      throw new UsageError(`${where}: ${words[0]} cannot be in a profile (a profile holds the options every tool shares: connection, TLS, authentication, protocol).`);
    }
    if (!table.has(words[0]!)) continue; // a shared option this tool does not take (tsbench: -i)
    parseWords(table, words, store, () => where);
  }
  return path;
}
