// argv (+ the options file: -o FILE, else the default one; then --profile's section) → the tool's
// typed store. The command line is parsed last, so it wins.
import { loadConfigFile, loadOptionsFile, optionsFileArg } from './config-file.ts';
import { OptionTable, parseWords, type Store } from './option-spec.ts';
import { loadProfile, profileArg } from './profiles.ts';

export interface ParseRequest<S extends object> {
  /** our tool name, for the options file: 'tspub' */
  tool: string;
  /** mosquitto's tool whose options file is read when ours is absent: 'mosquitto_pub' */
  mosquittoTool?: string;
  /** the name the tool was invoked as: invoked as mosquitto_pub, it reads mosquitto_pub's file first */
  invokedAs?: string;
  table: OptionTable<S>;
  argv: string[];
  env: NodeJS.ProcessEnv;
}

export interface Parsed<S extends object> {
  store: S;
  /** the options file that was read, if any */
  configFile?: string;
  /** the profiles file a --profile (or TSMQTT_PROFILE) was read from */
  profileFile?: string;
}

/** The one place where the parser's untyped record becomes the table's typed store. */
export function parseOptions<S extends object>(req: ParseRequest<S>): Parsed<S> {
  let store: Store = {};
  let configFile: string | undefined;
  let profileFile: string | undefined;
  try {
    // mosquitto 2.1 looks for -o before anything else, so that the file's options come first
    const explicit = optionsFileArg(req.argv);
    configFile = explicit !== undefined ? loadOptionsFile(explicit, req.table, store)
      : loadConfigFile({ tool: req.tool, mosquittoTool: req.mosquittoTool, invokedAs: req.invokedAs }, req.table, store, req.env);
    // then the profile (ours): between the options file and the command line
    const profile = profileArg(req.argv, req.env);
    if (profile !== undefined) profileFile = loadProfile(profile, req.table, store, req.env);
  } catch (err) {
    // --help and --version must work even with a broken options file
    if (!req.argv.includes('--help') && !req.argv.includes('--version')) throw err;
    store = {};
  }
  parseWords(req.table, req.argv, store);
  // parseWords stores under each spec's key what its parse/take returned (or what its apply
  // wrote), which is what StoreOf<specs> declares: the table's S
  return { store: store as S, configFile, profileFile };
}
