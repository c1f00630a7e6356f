// --help's own sections: every tool has real Examples, its exit status comes from the one generator
// (tspub's rows, each tool's own meaning of 0), and zsh completion descriptions end at a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helpText } from '../src/cli/options/help.ts';
import { completionScript, firstClause, shortDescription as zshDescription } from '../src/cli/options/completion.ts';
import { helpPage, type Tool } from '../src/cli/runtime/setup.ts';
import { EXIT_CODE_HELP } from '../src/cli/runtime/exit-codes.ts';
import { TSPUB } from '../src/cli/pub/options.ts';
import { TSSUB } from '../src/cli/sub/options.ts';
import { TSCLEAR } from '../src/cli/clear/options.ts';

const TOOLS: Tool[] = [TSPUB, TSSUB, TSCLEAR];

const SHARED_ROWS = `  1    bad option or argument (found before connecting), or a runtime failure`;
const REFUSED = `  N    the broker refused the connection: N is the CONNACK reason code
       (MQTT 3.1.1: 1-5, e.g. 5 = not authorised; MQTT 5: 128-159, e.g. 135 = not authorized)`;

test('every tool\'s --help ends with Examples of itself, then one Exit status section', () => {
  for (const tool of TOOLS) {
    const help = helpText(helpPage(tool));
    const examples = help.indexOf('\nExamples:\n');
    const exit = help.indexOf('\nExit status:\n');
    assert.ok(examples > 0 && exit > examples, tool.name);
    assert.equal(help.split('\nExit status:\n').length, 2, `${tool.name}: one exit status section`);
    const lines = help.slice(examples, exit).trim().split('\n').slice(1).filter((l) => l.trim());
    assert.ok(lines.length >= 3, tool.name);
    for (const l of lines) assert.match(l, new RegExp(`^  (\\S.* \\| )?${tool.name} -`), `${tool.name}: ${l}`);
    assert.ok(help.includes(`${SHARED_ROWS}`) && help.includes(REFUSED), tool.name);
    assert.ok(help.endsWith(`${REFUSED}\n`) || tool === TSSUB, tool.name);
    assert.match(help, /\n {2}0 {4}success: /);
    for (const l of help.slice(examples).split('\n')) assert.ok(l.length <= 100, `${tool.name}: ${l}`);
  }
});

test('exit status: tspub\'s text is the default; tssub adds 27, tsclear its meanings of 0 and 1', () => {
  assert.ok(helpText(helpPage(TSPUB)).endsWith(`${EXIT_CODE_HELP}\n`));
  assert.equal(EXIT_CODE_HELP, `Exit status:
  0    success: every message handed over (QoS 0) or acknowledged (QoS 1/2)
${SHARED_ROWS}
${REFUSED}`);
  assert.ok(helpText(helpPage(TSSUB)).endsWith(`${REFUSED}\n  27   -W ran out ("Timed out" on stderr)\n`));
  assert.match(helpText(helpPage(TSCLEAR)), /\n {2}0 {4}success: everything found was cleared, or nothing was found, or --dry-run listed it\n {2}1 {4}bad option or argument \(found before connecting\), or a runtime failure; also a clear the\n {7}broker refused/);
  // a tool without its own section still gets tspub's
  assert.ok(helpText({ ...helpPage(TSPUB), after: undefined }).endsWith(`\n\n${EXIT_CODE_HELP}\n`));
});

test('tssub --help names mosquitto\'s -F example and develop\'s grouped hex', () => {
  const help = helpText(helpPage(TSSUB));
  assert.ok(help.includes("  tssub -F '@Y-@m-@dT@H:@M:@S@z : %t : %x' -t '#'    ISO-8601 date : topic : payload in hex\n"));
  assert.ok(help.includes('%.2x puts a space after every 2 hex digits (6d 65 73)'));
});

test('zsh descriptions: the first clause, cut at a word boundary with an ellipsis', () => {
  assert.equal(zshDescription('short help; more'), 'short help');
  assert.equal(zshDescription('one two three four five six seven eight nine ten eleven twelve thirteen fourteen'),
    'one two three four five six seven eight nine ten eleven twelve…');
  assert.equal(zshDescription('fail at once when the connection is lost (default: reconnect with backoff, then give up)'),
    'fail at once when the connection is lost (default: reconnect with…');
  assert.equal(zshDescription('x'.repeat(90)), `${'x'.repeat(69)}…`);
  let cut = 0;
  for (const tool of TOOLS) {
    const script = completionScript({ name: tool.name, specs: tool.table.specs }, 'zsh');
    for (const spec of tool.table.specs.filter((x) => !x.hidden)) {
      const first = firstClause(spec.help);
      const d = zshDescription(spec.help);
      if (d === first) continue;
      cut++;
      assert.ok(d.endsWith('…') && d.length <= 70, d);
      const kept = d.slice(0, -1);
      assert.ok(first.startsWith(kept) && /^[\s,:(]/.test(first.slice(kept.length)), `${tool.name} ${spec.names[0]}: '${d}' ends at a word`);
      const lastWord = kept.split(' ').pop()!.replace(/:/g, '\\:');
      assert.ok(script.includes(`${lastWord}…]`), `${tool.name} ${spec.names[0]} in the script`);
    }
  }
  assert.ok(cut > 0, 'some descriptions are long enough to be cut');
});
