// One test file per fault (so npm test's --test-concurrency=2 overlaps them), each with its own
// persistent mosquitto: the 16 scenarios of the fault run side by side and share one fault (one
// group of 16 took 31 s for SIGSTOP, two of 8 took 40 s); then one test per scenario checks its
// outcome and prints its summary row (also collected into /tmp/fault-matrix.txt; the broker log goes to
// /tmp/fault-matrix-<fault>.log).
import { test, before, after } from 'node:test';
import { writeFileSync } from 'node:fs';
import { startMosquitto, type Mosquitto } from './mosquitto.ts';
import { requireMosquittoClients } from './mosq-clients.ts';
import { matrix, runFaultGroup, scenarioName, type Fault, type Outcome, type Scenario } from './fault-run.ts';
import { checkKeptState, checkLostState, summaryRow, writeSummary } from './fault-check.ts';

export function faultSuite(fault: Fault): void {
  const scenarios = matrix(fault);
  const outcomes = new Map<Scenario, Outcome | Error>();
  let m: Mosquitto | undefined;

  before(async () => {
    requireMosquittoClients();
    m = await startMosquitto({ persistence: true });
    try {
      const results = await runFaultGroup(m, scenarios);
      results.forEach((o, i) => outcomes.set(scenarios[i]!, o));
    } catch (e) {
      for (const s of scenarios) outcomes.set(s, e as Error);
    }
    writeSummary(fault, scenarios.map((s) => {
      const o = outcomes.get(s);
      return o instanceof Error || !o ? `${scenarioName(s)}: did not run: ${o?.message ?? 'no outcome'}` : summaryRow(o);
    }));
  }, { timeout: 200_000 });

  after(async () => {
    // the whole broker log (log_type all) for whoever reads a failure: packet ids per client
    if (m) writeFileSync(`/tmp/fault-matrix-${fault}.log`, m.log());
    await m?.stop();
  });

  for (const s of scenarios) {
    test(scenarioName(s), (t) => {
      const o = outcomes.get(s);
      if (!o) throw new Error('the scenario did not run');
      if (o instanceof Error) throw o;
      t.diagnostic(summaryRow(o));
      (fault === 'kill' ? checkLostState : checkKeptState)(o);
    });
  }
}
