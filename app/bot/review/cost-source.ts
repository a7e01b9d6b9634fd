import type { PriceModel } from '../../../analysis/cost';
import type { SeriesSnapshot } from '../../../analysis/series';
import { loadEnvironments } from '../../../environments/load-environments';
import { loadSnapshotFile, loadSnapshotFromPrometheus } from '../../snapshot/load-snapshot';
import { snapshotCostEstimator } from './cost-snapshot';
import type { CostEstimator } from './review-refs';
import { seriesCostEstimator } from './series-cost';
import { InputError } from '../../../analysis/input-error';

/** Where the review's cost figures come from: at most one of these. */
export interface CostSourceOptions {
  /** Measured monthly cost per variant (JSON, see cost-snapshot.ts). @default - none */
  readonly costSnapshot?: string;
  /** Prometheus / OpenMetrics text file of the active series. @default - none */
  readonly seriesSnapshot?: string;
  /** Prometheus-compatible API to read the active series from (on every review). @default - none */
  readonly prometheusUrl?: string;
}

/**
 * The cost estimator for the configured source, or undefined when none is configured. Price models
 * come from Phoenix's own environments (the installation's, never the pull request's).
 */
export function costEstimatorFor(options: CostSourceOptions): CostEstimator | undefined {
  const given = [options.costSnapshot, options.seriesSnapshot, options.prometheusUrl].filter((v) => v !== undefined);
  if (given.length > 1) throw new InputError('give at most one cost source: a cost snapshot, a series snapshot or a Prometheus URL');
  if (options.costSnapshot) return snapshotCostEstimator(options.costSnapshot);
  if (!options.seriesSnapshot && !options.prometheusUrl) return undefined;
  const environments = loadEnvironments();
  const priceModelOf = (name: string): PriceModel | undefined => environments.find((env) => env.name === name)?.priceModel;
  let fileSnapshot: Promise<SeriesSnapshot> | undefined;
  const snapshot = () =>
    options.seriesSnapshot ? (fileSnapshot ??= loadSnapshotFile(options.seriesSnapshot)) : loadSnapshotFromPrometheus(options.prometheusUrl as string);
  return async (input) => seriesCostEstimator({ snapshot: await snapshot(), priceModelOf })(input);
}
