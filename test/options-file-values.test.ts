// A bad value in an options file is reported with the file and line, whatever the option: the
// checks of one option's value run in its parser (cli/options/connection-values.ts), not later
// when the session options are built, where the line is no longer known. The text after the
// line is the command line's own. No broker: every case fails before connecting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedHome, runBin } from './helpers/run-bin.ts';

/** what follows the error line: the Use line after 1 or 2 blank lines, or nothing (0: mosquitto finds it when setting up TLS) */
const after = (tool: string, blank: 0 | 1 | 2): string => (blank === 0 ? '\n' : `\n${'\n'.repeat(blank)}Use '${tool} --help' to see usage.\n`);

/** option line in the file, the error after 'FILE line N: ', the blank lines before the Use line, and what the command line needs beside it */
const CASES: [string, string, 0 | 1 | 2, string[]][] = [
  ['--proxy http://x', 'Unsupported proxy protocol: http://x', 1, []],
  ['--psk 0x11', '--psk argument must be a key in hexadecimal, pairs of 0-9 a-f (e.g. --psk 1a2b3c4d).', 2, ['--psk-identity', 'me']],
  ['--keyform engine', "--keyform engine is not supported by this tool (Node's TLS has no OpenSSL engine support); use a PEM key.", 2, []],
  ['--tls-version ssl3', 'Problem setting TLS options, check the options are valid.', 0, ['--cafile', 'ca']],
  ['--tls-engine pkcs11', "--tls-engine is not supported by this tool (Node's TLS has no OpenSSL engine support); use --cafile/--cert/--key.", 2, []],
  [`--will-payload ${'w'.repeat(65536)}`, '--will-payload argument: the Last Will payload is longer than 65535 bytes.', 2, ['--will-topic', 'w']],
];

test('tspub: each value check names the options file and line; on the command line, the same text', async () => {
  for (const [line, text, blank, beside] of CASES) {
    const home = isolatedHome();
    const file = join(home, '.config', 'tspub');
    writeFileSync(file, `# defaults\n-h 127.0.0.1\n${line}\n`);
    const r = await runBin('tspub', ['-t', 'a', '-m', 'x'], { home });
    assert.deepEqual([r.code, r.stderr], [1, `Error: ${file} line 3: ${text}${after('tspub', blank)}`], line.slice(0, 40));
    const sp = line.indexOf(' ');
    const c = await runBin('tspub', ['-t', 'a', '-m', 'x', ...beside, line.slice(0, sp), line.slice(sp + 1)]);
    assert.deepEqual([c.code, c.stderr], [1, `Error: ${text}${after('tspub', blank)}`], line.slice(0, 40));
  }
});

test('tssub (mosquitto_sub\'s file) and tsclear: the same', async () => {
  const [line, text, blank] = CASES[0]!;
  const home = isolatedHome();
  const mosqFile = join(home, '.config', 'mosquitto_sub');
  writeFileSync(mosqFile, `-h 127.0.0.1\n${line}\n`);
  const sub = await runBin('tssub', ['-t', 'a'], { home });
  assert.deepEqual([sub.code, sub.stderr], [1, `Error: ${mosqFile} line 2: ${text}${after('tssub', blank)}`]);
  const clearFile = join(home, '.config', 'tsclear');
  writeFileSync(clearFile, '--tls-version TLSv9\n');
  const clear = await runBin('tsclear', ['-t', 'a/#', '--cafile', 'ca'], { home });
  assert.deepEqual([clear.code, clear.stderr], [1, `Error: ${clearFile} line 1: Problem setting TLS options, check the options are valid.\n`]);
});
