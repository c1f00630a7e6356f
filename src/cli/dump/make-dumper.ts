// The dumper of a run, from its output plan: the line renderer (coloured on a terminal) or JSON.
import { paint } from '../runtime/terminal.ts';
import { Dumper } from './dumper.ts';
import { JsonRenderer } from './render-json.ts';
import { LineRenderer } from './render-line.ts';
import type { OutputPlan } from './check.ts';
import type { DumpOut } from './out.ts';

/** proxy: packets are shed while `out` is too far behind (out.ts); capture: the reader waits for it */
export function makeDumper(o: OutputPlan, mode: 'proxy' | 'capture', color: boolean, out: DumpOut): Dumper {
  const ro = { showPasswords: o.showPasswords, maxPayload: o.maxPayload };
  const renderer = o.json ? new JsonRenderer(ro) : new LineRenderer(ro, o.payload, paint(color));
  out.notice = (ms, count) => renderer.dropped(ms, count);
  const shed = mode === 'proxy' ? { room: out.room, skip: out.skip } : {};
  return new Dumper({ renderer, filter: o.filter, out: out.write, ...shed, mode, strict: o.strict, defaultVersion: o.defaultVersion });
}
