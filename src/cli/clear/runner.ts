// tsclear from a connected client to an exit code: snapshot → (dry run | confirm) → clear →
// (verify) → report. Printing and asking go through ClearIo so the flow stays testable.
import type { Client } from '../../session/client.ts';
import type { ConnackInfo } from '../../session/types.ts';
import { UsageError } from '../runtime/errors.ts';
import { EXIT } from '../runtime/exit-codes.ts';
import type { ClearSettings } from './check.ts';
import { ownSubscriptionId, takeSnapshot, type SnapshotOptions } from './snapshot.ts';
import { clearTopics, verifyCleared, type ClearResult } from './clearing.ts';
import { dryRunLines, failureText, jsonReport, summaryLine, type SummaryInput } from './report.ts';
import { confirmQuestion } from './confirm.ts';
import { ProgressLine } from './progress.ts';

export interface ClearIo {
  out(text: string): void;
  /** the summary sentence */
  note(line: string): void;
  /** one failure: printed as an `Error: ...` line unless --quiet */
  error(line: string): void;
  /** stdin and stderr are terminals */
  canAsk: boolean;
  ask(question: string): Promise<boolean>;
  /** show a spinner on stderr */
  progress: boolean;
}

/**
 * A present session (-c -i ID) has older subscriptions that deliver too: MQTT 5 marks our own
 * subscription's messages with an identifier (unless the broker says it has none); MQTT 3.1.1
 * cannot, so there only the quiet time ends the snapshot (see snapshot.ts).
 */
function ownMessages(conn: Pick<ConnackInfo, 'protocolVersion' | 'sessionPresent' | 'properties'>): Pick<SnapshotOptions, 'liveEnds' | 'subscriptionId'> {
  if (!conn.sessionPresent) return {};
  if (conn.protocolVersion === 5 && conn.properties?.subscriptionIdentifiersAvailable !== false) return { subscriptionId: ownSubscriptionId() };
  return { liveEnds: false };
}

/** failure lines printed before "... and N more" */
const MAX_FAILURE_LINES = 20;

export async function clearFlow(client: Client, s: ClearSettings, conn: Pick<ConnackInfo, 'protocolVersion' | 'sessionPresent' | 'properties'>,
  io: ClearIo): Promise<number> {
  const version = conn.protocolVersion;
  const own = ownMessages(conn);
  const progress = new ProgressLine({ enabled: io.progress && !s.json });
  const snapshot = await takeSnapshot(client, { filters: s.filters, quietMs: s.quietMs, exclude: s.exclude, match: s.match, onFound: progress.found, ...own })
    .finally(() => progress.stop());
  const base: SummaryInput = { filters: s.filters, snapshot, quietMs: s.quietMs, dryRun: s.dryRun };
  const report = (result: ClearResult | undefined, verified: boolean): void => {
    const input = { ...base, result };
    if (s.json) io.out(jsonReport({ ...input, exclude: s.exclude, match: s.match, verified }));
    else {
      if (s.dryRun) io.out(dryRunLines(snapshot.found));
      else if (s.verbose && result && result.cleared.length > 0) io.out(`${result.cleared.join('\n')}\n`);
      io.note(summaryLine(input));
    }
  };

  const n = snapshot.found.length;
  if (n === 0 || s.dryRun) {
    report(undefined, false);
    return EXIT.OK;
  }
  if (!s.yes) {
    if (!io.canAsk) {
      throw new UsageError(`refusing to clear ${n} retained message${n === 1 ? '' : 's'} without confirmation (no terminal to ask on): `
        + 'add --yes to clear them, or --dry-run to list them.');
    }
    if (n > s.confirmAbove && !(await io.ask(confirmQuestion(snapshot.found, s.filters)))) {
      throw new UsageError('not confirmed: nothing was cleared.');
    }
  }

  const topics = snapshot.found.map((f) => f.topic);
  let result = await clearTopics(client, topics, s.qos, progress.cleared).finally(() => progress.stop());
  // MQTT 3.1.1 has no reason code in PUBACK and QoS 0 has no ack: only reading back tells
  const verify = s.verify ?? (version < 5 || s.qos === 0);
  if (verify && result.cleared.length > 0) result = await verifyCleared(client, s.filters, s.quietMs, snapshot.found, result, own);

  report(result, verify);
  const { failed } = result;
  for (const f of failed.slice(0, MAX_FAILURE_LINES)) io.error(failureText(f));
  if (failed.length > MAX_FAILURE_LINES) io.error(`... and ${failed.length - MAX_FAILURE_LINES} more topics not cleared${s.json ? '' : ' (--json lists them all)'}.`);
  return failed.length > 0 ? EXIT.FAILURE : EXIT.OK;
}
