// The tools the generators (completions, man pages) describe, found without a list to keep up to
// date: every `Tool` exported by a src/cli/<folder>/options.ts, checked against package.json's
// "bin", so a new tool (tsbench, tsdump) is picked up by its options.ts alone, and a bin without
// a Tool is an error that names it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tool } from '../../src/cli/runtime/setup.ts';

function isTool(v: unknown): v is Tool {
  return typeof v === 'object' && v !== null && typeof (v as Tool).name === 'string' && typeof (v as Tool).summary === 'string'
    && Array.isArray((v as Tool).synopsis) && typeof (v as Tool).table === 'object';
}

/** package.json's binaries, in its order */
export function binNames(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  return Object.keys(pkg.bin ?? {});
}

/** Every tool of package.json "bin", in that order, from the options.ts files of src/cli/. */
export async function discoverTools(root: string): Promise<Tool[]> {
  const cli = join(root, 'src', 'cli');
  const found = new Map<string, Tool>();
  for (const dir of readdirSync(cli).sort()) {
    const file = join(cli, dir, 'options.ts');
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) if (isTool(v)) found.set(v.name, v);
  }
  const bins = binNames(root);
  const missing = bins.filter((b) => !found.has(b));
  if (missing.length > 0) {
    throw new Error(`no Tool exported by src/cli/*/options.ts for ${missing.join(', ')} (package.json "bin"): export it as TSPUB is in src/cli/pub/options.ts`);
  }
  return bins.map((b) => found.get(b)!);
}
