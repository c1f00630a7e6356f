// Terminal policy: a terminal changes decoration only (colour), never content.
// NO_COLOR (any non-empty value) and --no-color turn colour off; FORCE_COLOR turns it on (0 = off).
// Plain ANSI codes instead of chalk keep ~12 ms off the start-up path.

export interface ColorInputs {
  isTTY: boolean | undefined;
  env: NodeJS.ProcessEnv;
  noColorFlag?: boolean;
}

export function useColor({ isTTY, env, noColorFlag }: ColorInputs): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (!isTTY) return false;
  return env.TERM !== 'dumb';
}

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (open: number, close: number) => (s: string): string => `\u001b[${open}m${s}\u001b[${close}m`;
const id = (s: string): string => s;

export function paint(enabled: boolean): Paint {
  return enabled
    ? { red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) }
    : { red: id, yellow: id, dim: id, bold: id };
}
