// tsbench: MQTT load and latency benchmarks (conn, pub, sub, pubsub) on the shared client core.
// Wiring only: the scenario word, the shared setup with tsbench's check, then the run
// (cli/bench/coordinator.ts) and its summary (--csv/--html files created before the run); --fail-if
// sets the exit code. `tsbench merge FILE...` adds up --json summaries (cli/bench/merge-command.ts).
// In a worker thread the same binary runs one share of the clients (argv: the worker flag).
import { run, errorLine, type RunContext } from '../cli/runtime/run.ts';
import { setupTool } from '../cli/runtime/setup.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { UsageError } from '../cli/runtime/errors.ts';
import { SCENARIOS, TSBENCH, WORKER_FLAG, type Scenario } from '../cli/bench/options.ts';
import { parseMergeArgs } from '../cli/bench/merge-options.ts';
import { helpPage } from '../cli/runtime/setup.ts';
import { helpText } from '../cli/options/help.ts';
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
  throw new UsageError(`Unknown scenario '${first}' (use conn, pub, sub, pubsub or merge).`);
}

/** tsbench merge FILE... [--json] [--csv FILE] [--html FILE] */
async function merge(words: string[], ctx: RunContext): Promise<number> {
  const { files, store } = parseMergeArgs(words);
  if (store.help) { process.stdout.write(helpText(helpPage(TSBENCH, ctx.name))); return EXIT.OK; }
  ctx.argumentsChecked = true;
  const [{ runMerge, readStdinText }, { summaryText }] = await Promise.all([import('../cli/bench/merge-command.ts'), import('../cli/bench/summary.ts')]);
  return runMerge(files, {
    readStdin: readStdinText,
    write: (text) => { process.stdout.write(text); },
    error: (message) => { process.stderr.write(`${errorLine(new Error(message), ctx)}\n`); },
    print: (s) => (store.json ? `${JSON.stringify(s)}\n` : summaryText(s)),
    csv: store.csv, html: store.html,
  });
}

async function main(argv: string[], ctx: RunContext): Promise<number> {
  if (argv[0] === WORKER_FLAG) {
    const { runBenchWorker } = await import('../cli/bench/worker.ts');
    return runBenchWorker();
  }
  if (argv[0] === 'merge') return merge(argv.slice(1), ctx);
  const scenario = scenarioOf(argv);
  const setup = await setupTool(TSBENCH, scenario ? argv.slice(1) : argv, ctx, {
    check: (store, built) => planBench(scenario ?? 'pub', store, built),
  });
  if (!setup || !scenario) return EXIT.OK;
  ctx.quiet = setup.store.quiet === true;
  const plan = setup.plan;
  const { openReports } = await import('../cli/bench/report-files.ts');
  const reports = await openReports(plan);
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
    await reports.close();
    const code = (err as { exitCode?: number }).exitCode;
    if (code === undefined) throw err;
    if (!ctx.quiet) process.stderr.write(`${errorLine(err, ctx)}\n`);
    return code;
  }
  if (live && last) process.stderr.write('\r\x1b[K');
  process.stdout.write(plan.json ? `${JSON.stringify(summary)}\n` : summaryText(summary));
  // after the summary: a file that fails now does not cost the run's figures
  await reports.write(summary);
  const failed = failedThresholds(plan.failIf, summary);
  for (const line of failed) process.stderr.write(`${line}\n`);
  return failed.length > 0 ? EXIT.THRESHOLD : EXIT.OK;
}

run(main);
