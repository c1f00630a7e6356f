// When and how soon to try again after a lost or failed connection.
import type { ReconnectPolicy } from './types.ts';
import { ConnectionRefusedError, MqttError, ProtocolError, TransportError } from './errors.ts';

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  enabled: true,
  retryFirstConnect: false,
  maxRetries: Infinity,
  initialDelayMs: 250,
  maxDelayMs: 10_000,
};

/**
 * MQTT 5 session expiry for a tool's own session (no -c, no -x): long enough to outlast a broker
 * restart or a network outage, short enough that a killed tool's session does not linger. The tool
 * ends it at exit (expiry 0 in DISCONNECT); a longer outage falls back to republishing (at least once).
 */
export const RUN_SESSION_EXPIRY_S = 600;

/** the longest a Node timer waits (2^31-1 ms); a longer delay fires at once */
const MAX_TIMER_MS = 0x7fffffff;

/** Exponential backoff with +-20% jitter, so a fleet of clients does not reconnect in step. */
export function backoffDelay(p: ReconnectPolicy, attempt: number): number {
  const base = Math.min(p.maxDelayMs, p.initialDelayMs * 2 ** Math.min(attempt - 1, 20));
  // the jitter must not push a delay near the top of --reconnect-max-delay's range past a timer's
  return Math.min(MAX_TIMER_MS, Math.round(base * (0.8 + Math.random() * 0.4)));
}

/** CONNACK codes that may go away by themselves: server unavailable (v3: 3; v5: 0x88 0x89 0x9f). */
const TRANSIENT_REFUSALS = new Set([3, 0x88, 0x89, 0x9f]);

export function isRetryable(err: Error): boolean {
  if (err instanceof ConnectionRefusedError) return TRANSIENT_REFUSALS.has(err.reasonCode);
  if (err instanceof TransportError) return err.retryable;
  if (err instanceof ProtocolError) return false;
  return err instanceof MqttError;
}
