// Latency histograms in fixed memory (HdrHistogram: 3 significant digits, 1 us to 1 hour, values
// above clamped), recorded in microseconds, summarised in milliseconds by latency.ts (the one
// reader of percentiles, shared with tsbench merge). Reached only through the runner's dynamic
// import: --help and argument errors never load hdr-histogram-js.
import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './schema.ts';
import { decodeHistogram, latencySummary as summaryOf } from './latency.ts';

/** one hour in microseconds: anything slower is recorded as one hour */
const HIGHEST_US = 3_600_000_000;

/** a run's histogram: fixed size (merge's grow: their inputs are files, not our recorder) */
export function newHistogram(): Histogram {
  return build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false });
}

/** record one latency in microseconds (negative: clocks disagree by that much; recorded as 0) */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us < 0 ? 0 : us > HIGHEST_US ? HIGHEST_US : Math.round(us));
}

/** the summary of a histogram (undefined when it holds nothing) */
export function latencySummary(h: Histogram): LatencySummary | undefined {
  return h.totalCount === 0 ? undefined : summaryOf(h);
}

/** add an encoded histogram (a worker's share) into one */
export function addEncoded(into: Histogram, encoded: string): void {
  const h = decodeHistogram(encoded);
  into.add(h);
  h.destroy();
}
