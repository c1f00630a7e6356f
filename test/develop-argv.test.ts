// mosquitto develop's own argument tests, run against our tools through links under mosquitto's
// names (test/fixtures/develop-argv.ts): the same stderr bytes and exit 1, except the rows marked
// `differs`, which must differ (each says why; README lists them).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { isolatedHome, linkAs, spawnProcess } from './helpers/run-bin.ts';
import { DEVELOP_ARGV } from './fixtures/develop-argv.ts';

const links = new Map<string, string>();
let home: string;
before(() => {
  home = isolatedHome();
  for (const [name, tool] of [['mosquitto_pub', 'tspub'], ['mosquitto_sub', 'tssub'], ['mosquitto_rr', 'tsrr']]) links.set(name!, linkAs(name!, tool!));
});

for (const tool of ['mosquitto_pub', 'mosquitto_sub', 'mosquitto_rr'] as const) {
  test(`${tool}: develop's argv tests, byte for byte`, async () => {
    const rows = DEVELOP_ARGV.filter((r) => r.tool === tool);
    const wrong: string[] = [];
    for (const r of rows) {
      const expected = `${r.line}\n${r.blank === 2 ? '\n' : ''}\nUse '${tool} --help' to see usage.\n`;
      const got = await spawnProcess(process.execPath, [links.get(tool)!, ...r.argv], { home }).exited();
      const same = got.stderr === expected && got.code === 1;
      if (same === (r.differs !== undefined)) wrong.push(`${JSON.stringify(r.argv)}: ${r.differs ? `expected to differ (${r.differs})` : `got ${JSON.stringify(got.stderr)} exit ${got.code}`}`);
    }
    assert.deepEqual(wrong, [], `${rows.length} rows`);
  });
}
