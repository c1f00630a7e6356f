// tsbench: MQTT load and latency benchmarks (conn, pub, sub, pubsub) on the shared client core.
// Wiring only: the scenario word, the shared setup with tsbench's check, then the run
// (cli/bench/coordinator.ts) and its summary; --fail-if sets the exit code. In a worker thread the
// same binary runs one share of the clients (argv: the worker flag).
import { run, errorLine, type RunContext } from '../cli/runtime/run.ts';
import { setupTool } from '../cli/runtime/setup.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { UsageError } from '../cli/runtime/errors.ts';
import { SCENARIOS, TSBENCH, WORKER_FLAG, type Scenario } from '../cli/bench/options.ts';
import { planBench } from '../cli/bench/check.ts';
import { failedThresholds } from '../cli/bench/fail-if.ts';

/** the first word: a scenario; --help, --version and --completion pass through */
function scenarioOf(argv: string[]): Scenario | undefined {
  const first = argv[0];
  if (first === undefined) throw new UsageError('Give a scenario: tsbench conn|pub|sub|pubsub [options].');
  if ((SCENARIOS as readonly string[]).includes(first)) return first as Scenario;
  if (first.startsWith('-')) {
    if (argv.some((a) => a === '--help' || a === '--version' || a === '--completion')) return undefined;
    throw new UsageError(`Give a scenario first: tsbench conn|pub|sub|pubsub [options] (got '${first}').`);
  }
  if (first === 'merge') throw new UsageError('tsbench merge is not in this build yet.');
  throw new UsageError(`Unknown scenario '${first}' (use conn, pub, sub, pubsub or merge).`);
}

async function main(argv: string[], ctx: RunContext): Promise<number> {
  if (argv[0] === WORKER_FLAG) {
    const { runBenchWorker } = await import('../cli/bench/worker.ts');
    return runBenchWorker();
  }
  const scenario = scenarioOf(argv);
  const setup = await setupTool(TSBENCH, scenario ? argv.slice(1) : argv, ctx, {
    check: (store, built) => planBench(scenario ?? 'pub', store, built),
  });
  if (!setup || !scenario) return EXIT.OK;
  ctx.quiet = setup.store.quiet === true;
  const plan = setup.plan;
  const [{ Client }, { runBench }, { summaryText }, { liveLine }] = await Promise.all([
    import('../session/client.ts'), import('../cli/bench/coordinator.ts'), import('../cli/bench/summary.ts'), import('../cli/bench/live.ts'),
  ]);
  let last: Parameters<typeof liveLine>[2];
  const live = process.stderr.isTTY === true;
  let summary;
  try {
    summary = await runBench(plan, {
      Client,
      script: process.argv[1]!,
      onTick: live ? (t, s) => { process.stderr.write(liveLine(t, s, last)); last = t; } : undefined,
      onInterrupt: (stop) => { process.once('SIGINT', stop); process.once('SIGTERM', stop); },
    });
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    if (code === undefined) throw err;
    if (!ctx.quiet) process.stderr.write(`${errorLine(err, ctx)}\n`);
    return code;
  }
  if (live && last) process.stderr.write('\r\x1b[K');
  process.stdout.write(plan.json ? `${JSON.stringify(summary)}\n` : summaryText(summary));
  const failed = failedThresholds(plan.failIf, summary);
  for (const line of failed) process.stderr.write(`${line}\n`);
  return failed.length > 0 ? EXIT.THRESHOLD : EXIT.OK;
}

run(main);
