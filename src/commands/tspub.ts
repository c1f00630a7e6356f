// tspub: a drop-in mosquitto_pub. Wiring only: the shared setup (cli/runtime/setup.ts) with
// tspub's check, then connect, publish, exit.
import { run, errorSink, type RunContext } from '../cli/runtime/run.ts';
import { setupTool } from '../cli/runtime/setup.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { limitYoungGeneration } from '../cli/runtime/memory.ts';
import { reportOutages } from '../cli/runtime/outage-notice.ts';
import { PROCESS_STDIN } from '../cli/messages/payload.ts';
import { TSPUB } from '../cli/pub/options.ts';
import { inflightWarning, planPublish } from '../cli/pub/check.ts';

async function main(argv: string[], ctx: RunContext): Promise<number> {
  const setup = await setupTool(TSPUB, argv, ctx, {
    check: (store, built) => planPublish(store, built.properties.publish, built.session.protocolVersion, PROCESS_STDIN),
  });
  if (!setup) return EXIT.OK;
  const { store, built, plan } = setup;
  // the session (net, the client, the publish path) is set up only now: --help, --version and
  // argument errors never load it. Started before the flag change below, so that a code cache
  // made then (bin/load.cjs) holds it too.
  const session = Promise.all([import('../session/client.ts'), import('../cli/pub/runner.ts')]);
  const warning = inflightWarning(store, built.session.protocolVersion);
  if (warning && !ctx.quiet) process.stderr.write(`${warning}\n`);
  if (plan.mode !== 'single' || plan.repeat > 1000) await limitYoungGeneration();
  const [{ Client }, { Publisher }] = await session;
  const client = new Client(built.session, built.reconnect);
  reportOutages(client, (text) => { if (!ctx.quiet) process.stderr.write(`${text}\n`); });
  await client.connect();
  const errors = { count: 0 };
  const errorOut = errorSink(ctx);
  const publisher = new Publisher(client, plan, {
    stdin: () => process.stdin,
    v5: built.session.protocolVersion === 5,
    disconnectProperties: built.session.protocolVersion === 5 ? built.properties.disconnect : undefined,
    error: (text) => {
      errors.count++;
      errorOut(text);
    },
  });
  const result = await publisher.run();
  return result.failed > 0 || result.fatal || errors.count > 0 ? EXIT.FAILURE : EXIT.OK;
}

run(main);
