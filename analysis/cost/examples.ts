import type { PriceModel } from './price-model';

/**
 * Published list prices, for examples and defaults. Check the vendor's page before relying on
 * them: list prices change.
 */

/** Grafana Cloud Pro: about USD 6.50 per 1,000 active series per month (billable series). */
export const GRAFANA_CLOUD_PRO: PriceModel = {
  currency: 'USD',
  perThousandSeriesMonth: '6.50',
  source: 'https://grafana.com/pricing/ (Pro, metrics: $6.50 per 1k billable series)',
};

/**
 * Amazon CloudWatch custom metrics (us-east-1): USD 0.30 per metric per month for the first
 * 10,000, 0.10 for the next 240,000, 0.05 for the next 750,000, 0.02 beyond 1,000,000. A
 * CloudWatch "metric" is one name + dimension set, i.e. one series.
 */
export const CLOUDWATCH_CUSTOM_METRICS: PriceModel = {
  currency: 'USD',
  seriesTiers: [
    { upToSeries: 10_000, perSeriesMonth: '0.30' },
    { upToSeries: 250_000, perSeriesMonth: '0.10' },
    { upToSeries: 1_000_000, perSeriesMonth: '0.05' },
    { perSeriesMonth: '0.02' },
  ],
  source: 'https://aws.amazon.com/cloudwatch/pricing/ (custom metrics, tiered)',
};
