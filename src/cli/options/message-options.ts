// The message sources of the tools that send one (tspub, tsrr): -m, -f, -s, -l, -n, one of them
// at a time (the exclusive set 'message'; each tool's table words the refusal).
import type { OptionSpec } from './option-spec.ts';

export const MESSAGE_OPTIONS = [
  { key: 'message', names: ['-m', '--message'], kind: 'value', arg: 'message', group: 'message', exclusive: 'message', help: 'payload from the command line' },
  { key: 'file', names: ['-f', '--file'], kind: 'value', arg: 'file', group: 'message', exclusive: 'message', help: 'payload = the whole file' },
  { key: 'stdinFile', names: ['-s', '--stdin-file'], kind: 'flag', group: 'message', exclusive: 'message', help: 'payload = all of stdin' },
  { key: 'stdinLine', names: ['-l', '--stdin-line'], kind: 'flag', group: 'message', exclusive: 'message', help: 'one message per stdin line (an empty line is an empty message)' },
  { key: 'nullMessage', names: ['-n', '--null-message'], kind: 'flag', group: 'message', exclusive: 'message', help: 'zero-length payload' },
] as const satisfies readonly OptionSpec[];

/** the message sources' keys in the store: a tool finds which one was given with these */
export const MESSAGE_KEYS = MESSAGE_OPTIONS.map((s) => s.key);
