// The dumper of a run, from its output plan: the line renderer (coloured on a terminal) or JSON.
import { paint } from '../runtime/terminal.ts';
import { Dumper } from './dumper.ts';
import { JsonRenderer } from './render-json.ts';
import { LineRenderer } from './render-line.ts';
import type { OutputPlan } from './check.ts';

export function makeDumper(o: OutputPlan, mode: 'proxy' | 'capture', color: boolean, out: (text: string) => void): Dumper {
  const ro = { showPasswords: o.showPasswords, maxPayload: o.maxPayload };
  const renderer = o.json ? new JsonRenderer(ro) : new LineRenderer(ro, o.payload, paint(color));
  return new Dumper({ renderer, filter: o.filter, out, mode, strict: o.strict, defaultVersion: o.defaultVersion });
}
