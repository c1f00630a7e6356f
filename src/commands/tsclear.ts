// tsclear: find the retained messages under topic filters and clear them, dry run first.
// Wiring only: parse, connect, hand over to clearFlow, exit.
import { run, errorLine, type RunContext } from '../cli/runtime/run.ts';
import { parseOptions } from '../cli/options/parse-options.ts';
import { buildSession } from '../cli/options/session-options.ts';
import { resolvePassword, ttyPrompt, PASSWORD_ENV } from '../cli/options/password.ts';
import { usageText, type HelpPage } from '../cli/options/help.ts';
import { answerCommonFlags } from '../cli/runtime/info-flags.ts';
import { VERSION } from '../cli/runtime/version.ts';
import { applySrv } from '../cli/options/srv.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { CLEAR_FOOTER, CLEAR_OPTIONS, CLEAR_SYNOPSIS, CLEAR_TABLE } from '../cli/clear/options.ts';
import { clearSettings } from '../cli/clear/check.ts';
import { clearFlow } from '../cli/clear/runner.ts';
import { ask, canAsk } from '../cli/clear/confirm.ts';
import { progressWanted } from '../cli/clear/progress.ts';
import { connectForClear } from '../cli/clear/connect.ts';
import { reportConnectRetries } from '../cli/runtime/outage-notice.ts';
import type { ProtocolVersion } from '../session/types.ts';

const PAGE: HelpPage = {
  tool: 'tsclear',
  summary: 'finds the retained messages under topic filters and clears them, safely: --dry-run first.',
  version: VERSION,
  synopsis: CLEAR_SYNOPSIS,
  specs: CLEAR_OPTIONS,
  footer: `${CLEAR_FOOTER}
Files and environment:
  $XDG_CONFIG_HOME/tsclear (else ~/.config/tsclear): default options, one per line, as on the
       command line; '#' starts a comment
  ${PASSWORD_ENV}    password, used with -u when neither -P nor --password-file is given
  TSMQTT_KEY_PASSPHRASE    passphrase of an encrypted --key, when no --key-passphrase-file is given
       (neither, on a terminal: "Enter PEM pass phrase:")
  NO_COLOR, FORCE_COLOR    colour policy (also --no-color)
`,
};

async function main(argv: string[], ctx: RunContext): Promise<number> {
  ctx.usage = () => usageText(PAGE);
  const { store } = parseOptions({ tool: 'tsclear', table: CLEAR_TABLE, argv, env: process.env });
  if (answerCommonFlags(store, ctx, PAGE)) return EXIT.OK;
  const settings = clearSettings(store);
  const password = await resolvePassword(store, { env: process.env, prompt: ttyPrompt });
  const storeFor = (version: ProtocolVersion) => (settings.versionChosen ? store : { ...store, protocolVersion: version });
  const build = (version: ProtocolVersion) => {
    const built = buildSession(storeFor(version), { tool: 'tsclear', pid: process.pid, password });
    // stdout carries the dry-run list / JSON, so packet lines go to stderr
    if (store.debug) built.session.debug = (line) => process.stderr.write(`${line}\n`);
    return built;
  };
  if (store.srv) await applySrv(store, build(5).session.transport.kind === 'tls');
  const notice = (text: string): void => { if (!ctx.quiet) process.stderr.write(`${text}\n`); };
  const { client, info } = await connectForClear(build, settings.versionChosen, (c) => reportConnectRetries(c, notice));
  try {
    const code = await clearFlow(client, settings, info, {
      out: (text) => process.stdout.write(text),
      note: (line) => process.stderr.write(`${line}\n`),
      error: (line) => { if (!ctx.quiet) process.stderr.write(`${errorLine(new Error(line), ctx)}\n`); },
      canAsk: canAsk(),
      ask,
      progress: progressWanted(),
    });
    await client.end();
    return code;
  } catch (err) {
    client.destroy();
    throw err;
  }
}

run(main);
