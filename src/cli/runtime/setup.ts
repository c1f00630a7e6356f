// The start every binary shares, in one place and in this order: parse argv (after the options
// file), answer --help / --version / --completion, check the options, settle the secrets (password,
// key passphrase), build the session options, run the tool's cross-field check, resolve -S, and
// route the -d packet lines. Bad input is found before anything touches the network.
import type { RunContext } from './run.ts';
import type { UsageError } from './errors.ts';
import { answerCommonFlags } from './info-flags.ts';
import { VERSION } from './version.ts';
import { parseOptions } from '../options/parse-options.ts';
import type { OptionTable } from '../options/option-spec.ts';
import type { CommonStore } from '../options/common-options.ts';
import { buildSession, type BuiltSession } from '../options/session-options.ts';
import { resolvePassword, ttyPrompt } from '../options/password.ts';
import { applySrv } from '../options/srv.ts';
import { helpText, type HelpPage } from '../options/help.ts';
import type { ProtocolVersion } from '../../session/types.ts';
import type { CompletionSource } from '../options/completion-model.ts';

/** What the shared setup reads of any tool's store: the shared options (--completion among them). */
export type ToolStore = CommonStore;

/** A subcommand (tsbench conn|pub|...): its summary and option table, for --completion and the man page. */
export interface Subcommand {
  name: string;
  summary: string;
  table: OptionTable<object>;
}

/** What a binary is, for the shared setup: declared in its tool folder's options.ts. S: its store type (PubStore, ...). */
export interface Tool<S extends ToolStore = ToolStore> {
  /** the binary: 'tspub' (its options file is ~/.config/tspub) */
  name: string;
  /** the mosquitto client it stands in for: its options file is read when ours is absent */
  mosquittoName?: string;
  /** --help's first line, after the name */
  summary: string;
  synopsis: string[];
  table: OptionTable<S>;
  /** `tool NAME [options]`: completed as the first word, each with its own options */
  subcommands?: readonly Subcommand[];
  /** the tool's own --help sections, before "Files and environment:" and after it */
  helpBefore?: string;
  helpAfter?: string;
  /** the MQTT version when neither -V nor -D chose one (default 3.1.1, as mosquitto's) */
  defaultVersion?: ProtocolVersion;
  /** where -d packet lines go: stdout, as mosquitto prints them; stderr when stdout carries a document */
  debugTo: 'stdout' | 'stderr';
  /** stdout holds -d lines only: on EPIPE the tool goes on (`tspub -d ... | head -1` still publishes) */
  stdoutIsDecoration?: boolean;
  /** ask for a missing password or passphrase on /dev/tty: 'always', or only when stdin or stderr is a terminal */
  prompt: 'always' | 'interactive';
}

export interface SetupHooks<S, Early, Plan> {
  /** after parsing, before any secret is asked for: checks of the options alone (tssub: a topic, -F) */
  checkOptions?(store: S): Early;
  /** the tool's cross-field check, once the session options are built and before -S looks anything up */
  check?(store: S, built: BuiltSession, early: Early): Plan;
  /** a -d line sink instead of debugTo (tssub: the subscriber's output batch) */
  debug?(line: string): void;
}

export interface ToolSetup<S, Early, Plan> {
  store: S;
  early: Early;
  plan: Plan;
  /** the session options, -S applied, -d lines routed */
  built: BuiltSession;
  /** build them again with another default MQTT version (tsclear falls back to 3.1.1) */
  build(defaultVersion?: ProtocolVersion): BuiltSession;
}

/** invokedAs: through a link under the mosquitto client's name, --help and --version use that name */
export function helpPage<S extends ToolStore>(tool: Tool<S>, invokedAs?: string): HelpPage {
  const asMosquitto = invokedAs !== undefined && invokedAs === tool.mosquittoName;
  return {
    tool: asMosquitto ? invokedAs : tool.name, mosquittoTool: asMosquitto ? tool.name : tool.mosquittoName, summary: tool.summary, version: VERSION,
    synopsis: tool.synopsis, specs: tool.table.specs, before: tool.helpBefore, after: tool.helpAfter,
  };
}

/** what completions/ and --completion are drawn from: the tool's table and its subcommands' */
export function completionSource<S extends ToolStore>(tool: Tool<S>): CompletionSource {
  return {
    name: tool.name, specs: tool.table.specs,
    subcommands: tool.subcommands?.map((s) => ({ name: s.name, summary: s.summary, specs: s.table.specs })),
  };
}

/**
 * The prompt only when a person is there: a terminal on stdin or stderr (the prompt itself uses
 * /dev/tty). isatty, not process.stdin: that would set up a stream -m never reads; node:tty is
 * loaded only here (it loads node:net: ~1 ms of every start).
 */
async function promptWhenInteractive(question: string, noTerminal: UsageError): Promise<string> {
  const { isatty } = await import('node:tty');
  if (!isatty(0) && !isatty(2)) throw noTerminal;
  return ttyPrompt(question, noTerminal);
}

/** undefined when --help, --version or --completion was answered: the command exits 0. */
export async function setupTool<S extends ToolStore, Early = undefined, Plan = undefined>(tool: Tool<S>, argv: string[], ctx: RunContext,
  hooks: SetupHooks<S, Early, Plan> = {}): Promise<ToolSetup<S, Early, Plan> | undefined> {
  if (!ctx.name) ctx.name = tool.name;
  const page = helpPage(tool, ctx.name);
  ctx.help = () => helpText(page);
  if (tool.stdoutIsDecoration) ctx.epipe = 'continue';
  const { store } = parseOptions({ tool: tool.name, mosquittoTool: tool.mosquittoName, invokedAs: ctx.name, table: tool.table, argv, env: process.env });
  if (answerCommonFlags(store, ctx, page)) return undefined;
  if (store.completion !== undefined) {
    const { completionScript } = await import('../options/completion.ts');
    process.stdout.write(completionScript(completionSource(tool), store.completion));
    return undefined;
  }
  const early = hooks.checkOptions?.(store) as Early;
  const prompt = tool.prompt === 'always' ? ttyPrompt : promptWhenInteractive;
  const password = await resolvePassword(store, { env: process.env, prompt });
  const debug = hooks.debug ?? (tool.debugTo === 'stdout'
    ? (line: string) => { process.stdout.write(`${line}\n`); }
    : (line: string) => { process.stderr.write(`${line}\n`); });
  const build = (defaultVersion = tool.defaultVersion): BuiltSession => {
    const chosen = store.protocolVersion !== undefined || (store.properties?.length ?? 0) > 0;
    const built = buildSession(chosen || defaultVersion === undefined ? store : { ...store, protocolVersion: defaultVersion },
      { tool: tool.name, pid: process.pid, password });
    if (store.debug) built.session.debug = debug;
    return built;
  };
  let built = build();
  const plan = hooks.check?.(store, built, early) as Plan;
  if (store.srv) {
    await applySrv(store, built.session.transport.kind === 'tls');
    built = build();
  }
  // what goes wrong from here on is no argument error: no Use line (tsclear's missing --yes)
  ctx.argumentsChecked = true;
  return { store, early, plan, built, build };
}
