import { parseAllDocuments, parse } from 'yaml';
import { monthlyCost, type PriceModel } from '../../../analysis/cost';
import type { SeriesSnapshot } from '../../../analysis/series';
import { estimateUsage, simulatePipeline, type RenderedCollectorConfig } from '../../../analysis/simulate';
import type { CostEstimateInput, CostEstimator } from './review-refs';
import type { CostChange } from './types';

/**
 * Cost changes simulated from the committed trees (nothing is synthesized or run from the pull
 * request): for each changed experiment, the collector configuration of base and head — the
 * OpenTelemetryCollector's `spec.config`, or a ConfigMap holding a collector config — is run over a
 * series snapshot (a file, or the active series of a Prometheus-compatible API) with the same
 * pipeline simulation `phoenix estimate` uses. Every metrics pipeline counts (production and, while
 * an experiment runs, its shadow pipelines: they are paid for too), priced with the environment's
 * price model.
 */

/** Options of `seriesCostEstimator`. */
export interface SeriesCostOptions {
  readonly snapshot: SeriesSnapshot;
  /** Price model of an environment; environments without one are left out of the estimate. */
  readonly priceModelOf: (environment: string) => PriceModel | undefined;
  /** Scrape / export interval in seconds. @default 60 */
  readonly intervalSeconds?: number;
}

/** A parsed YAML document, as far as this module reads it (every field is checked before use). */
interface DocumentView {
  readonly kind?: unknown;
  readonly spec?: { readonly config?: unknown } | null;
  readonly data?: unknown;
}

function isCollectorConfig(value: unknown): value is RenderedCollectorConfig {
  const pipelines = (value as { service?: { pipelines?: unknown } | null } | null | undefined)?.service?.pipelines;
  return !!pipelines && typeof pipelines === 'object';
}

/** The collector configuration of one experiment in one environment of a tree, if any. */
export function collectorConfigOf(files: ReadonlyMap<string, string>, environment: string, experiment: string): RenderedCollectorConfig | undefined {
  const folder = `/experiments/${environment}/${experiment}/`;
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!`/${file}`.includes(folder) || !/\.ya?ml$/.test(file)) continue;
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) continue;
      const value = document.toJS() as DocumentView | null;
      const config = value?.spec?.config;
      if (value?.kind === 'OpenTelemetryCollector' && isCollectorConfig(config)) return config;
      if (value?.kind === 'ConfigMap' && value.data && typeof value.data === 'object') {
        for (const entry of Object.values(value.data as Record<string, unknown>)) {
          if (typeof entry !== 'string' || !entry.includes('pipelines')) continue;
          try {
            const parsed = parse(entry) as unknown;
            if (isCollectorConfig(parsed)) return parsed;
          } catch {
            // not YAML: another kind of data entry
          }
        }
      }
    }
  }
  return undefined;
}

/** Active output series of every metrics pipeline of a config. */
function outputSeries(config: RenderedCollectorConfig, snapshot: SeriesSnapshot): number {
  return Object.keys(config.service.pipelines)
    .filter((id) => id === 'metrics' || id.startsWith('metrics/'))
    .reduce((sum, id) => sum + simulatePipeline(config, id, snapshot.series).output.length, 0);
}

/** A `CostEstimator` that simulates base and head collector configs over a series snapshot. */
export function seriesCostEstimator(options: SeriesCostOptions): CostEstimator {
  return async (input: CostEstimateInput) => {
    const changes: CostChange[] = [];
    const missingPrice = new Set<string>();
    for (const { environment, experiment } of input.changed) {
      const model = options.priceModelOf(environment);
      if (!model) {
        missingPrice.add(environment);
        continue;
      }
      const price = (config: RenderedCollectorConfig | undefined) => {
        const series = config ? outputSeries(config, options.snapshot) : 0;
        return monthlyCost(model, estimateUsage(series, { intervalSeconds: options.intervalSeconds })).total;
      };
      const baseConfig = collectorConfigOf(input.base, environment, experiment);
      const headConfig = collectorConfigOf(input.head, environment, experiment);
      if (!baseConfig && !headConfig) continue;
      const before = price(baseConfig);
      const after = price(headConfig);
      changes.push({
        experiment,
        environment,
        monthlyBefore: before.amount.toFixed(2),
        monthlyAfter: after.amount.toFixed(2),
        monthlyDelta: after.minus(before).amount.toFixed(2),
        currency: model.currency,
        source: `simulated over ${options.snapshot.source}`,
      });
    }
    if (changes.length === 0 && missingPrice.size > 0) return { unavailable: `no price model for ${[...missingPrice].join(', ')}` };
    return { changes };
  };
}
