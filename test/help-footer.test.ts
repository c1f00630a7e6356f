// The end of --help is generated (options/help.ts): the options file from the tool's name and its
// mosquitto client's, then every environment variable the tools read, so that a new tool or a
// new variable cannot be forgotten in one --help (tsclear's once lacked TSMQTT_KEY_PASSPHRASE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { filesAndEnvironment, helpText } from '../src/cli/options/help.ts';
import { helpPage, type Tool } from '../src/cli/runtime/setup.ts';
import { TSPUB } from '../src/cli/pub/options.ts';
import { TSSUB } from '../src/cli/sub/options.ts';
import { TSCLEAR } from '../src/cli/clear/options.ts';
import { TSRR } from '../src/cli/rr/options.ts';
import { TSBENCH } from '../src/cli/bench/options.ts';

const TOOLS: Tool[] = [TSPUB, TSSUB, TSCLEAR, TSRR, TSBENCH];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|cjs)$/.test(p) ? [p] : [];
  });
}

/** Variables src/ and bin/ read (env.NAME) or name (TSMQTT_*, XDG_*_HOME, NO_COLOR, FORCE_COLOR). */
function variablesRead(): string[] {
  const names = new Set<string>();
  for (const f of [...files('src'), ...files('bin')]) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)|\b(TSMQTT_[A-Z0-9_]+|XDG_[A-Z]+_HOME|NO_COLOR|FORCE_COLOR)\b/g)) names.add((m[1] ?? m[2])!);
  }
  // HOME is the '~' of the paths; TERM=dumb is the terminal's own convention, not ours to list
  names.delete('HOME');
  names.delete('TERM');
  return [...names].sort();
}

test('every environment variable the tools read is in every tool\'s --help', () => {
  const vars = variablesRead();
  for (const v of ['TSMQTT_PASSWORD', 'TSMQTT_KEY_PASSPHRASE', 'NO_COLOR', 'FORCE_COLOR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'TSMQTT_NO_COMPILE_CACHE']) {
    assert.ok(vars.includes(v), `the scan finds ${v}`);
  }
  for (const tool of TOOLS) {
    const help = helpText(helpPage(tool));
    for (const v of vars) assert.match(help, new RegExp(`\\b${v}\\b`), `${tool.name} --help names ${v}`);
  }
});

test('the files and environment section follows the tool\'s name and its mosquitto client', () => {
  const env = `  TSMQTT_PASSWORD    password, used with -u when neither -P nor --password-file is given
  TSMQTT_KEY_PASSPHRASE    passphrase of an encrypted --key, when no --key-passphrase-file is given
       (neither, on a terminal: "Enter PEM pass phrase:")
  NO_COLOR, FORCE_COLOR    colour policy (also --no-color)
  TSMQTT_PROFILE    the profile to use when no --profile is given: a [name] section of
       $XDG_CONFIG_HOME/tsmqtt/profiles (else ~/.config/tsmqtt/profiles)
`;
  assert.equal(filesAndEnvironment('tspub', 'mosquitto_pub'), `Files and environment:
  $XDG_CONFIG_HOME/tspub (else ~/.config/tspub; when absent, mosquitto_pub's own file):
       default options, one per line, as on the command line; '#' starts a comment
${env}`);
  assert.equal(filesAndEnvironment('tsclear'), `Files and environment:
  $XDG_CONFIG_HOME/tsclear (else ~/.config/tsclear): default options, one per line, as on the
       command line; '#' starts a comment
${env}`);
  for (const tool of TOOLS) {
    const help = helpText(helpPage(tool));
    assert.ok(help.includes(filesAndEnvironment(tool.name, tool.mosquittoName)), tool.name);
    assert.ok(help.includes(`\nCache: $XDG_CACHE_HOME/tsmqtt (else ~/.cache/tsmqtt) keeps V8's compiled code of the tools for a\n  faster start;`), tool.name);
  }
});
