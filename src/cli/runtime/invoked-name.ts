// The name the binary was invoked as: `mosquitto_rr` through a link of that name, so that a tool
// installed under mosquitto's name calls itself so. process.argv[1] keeps the link's path (Node
// resolves symlinks for loading only), and bin/load.cjs leaves it as the shim's.
import { basename } from 'node:path';

/** basename of argv[1] without .cjs/.js, or undefined when there is none */
export function invokedName(argv1: string | undefined = process.argv[1]): string | undefined {
  if (!argv1) return undefined;
  return basename(argv1).replace(/\.c?js$/, '');
}
