// tsdump: MQTT traffic, packet by packet, from a decoding proxy (--listen/--to) or a capture
// file (-r). Wiring only: the shared setup with tsdump's check, then the proxy or the reader.
import { run, type RunContext } from '../cli/runtime/run.ts';
import { setupTool } from '../cli/runtime/setup.ts';
import { EXIT } from '../cli/runtime/exit-codes.ts';
import { useColor } from '../cli/runtime/terminal.ts';
import { TSDUMP } from '../cli/dump/options.ts';
import { planDump } from '../cli/dump/check.ts';
import { DumpOut, PROXY_QUEUE_LIMIT } from '../cli/dump/out.ts';
import { makeDumper } from '../cli/dump/make-dumper.ts';

async function main(argv: string[], ctx: RunContext): Promise<number> {
  const setup = await setupTool(TSDUMP, argv, ctx, { check: (store, built) => planDump(store, built) });
  if (!setup) return EXIT.OK;
  const { plan } = setup;
  const color = !plan.output.json && useColor({ isTTY: process.stdout.isTTY, env: process.env, noColorFlag: ctx.noColor });
  const out = new DumpOut(process.stdout, plan.mode === 'proxy' ? PROXY_QUEUE_LIMIT : Infinity);
  if (plan.mode === 'read') {
    const { readCapture } = await import('../cli/dump/capture-runner.ts');
    const dumper = makeDumper(plan.output, 'capture', color, out);
    const r = await readCapture(plan.file, plan.port, dumper, out, () => process.stdin);
    if (r.cutShort && !ctx.quiet) process.stderr.write(`Warning: ${r.cutShort}; the packets before it were read.\n`);
    return EXIT.OK;
  }
  const { startProxy } = await import('../cli/dump/proxy-runner.ts');
  const dumper = makeDumper(plan.output, 'proxy', color, out);
  const { relay, port } = await startProxy(plan, dumper);
  if (!ctx.quiet) process.stderr.write(`tsdump: listening on ${plan.listen.host}:${port}${plan.listenTls ? ' (TLS)' : ''}, forwarding to ${setup.built.session.transport.kind === 'tls' ? 'TLS ' : ''}${plan.upstream.kind === 'tcp' || plan.upstream.kind === 'tls' ? `${plan.upstream.host}:${plan.upstream.port}` : 'the broker'}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGHUP', resolve);
  });
  await relay.close();
  await out.drained();
  if (out.skippedTotal > 0 && !ctx.quiet) {
    process.stderr.write(`Warning: ${out.skippedTotal} packets were not shown: stdout was slower than the traffic (all were forwarded).\n`);
  }
  return EXIT.OK;
}

run(main);
