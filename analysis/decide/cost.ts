import Decimal from 'decimal.js';
import type { PriceModelInput, VariantCost } from './types';

/** Seconds in a billing month: 730 hours, the convention of cloud price lists. */
export const SECONDS_PER_MONTH = 730 * 3600;

/** Default estimate of bytes per ingested sample (Prometheus documents 1–2 bytes per sample on disk). */
export const DEFAULT_BYTES_PER_SAMPLE = 2;

interface UnitPrices {
  readonly perSeries: Decimal;
  /** Money per month per sample/s: samples/min pricing plus the bytes estimate. */
  readonly perSamplePerSecond: Decimal;
}

const unitPriceCache = new WeakMap<PriceModelInput, Map<number, UnitPrices>>();

/** Per-unit prices of a price model, parsed once per model and bytes-per-sample estimate. */
function unitPrices(price: PriceModelInput, bytesPerSample: number): UnitPrices {
  let byBytes = unitPriceCache.get(price);
  if (!byBytes) unitPriceCache.set(price, (byBytes = new Map()));
  let units = byBytes.get(bytesPerSample);
  if (!units) {
    const perSeries = price.perThousandSeriesMonth ? new Decimal(price.perThousandSeriesMonth).div(1000) : new Decimal(0);
    let perSample = new Decimal(0);
    if (price.perThousandSamplesPerMinuteMonth) perSample = perSample.plus(new Decimal(price.perThousandSamplesPerMinuteMonth).times(60).div(1000));
    if (price.perGigabyte) perSample = perSample.plus(new Decimal(price.perGigabyte).times(SECONDS_PER_MONTH).times(bytesPerSample).div(1e9));
    units = { perSeries, perSamplePerSecond: perSample };
    byBytes.set(bytesPerSample, units);
  }
  return units;
}

/**
 * A variant's monthly cost under a price model, from measured active series and samples/s:
 * series/1000 × per-1k-series + (samples/min)/1000 × per-1k-samples/min + estimated GB × per-GB.
 * Exact decimal arithmetic; the result is rounded to 1/10,000 of the currency unit.
 */
export function variantCost(activeSeries: number, samplesPerSecond: number, price: PriceModelInput, bytesPerSample = DEFAULT_BYTES_PER_SAMPLE): VariantCost {
  const units = unitPrices(price, bytesPerSample);
  const total = units.perSeries.times(activeSeries).plus(units.perSamplePerSecond.times(samplesPerSecond));
  return {
    activeSeries,
    samplesPerSecond,
    estimatedBytesPerMonth: Math.round(samplesPerSecond * SECONDS_PER_MONTH * bytesPerSample),
    monthlyCost: total.toFixed(4),
  };
}

/**
 * Saving of `candidate` against `baseline`, in percent of the baseline's monthly cost; when the
 * price model prices nothing (cost 0), in percent of active series. `null` when the baseline is empty.
 */
export function savingPercent(baseline: VariantCost, candidate: VariantCost): number | null {
  // A percentage, not money: plain numbers are exact enough and much cheaper than decimals here.
  const before = Number(baseline.monthlyCost);
  if (before > 0) return Math.round(((before - Number(candidate.monthlyCost)) / before) * 100 * 10_000) / 10_000;
  if (baseline.activeSeries > 0) return ((baseline.activeSeries - candidate.activeSeries) / baseline.activeSeries) * 100;
  return null;
}
