// argv (+ the default options file) → the tool's typed store. The command line is parsed after the
// file, so it wins.
import { loadConfigFile } from './config-file.ts';
import { OptionTable, parseWords, type Store } from './option-spec.ts';

export interface ParseRequest<S extends object> {
  /** our tool name, for the options file: 'tspub' */
  tool: string;
  /** mosquitto's tool whose options file is read when ours is absent: 'mosquitto_pub' */
  mosquittoTool?: string;
  table: OptionTable<S>;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export interface Parsed<S extends object> {
  store: S;
  /** the options file that was read, if any */
  configFile?: string;
}

/** The one place where the parser's untyped record becomes the table's typed store. */
export function parseOptions<S extends object>(req: ParseRequest<S>): Parsed<S> {
  let store: Store = {};
  let configFile: string | undefined;
  try {
    configFile = loadConfigFile(req.tool, req.mosquittoTool, req.table, store, req.env);
  } catch (err) {
    // --help and --version must work even with a broken options file
    if (!req.argv.includes('--help') && !req.argv.includes('--version')) throw err;
    store = {};
  }
  parseWords(req.table, req.argv, store);
  // parseWords stores under each spec's key what its parse/take returned (or what its apply
  // wrote), which is what StoreOf<specs> declares: the table's S
  return { store: store as S, configFile };
}
