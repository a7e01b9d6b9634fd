import Decimal from 'decimal.js';
import type { PriceModelInput, VariantCost } from './types';

/** Seconds in a billing month: 730 hours, the convention of cloud price lists. */
export const SECONDS_PER_MONTH = 730 * 3600;

/** Default estimate of bytes per ingested sample (Prometheus documents 1–2 bytes per sample on disk). */
export const DEFAULT_BYTES_PER_SAMPLE = 2;

/**
 * A variant's monthly cost under a price model, from measured active series and samples/s:
 * series/1000 × per-1k-series + (samples/min)/1000 × per-1k-samples/min + estimated GB × per-GB.
 * Exact decimal arithmetic; the result is rounded to 1/10,000 of the currency unit.
 */
export function variantCost(activeSeries: number, samplesPerSecond: number, price: PriceModelInput, bytesPerSample = DEFAULT_BYTES_PER_SAMPLE): VariantCost {
  const series = new Decimal(activeSeries);
  const samplesPerMinute = new Decimal(samplesPerSecond).times(60);
  const bytesPerMonth = new Decimal(samplesPerSecond).times(SECONDS_PER_MONTH).times(bytesPerSample);
  let total = new Decimal(0);
  if (price.perThousandSeriesMonth) total = total.plus(series.div(1000).times(price.perThousandSeriesMonth));
  if (price.perThousandSamplesPerMinuteMonth) total = total.plus(samplesPerMinute.div(1000).times(price.perThousandSamplesPerMinuteMonth));
  if (price.perGigabyte) total = total.plus(bytesPerMonth.div(1e9).times(price.perGigabyte));
  return {
    activeSeries,
    samplesPerSecond,
    estimatedBytesPerMonth: Math.round(bytesPerMonth.toNumber()),
    monthlyCost: total.toDecimalPlaces(4).toFixed(4),
  };
}

/**
 * Saving of `candidate` against `baseline`, in percent of the baseline's monthly cost; when the
 * price model prices nothing (cost 0), in percent of active series. `null` when the baseline is empty.
 */
export function savingPercent(baseline: VariantCost, candidate: VariantCost): number | null {
  const before = new Decimal(baseline.monthlyCost);
  if (before.greaterThan(0)) {
    return before.minus(candidate.monthlyCost).div(before).times(100).toDecimalPlaces(4).toNumber();
  }
  if (baseline.activeSeries > 0) return ((baseline.activeSeries - candidate.activeSeries) / baseline.activeSeries) * 100;
  return null;
}
