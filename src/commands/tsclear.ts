// tsclear: find the retained messages under topic filters and clear them, dry run first.
// Wiring only: the shared setup (cli/runtime/setup.ts) with tsclear's check, connect (MQTT 5, else
// 3.1.1), hand over to the clear runner, exit.
import { run, errorSink, type RunContext } from '../cli/runtime/run.ts';
import { setupTool } from '../cli/runtime/setup.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { reportConnectRetries } from '../cli/runtime/outage-notice.ts';
import { TSCLEAR } from '../cli/clear/options.ts';
import { clearSettings } from '../cli/clear/check.ts';
import { ask, canAsk } from '../cli/clear/confirm.ts';
import { progressWanted } from '../cli/clear/progress.ts';

async function main(argv: string[], ctx: RunContext): Promise<number> {
  const setup = await setupTool(TSCLEAR, argv, ctx, { checkOptions: clearSettings });
  if (!setup) return EXIT.OK;
  const { early: settings, build } = setup;
  // the session loads only now: --help, --version and argument errors never load it
  const [{ connectForClear }, { clearFlow }] = await Promise.all([import('../cli/clear/connect.ts'), import('../cli/clear/runner.ts')]);
  const notice = (text: string): void => { if (!ctx.quiet) process.stderr.write(`${text}\n`); };
  const { client, info } = await connectForClear(build, settings.versionChosen, (c) => reportConnectRetries(c, notice));
  try {
    const code = await clearFlow(client, settings, info, {
      out: (text) => process.stdout.write(text),
      note: (line) => process.stderr.write(`${line}\n`),
      error: errorSink(ctx),
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
