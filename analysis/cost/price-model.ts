import Decimal from 'decimal.js';
import { Money } from './money';
import { InputError } from '../input-error';

/** One tier of a tiered per-series price: series up to `upToSeries` (cumulative) cost `perSeriesMonth` each. */
export interface SeriesTier {
  /** Upper bound of the tier (cumulative series count). @default - no bound (the last tier) */
  readonly upToSeries?: number;
  /** Price per series per month in this tier, decimal string. */
  readonly perSeriesMonth: string;
}

/**
 * A price list (structurally compatible with `PriceModelSpec` in environments/environment.ts),
 * decimal strings throughout, plus optional per-series tiers (CloudWatch-style). Any unit left
 * out costs nothing.
 */
export interface PriceModel {
  readonly currency: string;
  /** Price per 1,000 active series per month. @default - not billed */
  readonly perThousandSeriesMonth?: string;
  /** Price per 1,000 samples per minute per month. @default - not billed */
  readonly perThousandSamplesPerMinuteMonth?: string;
  /** Price per GB (10^9 bytes) ingested. @default - not billed */
  readonly perGigabyte?: string;
  /** Tiered per-series prices, applied from the first series. @default - no tiers */
  readonly seriesTiers?: readonly SeriesTier[];
  /** Where the prices come from. @default - none */
  readonly source?: string;
}

/** What is billed: active series, samples per minute and bytes per month. */
export interface BilledUsage {
  readonly series: number;
  readonly samplesPerMinute: number;
  readonly bytesPerMonth: number;
}

/** One line of a monthly bill. */
export interface CostLine {
  readonly item: 'series' | 'series-tier' | 'samples' | 'bytes';
  /** Human description, e.g. `12,000 series × USD 0.0065`. */
  readonly description: string;
  readonly amount: Money;
}

/** The monthly bill of a usage under a price model. */
export interface MonthlyCost {
  readonly total: Money;
  readonly lines: readonly CostLine[];
}

/**
 * Money per month for a usage. Tiers are applied from the first series, i.e. the usage is
 * priced as if it were the whole account (for a scope inside a bigger account, the marginal
 * tier may be cheaper: see docs/cost.md).
 */
export function monthlyCost(model: PriceModel, usage: BilledUsage): MonthlyCost {
  const lines: CostLine[] = [];
  const price = (value: string | undefined, field: string): Decimal | undefined => {
    if (value === undefined) return undefined;
    try {
      return new Decimal(value);
    } catch {
      throw new InputError(`price model field ${field} (${JSON.stringify(value)}) must be a decimal string such as "6.50"`);
    }
  };
  const perThousandSeries = price(model.perThousandSeriesMonth, 'perThousandSeriesMonth');
  if (perThousandSeries) {
    lines.push({
      item: 'series',
      description: `${fmt(usage.series)} series × ${model.currency} ${perThousandSeries.toFixed()} per 1,000`,
      amount: Money.of(perThousandSeries.times(usage.series).dividedBy(1000), model.currency),
    });
  }
  let previousBound = 0;
  for (const [i, tier] of (model.seriesTiers ?? []).entries()) {
    const unit = price(tier.perSeriesMonth, `seriesTiers[${i}].perSeriesMonth`)!;
    const bound = tier.upToSeries ?? Infinity;
    const inTier = Math.max(0, Math.min(usage.series, bound) - previousBound);
    if (inTier > 0) {
      lines.push({
        item: 'series-tier',
        description: `${fmt(inTier)} series (tier ${i + 1}) × ${model.currency} ${unit.toFixed()}`,
        amount: Money.of(unit.times(inTier), model.currency),
      });
    }
    previousBound = bound;
  }
  const perThousandSamples = price(model.perThousandSamplesPerMinuteMonth, 'perThousandSamplesPerMinuteMonth');
  if (perThousandSamples) {
    lines.push({
      item: 'samples',
      description: `${fmt(usage.samplesPerMinute)} samples/min × ${model.currency} ${perThousandSamples.toFixed()} per 1,000`,
      amount: Money.of(perThousandSamples.times(new Decimal(usage.samplesPerMinute)).dividedBy(1000), model.currency),
    });
  }
  const perGigabyte = price(model.perGigabyte, 'perGigabyte');
  if (perGigabyte) {
    const gigabytes = new Decimal(usage.bytesPerMonth).dividedBy(1e9);
    lines.push({
      item: 'bytes',
      description: `${gigabytes.toDecimalPlaces(3).toFixed()} GB × ${model.currency} ${perGigabyte.toFixed()}`,
      amount: Money.of(perGigabyte.times(gigabytes), model.currency),
    });
  }
  const total = lines.reduce((sum, line) => sum.plus(line.amount), Money.zero(model.currency));
  return { total, lines };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
