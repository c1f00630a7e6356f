// The floor of any Node.js proxy, for bench/dump-figures.ts: a bare TCP relay (the pipe of
// session/relay.ts: write, pause on a full side, resume on 'drain') that decodes and prints
// nothing. What tsdump cannot beat on this box. Run: node bench/relay-floor.mjs LISTEN_PORT TO_PORT
import net from 'node:net';

const [listen, to] = process.argv.slice(2).map(Number);
const pipe = (from, dst) => {
  from.on('data', (chunk) => { if (!dst.write(chunk)) { from.pause(); dst.once('drain', () => from.resume()); } });
  from.on('end', () => dst.end());
};
net.createServer({ allowHalfOpen: true, noDelay: true }, (c) => {
  c.pause();
  const b = net.connect(to, '127.0.0.1', () => { b.setNoDelay(true); pipe(c, b); pipe(b, c); c.resume(); });
  const stop = () => { c.destroy(); b.destroy(); };
  c.on('error', stop); b.on('error', stop); c.on('close', stop); b.on('close', stop);
}).listen(listen, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
