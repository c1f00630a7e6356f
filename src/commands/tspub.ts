// tspub: a drop-in mosquitto_pub. Wiring only: parse, plan, connect, publish, exit.
import { fstatSync, readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { run, type RunContext } from '../cli/runtime/run.ts';
import { parseOptions } from '../cli/options/parse-options.ts';
import { PUB_OPTIONS, PUB_SYNOPSIS, PUB_TABLE } from '../cli/pub/options.ts';
import { inflightWarning, planPublish } from '../cli/pub/check.ts';
import { buildSession } from '../cli/options/session-options.ts';
import { resolvePassword, ttyPrompt, PASSWORD_ENV } from '../cli/options/password.ts';
import { usageText, type HelpPage } from '../cli/options/help.ts';
import { answerCommonFlags } from '../cli/runtime/info-flags.ts';
import { VERSION } from '../cli/runtime/version.ts';
import { applySrv } from '../cli/options/srv.ts';
import { limitYoungGeneration } from '../cli/runtime/memory.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { errorLine } from '../cli/runtime/run.ts';
import { reportOutages } from '../cli/runtime/outage-notice.ts';
import type { PublishProperties } from '../session/types.ts';

const PAGE: HelpPage = {
  tool: 'tspub',
  summary: 'publishes a message (or one per stdin line) to an MQTT broker and exits.',
  version: VERSION,
  synopsis: PUB_SYNOPSIS,
  specs: PUB_OPTIONS,
  footer: `Files and environment:
  $XDG_CONFIG_HOME/tspub (else ~/.config/tspub; when absent, mosquitto_pub's own file):
       default options, one per line, as on the command line; '#' starts a comment
  ${PASSWORD_ENV}    password, used with -u when neither -P nor --password-file is given
  TSMQTT_KEY_PASSPHRASE    passphrase of an encrypted --key, when no --key-passphrase-file is given
       (neither, on a terminal: "Enter PEM pass phrase:")
  NO_COLOR, FORCE_COLOR    colour policy (also --no-color)
`,
};

function stdinIsDirectory(): boolean {
  try {
    return fstatSync(0).isDirectory();
  } catch {
    return false; // closed: Node gives an empty stream
  }
}

async function main(argv: string[], ctx: RunContext): Promise<number> {
  // the session (net, mqtt-packet) loads while the arguments are parsed, and not at all for
  // --help, --version and argument errors
  const session = Promise.all([import('../session/client.ts'), import('../cli/pub/runner.ts')]);
  ctx.usage = () => usageText(PAGE);
  // stdout holds only -d lines: `tspub -d ... | head -1` must still publish everything
  ctx.epipe = 'continue';
  const { store } = parseOptions({ tool: 'tspub', mosquittoTool: 'mosquitto_pub', table: PUB_TABLE, argv, env: process.env });
  if (answerCommonFlags(store, ctx, PAGE)) return EXIT.OK;
  if (store.completion !== undefined) {
    const { completionScript } = await import('../cli/options/completion.ts');
    process.stdout.write(completionScript('tspub', PUB_OPTIONS, store.completion as string));
    return EXIT.OK;
  }
  // prompt only when a person is there (a terminal on stdin or stderr); the prompt itself uses /dev/tty
  const interactive = isatty(0) || isatty(2); // not process.stdin: it would set up a stream -m never reads
  const password = await resolvePassword(store, { env: process.env, prompt: interactive ? ttyPrompt : undefined });
  let built = buildSession(store, { tool: 'tspub', pid: process.pid, password });
  const plan = planPublish(store, built.properties.publish as PublishProperties | undefined, built.session.protocolVersion, { readStdin: () => readFileSync(0), stdinIsDirectory });
  if (store.srv) {
    await applySrv(store, built.session.transport.kind === 'tls');
    built = buildSession(store, { tool: 'tspub', pid: process.pid, password });
  }
  const warning = inflightWarning(store, built.session.protocolVersion);
  if (warning && !ctx.quiet) process.stderr.write(`${warning}\n`);
  if (store.debug) built.session.debug = (line) => process.stdout.write(`${line}\n`);
  if (plan.mode === 'lines' || plan.repeat > 1000) await limitYoungGeneration();
  const [{ Client }, { Publisher }] = await session;
  const client = new Client(built.session, built.reconnect);
  reportOutages(client, (text) => { if (!ctx.quiet) process.stderr.write(`${text}\n`); });
  await client.connect();
  const errors = { count: 0 };
  const publisher = new Publisher(client, plan, {
    stdin: () => process.stdin,
    v5: built.session.protocolVersion === 5,
    disconnectProperties: built.session.protocolVersion === 5 ? built.properties.disconnect : undefined,
    error: (text) => {
      errors.count++;
      if (!ctx.quiet) process.stderr.write(`${errorLine(new Error(text), ctx)}\n`);
    },
  });
  const result = await publisher.run();
  return result.failed > 0 || result.fatal || errors.count > 0 ? EXIT.FAILURE : EXIT.OK;
}

run(main);
