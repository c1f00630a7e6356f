// Our DISCONNECT is the last packet: everything queued before it must reach the broker. A socket
// is ended (FIN after what Node still buffers) and, once all of it is handed to the kernel
// ('finish'), the broker gets graceMs to close its side before we do. A broker that stops reading
// while our bytes are still queued is given stallMs without progress, then the connection is
// destroyed and the end fails: what was queued did not go out (never a silent exit 0).
import type { Duplex } from 'node:stream';
import { TransportError } from './errors.ts';

const TICK_MS = 500;

export function endAfterFlush(socket: Duplex, graceMs: number, stallMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let grace: NodeJS.Timeout | undefined;
    let last = socket.writableLength;
    let still = 0;
    const watch = setInterval(() => {
      const now = socket.writableLength;
      if (now < last || now === 0) { last = now; still = 0; return; }
      still += TICK_MS;
      if (still >= stallMs) socket.destroy();
    }, TICK_MS).unref();
    const onFinish = (): void => {
      clearInterval(watch);
      grace = setTimeout(() => socket.destroy(), graceMs).unref();
    };
    socket.once('finish', onFinish);
    socket.once('close', () => {
      clearInterval(watch);
      clearTimeout(grace);
      socket.off('finish', onFinish);
      if (socket.writableFinished) resolve();
      else reject(new TransportError(`the connection closed with ${socket.writableLength} bytes of packets not yet sent (the broker stopped reading)`, 'EUNSENT'));
    });
    socket.end();
  });
}
