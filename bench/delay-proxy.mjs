#!/usr/bin/env node
// bench/delay-proxy.mjs - a TCP proxy on 127.0.0.1 that hands each chunk from the clients to the
// broker DELAY_MS later (order kept; the other direction passes at once), so an end-to-end latency
// through it is the delay plus what the tools and the broker add. Prints its port on stdout.
//
//   node bench/delay-proxy.mjs BROKER_PORT [DELAY_MS=20]
import net from 'node:net';

const target = Number(process.argv[2]);
const delay = Number(process.argv[3] ?? 20);
if (!(target > 0) || !(delay >= 0)) {
  process.stderr.write('usage: node bench/delay-proxy.mjs BROKER_PORT [DELAY_MS]\n');
  process.exit(2);
}
const server = net.createServer((client) => {
  const broker = net.connect(target, '127.0.0.1');
  client.setNoDelay(true);
  broker.setNoDelay(true);
  // timers of one duration fire in the order they were set: chunks keep their order
  client.on('data', (d) => setTimeout(() => broker.destroyed || broker.write(d), delay));
  client.on('end', () => setTimeout(() => broker.end(), delay));
  broker.on('data', (d) => client.destroyed || client.write(d));
  broker.on('end', () => client.end());
  for (const s of [client, broker]) s.on('error', () => { client.destroy(); broker.destroy(); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
