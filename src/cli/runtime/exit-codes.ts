// The one exit-code table, as the mosquitto clients have it (observed on 2.0.11), so scripts keep working.
// Copied into README and --help from here (see EXIT_CODE_HELP).
import { ConnectionRefusedError } from '../../session/errors.ts';

export const EXIT = {
  /** every message handed over (QoS 0) or acknowledged (QoS 1/2); tssub: also Ctrl+C */
  OK: 0,
  /** bad input (found before connecting) or a runtime failure; the stderr line tells which */
  FAILURE: 1,
  /** tssub/tsrr -W ran out (libmosquitto's MOSQ_ERR_TIMEOUT) */
  TIMEOUT: 27,
  /** tsbench: a --fail-if threshold was true (not a CONNACK code: those are 1-5 and 128-162) */
  THRESHOLD: 28,
} as const;

/** mosquitto_pub/sub 2.0.11 exit with the CONNACK code on refusal: 5 (v3 not authorised), 135 (v5 not authorized). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConnectionRefusedError && err.reasonCode > 0 && err.reasonCode < 256) return err.reasonCode;
  return EXIT.FAILURE;
}

/** a tool's own words in the shared "Exit status:" section of --help */
export interface ExitWording {
  /** what 0 means, after "success: " */
  success: string;
  /** added to the shared meaning of 1 */
  failure?: string;
  /** rows of its own codes: [code, meaning] */
  more?: Array<[number, string]>;
}

/** tspub's wording, which the other tools extend */
export const PUB_EXIT: ExitWording = { success: 'every message handed over (QoS 0) or acknowledged (QoS 1/2)' };

/** one row, wrapped at 100 columns under its meaning */
function row(code: string, text: string): string[] {
  const lines: string[] = [];
  let cur = `  ${code.padEnd(5)}`;
  for (const w of text.split(' ')) {
    if (cur.trim() !== code && cur.length + 1 + w.length > 100) { lines.push(cur); cur = `       ${w}`; } else cur = cur.endsWith(' ') ? cur + w : `${cur} ${w}`;
  }
  lines.push(cur);
  return lines;
}

/** The "Exit status:" section of a tool's --help: the same rows in every tool, with the tool's own words. */
export function exitStatusHelp(w: ExitWording = PUB_EXIT): string {
  return ['Exit status:',
    ...row('0', `success: ${w.success}`),
    ...row('1', `bad option or argument (found before connecting), or a runtime failure${w.failure ? `; ${w.failure}` : ''}`),
    ...row('N', 'the broker refused the connection: N is the CONNACK reason code'),
    '       (MQTT 3.1.1: 1-5, e.g. 5 = not authorised; MQTT 5: 128-159, e.g. 135 = not authorized)',
    ...(w.more ?? []).flatMap(([code, text]) => row(String(code), text)),
  ].join('\n');
}

export const EXIT_CODE_HELP = exitStatusHelp();
