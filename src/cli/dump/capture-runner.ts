// tsdump -r: a capture file (or standard input) through the reader, the TCP reassembly and the
// dumper, with back-pressure: reading waits while stdout is full.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { UsageError } from '../runtime/errors.ts';
import { CaptureError, CaptureReader } from './capture-file.ts';
import { tcpSegment } from './net-frame.ts';
import { TcpFlows } from './tcp-flows.ts';
import type { Dumper } from './dumper.ts';
import type { DumpOut } from './out.ts';

export interface CaptureRun {
  frames: number;
  /** the capture stopped inside a record: what the warning says */
  cutShort?: string;
}

export async function readCapture(file: string, port: number, dumper: Dumper, out: DumpOut, stdin: () => Readable): Promise<CaptureRun> {
  let lastMs = 0;
  const flows = new TcpFlows(port, dumper);
  const reader = new CaptureReader({
    frame(linkType, ms, data) {
      if (ms > 0) lastMs = ms;
      const s = tcpSegment(linkType, data);
      if (s) flows.segment(s, ms > 0 ? ms : lastMs);
    },
  });
  const input = file === '-' ? stdin() : createReadStream(file, { highWaterMark: 1 << 20 });
  const name = file === '-' ? 'standard input' : file;
  try {
    for await (const chunk of input) {
      reader.push(chunk as Buffer);
      if (out.full) await out.drained();
    }
  } catch (e) {
    if (e instanceof CaptureError) throw new UsageError(`${name}: ${e.message}.`);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new UsageError(`${name}: no such file.`);
    if (err.code === 'EISDIR') throw new UsageError(`${name}: is a directory, not a capture file.`);
    if (err.code === 'EACCES') throw new UsageError(`${name}: permission denied.`);
    throw e;
  }
  let cutShort: string | undefined;
  try {
    reader.end();
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    // no header at all: not a capture; a last record cut short (tcpdump killed): what came before counts
    if (reader.frames === 0) throw new UsageError(`${name}: ${e.message}.`);
    cutShort = `${name}: ${e.message}`;
  }
  flows.finish(lastMs);
  await out.drained();
  return { frames: reader.frames, cutShort };
}
