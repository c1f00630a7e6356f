// Latency histograms in fixed memory (HdrHistogram: 3 significant digits, 1 us to 1 hour, values
// above clamped), recorded in microseconds, summarised in milliseconds. Reached only through the
// runner's dynamic import: --help and argument errors never load hdr-histogram-js.
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './schema.ts';

/** one hour in microseconds: anything slower is recorded as one hour */
const HIGHEST_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return build({ bitBucketSize: 32, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false });
}

/** record one latency in microseconds (negative: clocks disagree by that much; recorded as 0) */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(us < 0 ? 0 : us > HIGHEST_US ? HIGHEST_US : Math.round(us));
}

const ms = (us: number): number => Math.round(us) / 1000;

/** the summary of a histogram (undefined when it holds nothing) */
export function latencySummary(h: Histogram): LatencySummary | undefined {
  if (h.totalCount === 0) return undefined;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    p9999: ms(h.getValueAtPercentile(99.99)),
    max: ms(h.maxValue),
    mean: Math.round(h.mean) / 1000,
    histogram: encodeIntoCompressedBase64(h),
  };
}

/** add encoded histograms (a worker's, another run's) into one */
export function addEncoded(into: Histogram, encoded: string): void {
  const h = decodeFromCompressedBase64(encoded, 32, false);
  into.add(h);
  h.destroy();
}
