// `npm run try`: builds the binaries and runs them against an embedded broker in this process,
// so a newcomer sees tspub, tssub and tsclear work with nothing else installed.
import { spawn, execFileSync } from 'node:child_process';
import { startEmbeddedBroker } from './embedded-broker.mjs';

const node = process.execPath;
execFileSync(node, ['scripts/build.mjs'], { stdio: 'inherit' });
const broker = await startEmbeddedBroker({ port: 0 });
const port = String(broker.port);
console.log(`embedded broker (aedes) on 127.0.0.1:${port}\n`);

function run(name, args, input) {
  return new Promise((resolve) => {
    console.log(`$ ${name} ${args.map((a) => (/[\s#*'"]/.test(a) ? `'${a}'` : a)).join(' ')}${input ? `   <<< ${JSON.stringify(input)}` : ''}`);
    const child = spawn(node, [`bin/${name}.cjs`, ...args], { stdio: ['pipe', 'inherit', 'inherit'] });
    child.stdin.end(input ?? '');
    child.on('exit', (code) => { console.log(`(exit ${code})\n`); resolve(code); });
  });
}

const subscribed = new Promise((resolve) => broker.aedes.once('subscribe', resolve));
console.log(`$ tssub -p ${port} -t 'demo/#' -v -C 4 &`);
const sub = spawn(node, ['bin/tssub.cjs', '-p', port, '-t', 'demo/#', '-v', '-C', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
let subOut = '';
sub.stdout.on('data', (b) => { subOut += b; });
const subDone = new Promise((resolve) => sub.on('exit', resolve));
await subscribed;

let failed = 0;
failed += (await run('tspub', ['-p', port, '-t', 'demo/hello', '-m', 'hello from tspub', '-q', '1'])) !== 0;
failed += (await run('tspub', ['-p', port, '-t', 'demo/lines', '-l', '-q', '1'], 'line one\nline two\n')) !== 0;
failed += (await run('tspub', ['-p', port, '-t', 'demo/state', '-m', '{"on":true}', '-r', '-q', '1'])) !== 0;
const subCode = await subDone;
console.log(`tssub printed (exit ${subCode}):\n${subOut}`);
failed += subCode !== 0;
failed += (await run('tsclear', ['-p', port, '-t', 'demo/#', '--dry-run'])) !== 0;
failed += (await run('tsclear', ['-p', port, '-t', 'demo/#', '--yes'])) !== 0;
await broker.stop();
console.log(failed ? `${failed} step(s) failed` : 'all steps succeeded');
process.exitCode = failed ? 1 : 0;
