// The stderr lines tspub and tssub print about their connection (tsclear prints the first one):
//   - `Connection failed (...); retrying (--retry-connect).` once, when the first connection fails
//     and --retry-connect keeps trying; then nothing until it connects or gives up (the last
//     failure is then the run's own `Error: ...` line);
//   - `Connection lost (...); reconnecting.` once per outage;
//   - `Reconnected without a session on the broker: N unacknowledged QoS 1/2 messages published
//     again (they may arrive twice).` after a reconnect into no session (MQTT 3.1.1 without -c, or a
//     broker that lost its state): at least once instead of exactly once, so the user is told.
//
// The lost line names the client id as taken by another client only on evidence:
//   - the broker's DISCONNECT says 0x8E session taken over (MQTT 5) [MQTT-3.1.4-3];
//   - a drop without a reason (MQTT 3.1/3.1.1 has none; mosquitto 2.0.11 queues its 0x8E
//     DISCONNECT and closes the socket before sending it): three times in a row, a reconnect
//     succeeded at its first attempt and that connection was dropped within 2 s, without a
//     DISCONNECT. Two clients with one id take the session from each other at every reconnect,
//     so this keeps happening; a restarting broker refuses connections while it is down (a failed
//     attempt ends the streak), and two quick restarts make at most two such drops.
import type { Client } from '../../session/client.ts';
import { ConnectionClosedError } from '../../session/errors.ts';
import { monotonicMs } from './clock.ts';

/** a connection that ends sooner than this after CONNACK counts as dropped at once */
const QUICK_DROP_MS = 2000;
/** drops without a reason right after first-attempt reconnects, in a row, before the hint */
const TAKEOVER_STREAK = 3;
const SESSION_TAKEN_OVER = 0x8e;

/** The --retry-connect line, once per client, while its first connection keeps failing. */
export function reportConnectRetries(client: Client, notice: (text: string) => void): void {
  let said = false;
  const onRetry = (_attempt: number, _delayMs: number, err: Error): void => {
    if (said) return;
    said = true;
    notice(`Connection failed (${err.message}); retrying (--retry-connect).`);
  };
  client.on('reconnecting', onRetry);
  client.once('connect', () => client.off('reconnecting', onRetry));
}

export function reportOutages(client: Client, notice: (text: string) => void): void {
  reportConnectRetries(client, notice);
  let connected = false;
  let connectedAt = 0;
  /** the reconnect in progress has not failed an attempt yet */
  let firstAttempt = false;
  /** the current connection came from a reconnect's first attempt */
  let atOnce = false;
  let streak = 0;
  // before the first connection, 'reconnecting' follows a failure; after an outage it precedes every
  // attempt, attempt 1 included
  client.on('reconnecting', (attempt) => { if (connected) firstAttempt = attempt === 1; });
  client.on('connect', () => {
    atOnce = connected && firstAttempt;
    connected = true;
    connectedAt = monotonicMs();
  });
  client.on('republished', (n) => {
    notice(`Reconnected without a session on the broker: ${n} unacknowledged QoS 1/2 message${n === 1 ? '' : 's'} published again (${n === 1 ? 'it' : 'they'} may arrive twice).`);
  });
  // 'offline' follows a successful connection only, once per outage
  client.on('offline', (err) => {
    const id = client.options.clientId;
    const named = id ? ` '${id}'` : '';
    const reason = err instanceof ConnectionClosedError ? err.reasonCode : undefined;
    streak = reason === undefined && atOnce && monotonicMs() - connectedAt < QUICK_DROP_MS ? streak + 1 : 0;
    let hint = '';
    if (reason === SESSION_TAKEN_OVER) {
      hint = ` Another client has connected with the client id${named} (the broker said 0x8E session taken over): give each client its own -i.`;
    } else if (id && streak >= TAKEOVER_STREAK) {
      hint = ` Another client may be using the client id${named}: the broker dropped the connection right after each of the last ${TAKEOVER_STREAK} reconnects, `
        + 'without a reason; give each client its own -i.';
    }
    notice(`Connection lost (${err.message}); reconnecting.${hint}`);
  });
}
