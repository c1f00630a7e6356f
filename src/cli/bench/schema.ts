// The tsbench summary: what `--json` prints, what `tsbench merge` reads and adds up, what --csv and
// --html are drawn from. Versioned like the message schema: `schema` changes only when a field
// changes meaning; fields may be added. README ("tsbench JSON summary") documents every field.

export const BENCH_SCHEMA = 'tsbench/1';

/** Percentiles in milliseconds and the histogram they came from (HdrHistogram, base64, compressed:
 *  hdr-histogram-js encodeIntoCompressedBase64 of microsecond values), so runs can be merged. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
  mean: number;
  /** HdrHistogram compressed base64, values in microseconds */
  histogram: string;
}

/** one second of the run (after the warm-up): the series --csv writes and --html plots */
export interface SecondSample {
  /** seconds since the measured part of the run began (1 = the first full second) */
  t: number;
  sent: number;
  acked: number;
  received: number;
  errors: number;
  /** connections open at the end of this second */
  connections: number;
  /** p50 / p99 of e2e latency in this second (ms), when any message was received */
  e2e_p50?: number;
  e2e_p99?: number;
}

export interface BenchSummary {
  schema: typeof BENCH_SCHEMA;
  tool: { name: 'tsbench'; version: string };
  scenario: 'conn' | 'pub' | 'sub' | 'pubsub';
  /** ISO 8601 UTC, when the measured part began / ended */
  started: string;
  ended: string;
  /** the options that shape the load (clients, qos, size, rate, topic, protocol version, ...) */
  options: Record<string, unknown>;
  /** "K/N" with --shard, else undefined; merged runs list every shard */
  shards?: string[];
  /** how many runs this summary adds up (1 unless merged) */
  runs: number;
  /** connections attempted / established / failed */
  connections: { attempted: number; established: number; failed: number };
  sent: number;
  acked: number;
  received: number;
  /** expected but never received (tsbench publishers' sequence numbers), per QoS in by_qos */
  lost: number;
  duplicates: number;
  reordered: number;
  /** total errors, and by cause: e.g. "refused:135", "tls", "timeout", "closed", "puback:0x97" */
  errors: number;
  errors_by_cause: Record<string, number>;
  /** measured seconds (warm-up excluded) */
  duration_s: number;
  warmup_s: number;
  /** messages per second: sent (pub), received (sub, pubsub), connections (conn) */
  rate: number;
  /** the rate asked for (per second, all clients together), and what was reached */
  requested_rate?: number;
  /** requested_rate - achieved, when the requested rate was not reached (else 0) */
  rate_shortfall?: number;
  latency: {
    /** end to end: scheduled send time (carried in the payload header) to receipt */
    e2e?: LatencySummary;
    /** publish to PUBACK (QoS 1) / PUBCOMP (QoS 2), from the scheduled send time */
    ack?: LatencySummary;
    /** TCP(+TLS) connect to CONNACK */
    connect?: LatencySummary;
  };
  by_qos?: Record<'0' | '1' | '2', { sent: number; received: number; lost: number; duplicates: number; reordered: number }>;
  /** the broker's $SYS counters before and after, where it offers them */
  broker?: { before: Record<string, number>; after: Record<string, number>; delta: Record<string, number> };
  /** the per-second series */
  series: SecondSample[];
  /** why it stopped: "count", "duration", "interrupted", "error" */
  stopped_by: string;
}
