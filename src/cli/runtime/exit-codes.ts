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
} as const;

/** mosquitto_pub/sub 2.0.11 exit with the CONNACK code on refusal: 5 (v3 not authorised), 135 (v5 not authorized). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ConnectionRefusedError && err.reasonCode > 0 && err.reasonCode < 256) return err.reasonCode;
  return EXIT.FAILURE;
}

export const EXIT_CODE_HELP = `Exit status:
  0    success: every message handed over (QoS 0) or acknowledged (QoS 1/2)
  1    bad option or argument (found before connecting), or a runtime failure
  N    the broker refused the connection: N is the CONNACK reason code
       (MQTT 3.1.1: 1-5, e.g. 5 = not authorised; MQTT 5: 128-159, e.g. 135 = not authorized)`;
