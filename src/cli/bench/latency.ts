// LatencySummary <-> HdrHistogram: the one place percentiles are read from a histogram, so a
// summary made by a run and one made by `tsbench merge` say the same thing about the same samples.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './schema.ts';

/** the percentiles a LatencySummary carries, by field */
export const PERCENTILES = { p50: 50, p90: 90, p99: 99, p999: 99.9, p9999: 99.99 } as const;

/** microseconds (the histogram's unit) to milliseconds, kept to the microsecond */
export const ms = (us: number): number => Math.round(us) / 1000;

/** The summary of a histogram of microsecond values: percentiles, max and mean in ms, the histogram encoded. */
export function latencySummary(h: hdr.Histogram): LatencySummary {
  const count = h.totalCount;
  return {
    count,
    p50: count ? ms(h.getValueAtPercentile(PERCENTILES.p50)) : 0,
    p90: count ? ms(h.getValueAtPercentile(PERCENTILES.p90)) : 0,
    p99: count ? ms(h.getValueAtPercentile(PERCENTILES.p99)) : 0,
    p999: count ? ms(h.getValueAtPercentile(PERCENTILES.p999)) : 0,
    p9999: count ? ms(h.getValueAtPercentile(PERCENTILES.p9999)) : 0,
    max: count ? ms(h.maxValue) : 0,
    mean: count ? ms(h.mean) : 0,
    histogram: hdr.encodeIntoCompressedBase64(h),
  };
}

/** A histogram that grows as values come (3 significant digits: 0.1 % resolution). */
export function newHistogram(digits: 1 | 2 | 3 | 4 | 5 = 3): hdr.Histogram {
  return hdr.build({ numberOfSignificantValueDigits: digits, autoResize: true, useWebAssembly: false });
}

/** Decodes a summary's histogram; throws Error('...') saying what is wrong with it. */
export function decodeHistogram(encoded: string): hdr.Histogram {
  // '' is how tsbench's workers pass an empty histogram
  if (encoded === '') return newHistogram();
  let h: hdr.Histogram;
  try {
    h = hdr.decodeFromCompressedBase64(encoded, 32, false);
  } catch (err) {
    throw new Error(`its histogram cannot be decoded (${err instanceof Error ? err.message : String(err)})`);
  }
  return h;
}

/** The sum of several histograms, as a new one (the parts are destroyed; the caller destroys the sum). */
export function addHistograms(parts: readonly hdr.Histogram[]): hdr.Histogram {
  // the finest resolution among them: adding into a coarser histogram would move values
  const digits = (parts.length ? Math.max(...parts.map((p) => p.numberOfSignificantValueDigits)) : 3) as 1 | 2 | 3 | 4 | 5;
  const sum = newHistogram(digits);
  for (const p of parts) {
    sum.add(p);
    p.destroy();
  }
  return sum;
}
