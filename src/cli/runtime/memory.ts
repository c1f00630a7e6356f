// Long pipes (tspub -l, big --repeat): keep V8's young generation from growing to its 16 MB x 3
// maximum, which is most of the peak RSS of a million-line pipe (87 MB -> 68 MB measured).
// A runtime flag instead of `node --max-semi-space-size=4`: that flag costs ~13 ms of start-up
// (measured), and --semi-space-growth-factor is read each time V8 considers growing.
import type { EventEmitter } from 'node:events';

/**
 * Said just before V8's flags change, to bin/load.cjs: V8 stamps a code cache with the flags in
 * force when it is made, so the loader makes the one it means to write now, while they are still
 * those every run compiles with (made at exit, it was rejected by every later run).
 */
const V8_FLAGS_CHANGING = 'tsmqtt:v8-flags-changing';

export async function limitYoungGeneration(): Promise<void> {
  const v8 = await import('node:v8');
  (process as EventEmitter).emit(V8_FLAGS_CHANGING);
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
