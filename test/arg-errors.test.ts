// Every argument error of test/fixtures/arg-errors.ts: our exact stderr and exit code; for the rows
// where mosquitto 2.0.11 prints the same ('same'), the Debian client is run with the same argv and
// must print those bytes too (its name replaced), so the table cannot drift from mosquitto; and a
// share of those rows runs through links named mosquitto_pub / mosquitto_sub with an empty
// environment, where the texts name mosquitto_pub.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { linkAs, runBin, spawnProcess, type BinResult } from './helpers/run-bin.ts';
import { requireMosquittoClients } from './helpers/mosq-clients.ts';
import { ARG_ERRORS, type ArgErrorRow } from './fixtures/arg-errors.ts';

const MOSQUITTO: Record<string, string> = { tspub: 'mosquitto_pub', tssub: 'mosquitto_sub' };
const helps = new Map<string, string>();
let links: Record<string, string>;

before(async () => {
  requireMosquittoClients();
  links = { tspub: linkAs('mosquitto_pub', 'tspub'), tssub: linkAs('mosquitto_sub', 'tssub') };
  for (const tool of ['tspub', 'tssub', 'tsclear']) helps.set(tool, (await runBin(tool, ['--help'])).out);
});

const label = (r: ArgErrorRow): string => `${r.tool} ${r.argv.map((a) => (a === '' ? "''" : a)).join(' ')}`;

function check(r: ArgErrorRow, res: BinResult, name: string, help: string | undefined): void {
  assert.equal(res.stderr, r.stderr.replaceAll('NAME', name));
  assert.equal(res.code, r.code);
  if (r.stdout === 'help') assert.equal(res.out, help);
  else assert.equal(res.out, '');
}

test('the table has rows for every tool and of every kind', () => {
  for (const tool of ['tspub', 'tssub', 'tsclear']) assert.ok(ARG_ERRORS.filter((r) => r.tool === tool).length >= 15, tool);
  for (const kind of ['same', 'develop', 'ours']) assert.ok(ARG_ERRORS.some((r) => r.mosquitto === kind), kind);
});

let shared = 0;
for (const r of ARG_ERRORS) {
  test(`${label(r)} (${r.mosquitto})`, async () => {
    check(r, await runBin(r.tool, r.argv), r.tool, helps.get(r.tool));
    if (r.mosquitto !== 'same') return;
    const mosq = MOSQUITTO[r.tool]!;
    const theirs = await spawnProcess(mosq, r.argv).exited();
    // their --help differs from ours: only that it is there
    check(r, { ...theirs, out: r.stdout === 'help' ? 'help' : theirs.out }, mosq, 'help');
  });
  // every third row mosquitto prints the same: through a mosquitto_* link, with no environment at all
  if (r.mosquitto === 'same' && shared++ % 3 === 0) {
    test(`${label(r)} as ${MOSQUITTO[r.tool]} with an empty environment`, async () => {
      const res = await spawnProcess(links[r.tool]!, r.argv, { emptyEnv: true }).exited();
      check(r, { ...res, out: r.stdout === 'help' ? 'help' : res.out }, MOSQUITTO[r.tool]!, 'help');
    });
  }
}
