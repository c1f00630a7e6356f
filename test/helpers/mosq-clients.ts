// The real Debian clients (mosquitto_pub / mosquitto_sub 2.0.11) for reference comparisons,
// run like our binaries: isolated HOME (so no ~/.config/mosquitto_* file is read), same options.
//
//   const r = await mosqPub(['-p', String(m.port), '-t', 'a', '-m', 'x']);   // { code, signal, stdout, stderr, out }
//   const s = mosqSub(['-p', String(m.port), '-t', 'a', '-v']);               // a RunningBin (see run-bin.ts)
//   await m.waitForLog('Sending SUBACK'); ...; s.kill('SIGINT'); const res = await s.exited();
//   const rr = await mosqSubRun([... '-C', '1', '-W', '5']);                    // run to completion
//   requireMosquittoClients();   // throws when the Debian package is missing
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnProcess, type BinOptions, type BinResult, type RunningBin } from './run-bin.ts';

/** Throws a clear error (never a skip) when mosquitto_pub or mosquitto_sub is not on PATH. */
export function requireMosquittoClients(): void {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const bin of ['mosquitto_pub', 'mosquitto_sub']) {
    if (!dirs.some((d) => existsSync(join(d, bin)))) {
      throw new Error(`${bin} not found on PATH: install it (apt-get install mosquitto-clients); tests never skip without it`);
    }
  }
}

export function mosqPub(args: string[], opts: BinOptions = {}): Promise<BinResult> {
  return spawnProcess('mosquitto_pub', args, opts, 'write').exited();
}

export function mosqSub(args: string[], opts: BinOptions = {}): RunningBin {
  return spawnProcess('mosquitto_sub', args, opts, opts.stdin === undefined ? 'open' : 'write');
}

export function mosqSubRun(args: string[], opts: BinOptions = {}): Promise<BinResult> {
  return spawnProcess('mosquitto_sub', args, opts, 'write').exited();
}
