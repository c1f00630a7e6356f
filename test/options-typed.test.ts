// The parsed options' type derives from each tool's option table: a misspelt option key is a
// compile error, and each value has its parser's type. Checked with the TypeScript compiler API on
// an in-memory file that imports the real tables, with the project's own compiler options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve('.');
const PROBE = resolve(ROOT, 'test', '__options-typed-probe.ts');

const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
})!;

/** the probe's first lines: each tool's store as parseOptions returns it */
const HEADER = `import { parseOptions } from '../src/cli/options/parse-options.ts';
import { PUB_TABLE } from '../src/cli/pub/options.ts';
import { SUB_TABLE } from '../src/cli/sub/options.ts';
import { CLEAR_TABLE } from '../src/cli/clear/options.ts';
const parse = <S extends object>(table: import('../src/cli/options/option-spec.ts').OptionTable<S>) => parseOptions({ tool: 'x', table, argv: [], env: {} }).store;
export const pub = parse(PUB_TABLE);
export const sub = parse(SUB_TABLE);
export const clear = parse(CLEAR_TABLE);
`;

/** 'TS<code> line N: message' for every error the probe file gets (N counts the lines of `body`) */
function compile(body: string): string[] {
  const text = HEADER + body;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (resolve(name) === PROBE ? text : readFile(name));
  host.fileExists = (name) => resolve(name) === PROBE || ts.sys.fileExists(name);
  host.getSourceFile = (name, lang, onError) => (resolve(name) === PROBE ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, onError));
  const program = ts.createProgram([PROBE], config.options, host);
  const probe = program.getSourceFile(PROBE)!;
  const lineOffset = HEADER.split('\n').length - 1;
  return ts.getPreEmitDiagnostics(program, probe).map((d) => {
    const line = d.start === undefined ? 0 : probe.getLineAndCharacterOfPosition(d.start).line + 1 - lineOffset;
    return `TS${d.code} line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

test('a misspelt option key is a compile error; the right ones have their parsers\' types', () => {
  const errors = compile(`export const a: string | undefined = pub.topic;
export const b: string[] | undefined = sub.topic;
export const c: RegExp | undefined = clear.match;
export const d: number | undefined = pub.port;
export const e: 0 | 1 | 2 | undefined = sub.qos;
export const f: true | undefined = pub.retain;
export const g: string | true | undefined = clear.password;
export const h = pub.tpoic;
export const i = sub.filterOutt;
export const j: string | undefined = pub.port;
export const k = sub.repeat;
`);
  assert.deepEqual(errors.map((e) => e.replace(/ on type '[^']*'/, " on type '...'")), [
    "TS2551 line 8: Property 'tpoic' does not exist on type '...'. Did you mean 'topic'?",
    "TS2551 line 9: Property 'filterOutt' does not exist on type '...'. Did you mean 'filterOut'?",
    "TS2322 line 10: Type 'number | undefined' is not assignable to type 'string | undefined'.   Type 'number' is not assignable to type 'string'.",
    // tssub has no --repeat (tspub's)
    "TS2339 line 11: Property 'repeat' does not exist on type '...'.",
  ]);
});
