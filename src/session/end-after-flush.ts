// Our DISCONNECT is the last packet: everything queued before it must reach the broker. The socket
// is ended (FIN after what Node still buffers) and, once all of it is handed to the kernel
// ('finish'), the broker gets graceMs to close its side before we do. A broker that stops reading
// while our bytes are still queued is given stallMs without progress; then onStall says so and the
// connection ends with that error (what was queued did not go out: never a silent exit 0).
import type { Duplex } from 'node:stream';
import { TransportError } from './errors.ts';

const TICK_MS = 500;

export function endAfterFlush(socket: Duplex, graceMs: number, stallMs: number, onStall: (err: TransportError) => void): void {
  let grace: NodeJS.Timeout | undefined;
  let last = socket.writableLength;
  let still = 0;
  const watch = setInterval(() => {
    const now = socket.writableLength;
    if (now < last || now === 0) { last = now; still = 0; return; }
    still += TICK_MS;
    if (still >= stallMs) {
      clearInterval(watch);
      onStall(new TransportError(`the broker stopped reading: ${now} bytes of our packets were not sent`, 'EUNSENT'));
    }
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
  });
  socket.end();
}

/** the error of a connection that closed while ending with bytes of ours still queued (undefined: none were) */
export function unsentError(socket: Duplex | undefined): TransportError | undefined {
  const unsent = socket?.writableLength ?? 0;
  return unsent > 0 ? new TransportError(`the connection closed with ${unsent} bytes of our packets not yet sent`, 'EUNSENT') : undefined;
}
