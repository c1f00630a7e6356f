// tssub: a drop-in mosquitto_sub. Wiring only: parse, build the printer (a bad -F fails here, before
// connecting), connect, subscribe, print until -C / -W / -E / --retained-only / a signal / EPIPE.
import { run, errorLine, type RunContext } from '../cli/runtime/run.ts';
import { parseOptions } from '../cli/options/parse-options.ts';
import { SUB_OPTIONS, SUB_SYNOPSIS, SUB_TABLE } from '../cli/sub/options.ts';
import { buildSession } from '../cli/options/session-options.ts';
import { resolvePassword, ttyPrompt, PASSWORD_ENV } from '../cli/options/password.ts';
import { usageText, type HelpPage } from '../cli/options/help.ts';
import { answerCommonFlags } from '../cli/runtime/info-flags.ts';
import { VERSION } from '../cli/runtime/version.ts';
import { applySrv } from '../cli/options/srv.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { UsageError } from '../cli/runtime/errors.ts';
import { useColor } from '../cli/runtime/terminal.ts';
import { createPrinter } from '../cli/output/index.ts';
import { Subscriber } from '../cli/sub/runner.ts';
import { buildSubPlan } from '../cli/sub/check.ts';
import { Client } from '../session/client.ts';

const PAGE: HelpPage = {
  tool: 'tssub',
  summary: 'subscribes to topics on an MQTT broker and prints the messages it receives.',
  version: VERSION,
  synopsis: SUB_SYNOPSIS,
  specs: SUB_OPTIONS,
  footer: `-F format (as mosquitto_sub): %t topic, %p payload, %x/%X hex (%.2x, %.2:x grouped), %l length,
  %q qos, %r retain, %m message id, %j/%J JSON, %I ISO time, %U unix time, %d/%f binary double/float,
  MQTT 5: %A alias, %C content type, %D correlation data, %E expiry, %F format indicator,
  %P user properties, %R response topic, %S subscription id; flags 0 and -, width, .precision;
  @Y @m @d @H @M @S @z ... strftime, @N nanoseconds, @@; escapes \\n \\t \\0 \\e \\\\ \\a \\r \\v.
Reconnecting: after a lost connection tssub reconnects with backoff and subscribes again
  (--no-reconnect: exit 1 instead; --retry-connect: also retry when the broker is down at start).
Files and environment:
  $XDG_CONFIG_HOME/tssub (else ~/.config/tssub; when absent, mosquitto_sub's own file):
       default options, one per line, as on the command line; '#' starts a comment
  ${PASSWORD_ENV}    password, used with -u when neither -P nor --password-file is given
  TSMQTT_KEY_PASSPHRASE    passphrase of an encrypted --key, when no --key-passphrase-file is given
       (neither, on a terminal: "Enter PEM pass phrase:")
  NO_COLOR, FORCE_COLOR    colour policy (also --no-color)
tssub exits 0 after -C, -E, --retained-only, --snapshot, Ctrl+C, SIGTERM or a closed pipe,
  and 27 when -W runs out ("Timed out" on stderr).
`,
};

async function main(argv: string[], ctx: RunContext): Promise<number> {
  ctx.usage = () => usageText(PAGE);
  const { store } = parseOptions({ tool: 'tssub', mosquittoTool: 'mosquitto_sub', table: SUB_TABLE, argv, env: process.env });
  if (answerCommonFlags(store, ctx, PAGE)) return EXIT.OK;
  const filters = (store.topic as string[] | undefined) ?? [];
  if (filters.length === 0) throw new UsageError('You must specify a topic to subscribe to (-t filter).', { showUsage: true });
  const warn = (line: string): void => { if (!ctx.quiet) process.stderr.write(`${errorLine(new Error(line), ctx)}\n`); };
  const tty = process.stdout.isTTY === true;
  const printer = createPrinter({
    format: store.format as string | undefined,
    verbose: store.verbose === true,
    eol: store.noEol !== true,
    pretty: store.pretty === true,
    json: store.json === true,
    decorate: tty ? { color: useColor({ isTTY: true, env: process.env, noColorFlag: ctx.noColor }) } : undefined,
    warn,
  });
  const password = await resolvePassword(store, { env: process.env, prompt: ttyPrompt });
  let built = buildSession(store, { tool: 'tssub', pid: process.pid, password });
  if (store.srv) {
    await applySrv(store, built.session.transport.kind === 'tls');
    built = buildSession(store, { tool: 'tssub', pid: process.pid, password });
  }
  // -d lines share the subscriber's output batch (created below, called only once connecting)
  if (store.debug) built.session.debug = (line) => sub.debugLine(line);
  const plan = buildSubPlan(store, built, filters);
  const client = new Client(built.session, built.reconnect);
  const sub = new Subscriber(client, plan, {
    stdout: process.stdout,
    printer,
    error: warn,
    notice: (text) => { if (!ctx.quiet) process.stderr.write(`${text}\n`); },
    debug: store.debug ? (line) => sub.debugLine(line) : undefined,
  });
  // Ctrl+C, SIGTERM and a closed pipe (`| head -1`) all end with a clean DISCONNECT and exit 0
  const stop = (): void => sub.stop(EXIT.OK);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  // the reader is gone: DISCONNECT cleanly, but never wait long for a broker that does not answer
  ctx.onEpipe = () => Promise.race([client.end().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]).then(() => undefined);
  // Ctrl+C or -W while still connecting (--retry-connect) ends here too
  return Promise.race([client.connect().then(() => sub.run()), sub.finished]);
}

run(main);
