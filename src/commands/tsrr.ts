// tsrr: a drop-in mosquitto_rr, plus correlation matching, -C, -l, --json and a responder mode.
// Wiring only: the shared setup with tsrr's checks, then connect and run the requester or the
// responder. Through a link named mosquitto_rr it calls itself so and reads that options file first.
import { run, errorSink, type RunContext } from '../cli/runtime/run.ts';
import { setupTool } from '../cli/runtime/setup.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { useColor } from '../cli/runtime/terminal.ts';
import { reportOutages } from '../cli/runtime/outage-notice.ts';
import { PROCESS_STDIN } from '../cli/messages/payload.ts';
import { TSRR } from '../cli/rr/options.ts';
import { buildRrPlan, checkRrOutput } from '../cli/rr/check.ts';

/** MQTT 3.1.1 has nothing to match replies with: said once (README: "tsrr on MQTT 3.1.1") */
const v311Notice = (topic: string): string =>
  `Notice: MQTT 3.1.1 has no Response Topic or Correlation Data: the request goes out plain and the next message on '${topic}' is taken as its reply, unmatched.`;

async function main(argv: string[], ctx: RunContext): Promise<number> {
  const warn = errorSink(ctx);
  const notice = (text: string): void => { if (!ctx.quiet) process.stderr.write(`${text}\n`); };
  const setup = await setupTool(TSRR, argv, ctx, {
    checkOptions: (store) => checkRrOutput(store,
      process.stdout.isTTY === true ? { color: useColor({ isTTY: true, env: process.env, noColorFlag: ctx.noColor }) } : undefined, warn),
    check: (store, built) => buildRrPlan(store, built, PROCESS_STDIN),
  });
  if (!setup) return EXIT.OK;
  const { built, plan, early, store } = setup;
  // the session and the runners load only now: --help, --version and argument errors never load them
  const { Client } = await import('../session/client.ts');
  const client = new Client(built.session, built.reconnect);
  reportOutages(client, notice);
  let runner: { run(): Promise<number>; stop(code: number): void; finished: Promise<number>; stopped: boolean };
  if (plan.mode === 'request') {
    const { Requester } = await import('../cli/rr/requester.ts');
    if (!plan.v5) notice(v311Notice(plan.responseTopic));
    runner = new Requester(client, plan, { stdout: process.stdout, stdin: () => process.stdin, printer: early.printer, json: early.json, pretty: early.pretty, error: warn, notice });
  } else {
    const { Responder } = await import('../cli/rr/responder.ts');
    const prints = store.verbose === true || store.format !== undefined || store.json === true;
    runner = new Responder(client, plan, { stdout: process.stdout, printer: prints ? early.printer : undefined, error: warn, notice });
  }
  const r = runner;
  const stop = (): void => r.stop(EXIT.OK);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  ctx.onEpipe = () => Promise.race([client.end().catch(() => undefined), new Promise((res) => setTimeout(res, 2000).unref())]).then(() => undefined);
  const connected = client.connect().then(() => r.run(), (err: unknown) => (r.stopped ? r.finished : Promise.reject(err)));
  return Promise.race([connected, r.finished]);
}

run(main);
