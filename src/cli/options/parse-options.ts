// argv (+ the default options file) → Store. The command line is parsed after the file, so it wins.
import { loadConfigFile } from './config-file.ts';
import { OptionTable, parseWords, type Store } from './option-spec.ts';

export interface ParseRequest {
  /** our tool name, for the options file: 'tspub' */
  tool: string;
  /** mosquitto's tool whose options file is read when ours is absent: 'mosquitto_pub' */
  mosquittoTool?: string;
  table: OptionTable;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export interface Parsed {
  store: Store;
  /** the options file that was read, if any */
  configFile?: string;
}

export function parseOptions(req: ParseRequest): Parsed {
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
  return { store, configFile };
}
