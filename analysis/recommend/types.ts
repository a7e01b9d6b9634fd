import type { Money } from '../cost/money';
import type { MetricType } from '../series/model';

/** What the recommender does with one metric family. */
export type RecommendedAction = 'aggregate' | 'drop' | 'keep';

/** A query that reads a metric, as reports show it. */
export interface QueryReference {
  /** `file:line:column`. */
  readonly where: string;
  /** Alert or record name, panel title. @default - unnamed */
  readonly name?: string;
  readonly expr: string;
}

/** Series and cost before and after a change, and what it saves. */
export interface SeriesSaving {
  readonly seriesBefore: number;
  readonly seriesAfter: number;
  readonly costBefore: Money;
  readonly costAfter: Money;
  readonly saving: Money;
  readonly savingPercent: number;
}

/** The recommendation for one metric family, with its evidence. */
export interface MetricRecommendation extends SeriesSaving {
  /** Family name, as the collector's processors see a scraped metric. */
  readonly metric: string;
  readonly type: MetricType;
  /** The Prometheus series names of the family. */
  readonly seriesNames: readonly string[];
  readonly action: RecommendedAction;
  /** True when the change is in the candidate: `aggregate` or `drop`, above the minimum saving. */
  readonly recommended: boolean;
  /** Labels kept (aggregate). */
  readonly keep: readonly string[];
  /** Labels merged away (aggregate). */
  readonly remove: readonly string[];
  /** The merge function every reading query tolerates (aggregate). */
  readonly function?: 'sum' | 'max' | 'min';
  /**
   * Counters and histograms merge as deltas (`cumulativetodelta` → aggregate → `deltatocumulative`);
   * false for a counter every query reads as an absolute value, merged as cumulative values (ADR 0138).
   */
  readonly deltaConversion: boolean;
  /** Every query that reads the family. */
  readonly queries: readonly QueryReference[];
  /** Why the change keeps every answer, or why there is no change. */
  readonly reason: string;
  /** Where exact equality is not guaranteed, and what differs. */
  readonly caveats: readonly string[];
}

/** The recommender's answer for a whole snapshot. */
export interface RecommendationReport extends SeriesSaving {
  readonly metrics: readonly MetricRecommendation[];
  readonly queriesAnalysed: number;
  /** Queries or files that could not be analysed, `file:line:column: message`. */
  readonly problems: readonly string[];
  readonly currency: string;
}
