// tssub: a drop-in mosquitto_sub. Wiring only: the shared setup (cli/runtime/setup.ts) with tssub's
// checks (a bad -F fails there, before connecting), then connect, subscribe, print until -C / -W /
// -E / --retained-only / a signal / EPIPE.
import { run, errorSink, type RunContext } from '../cli/runtime/run.ts';
import { setupTool } from '../cli/runtime/setup.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { useColor } from '../cli/runtime/terminal.ts';
import { TSSUB } from '../cli/sub/options.ts';
import { buildSubPlan, checkSubOptions } from '../cli/sub/check.ts';
import { Subscriber } from '../cli/sub/runner.ts';

async function main(argv: string[], ctx: RunContext): Promise<number> {
  const warn = errorSink(ctx);
  // -d lines share the subscriber's output batch (the session's packet lines and "Subscribed ...");
  // the subscriber is created below, and lines come only once it connects
  let sub: Subscriber | undefined;
  const debugLine = (line: string): void => sub!.debugLine(line);
  const setup = await setupTool(TSSUB, argv, ctx, {
    checkOptions: (store) => checkSubOptions(store,
      process.stdout.isTTY === true ? { color: useColor({ isTTY: true, env: process.env, noColorFlag: ctx.noColor }) } : undefined, warn),
    check: (store, built, { filters }) => buildSubPlan(store, built, filters),
    debug: debugLine,
  });
  if (!setup) return EXIT.OK;
  const { built, plan } = setup;
  // the session loads only now: --help, --version and argument errors never load it
  const { Client } = await import('../session/client.ts');
  const client = new Client(built.session, built.reconnect);
  sub = new Subscriber(client, plan, {
    stdout: process.stdout,
    printer: setup.early.printer,
    error: warn,
    notice: (text) => { if (!ctx.quiet) process.stderr.write(`${text}\n`); },
    debug: setup.store.debug ? debugLine : undefined,
    screen: process.stdout.isTTY === true ? process.stdout : undefined,
  });
  const subscriber = sub;
  // Ctrl+C, SIGTERM and a closed pipe (`| head -1`) all end with a clean DISCONNECT and exit 0
  const stop = (): void => subscriber.stop(EXIT.OK);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  // the reader is gone: DISCONNECT cleanly, but never wait long for a broker that does not answer
  ctx.onEpipe = () => Promise.race([client.end().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]).then(() => undefined);
  // Ctrl+C or -W while still connecting (--retry-connect) ends here too
  const connected = client.connect().then(() => subscriber.run(), (err: unknown) => (subscriber.stopped ? subscriber.finished : Promise.reject(err)));
  return Promise.race([connected, subscriber.finished]);
}

run(main);
