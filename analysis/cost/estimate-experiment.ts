import type { Series } from '../series/model';
import { summarizeChanges, type MetricChange } from '../simulate/changes';
import type { SimulationNote, SimulationResult } from '../simulate/model';
import { estimateUsage, type UsageEstimate } from '../simulate/rates';
import { simulatePipeline, type RenderedCollectorConfig } from '../simulate/simulate';
import { Money } from './money';
import { monthlyCost, type MonthlyCost, type PriceModel } from './price-model';
import { InputError } from '../input-error';

/** One variant to estimate: its rendered collector config and the metrics pipeline to simulate. */
export interface VariantToEstimate {
  /** `baseline` or a candidate's name. */
  readonly name: string;
  readonly config: RenderedCollectorConfig;
  /** Key in `service.pipelines` (e.g. the variant's shadow pipeline). */
  readonly pipeline: string;
}

/** A guardrail query and where it was written. */
export interface Guardrail {
  readonly query: string;
  /** `file:line:column` or a name. @default - none */
  readonly source?: string;
}

/** A guardrail's verdict for one candidate. */
export type GuardrailVerdict =
  | { readonly status: 'unchanged'; readonly why?: string }
  | { readonly status: 'changed'; readonly metric: string; readonly label?: string; readonly function?: string; readonly why: string }
  | { readonly status: 'unknown'; readonly why: string };

/**
 * Decides one guardrail against what a candidate changes (per-metric summaries). The PromQL
 * analysis provides it; without one, every verdict is `unknown`.
 */
export type GuardrailAssessor = (guardrail: Guardrail, changes: readonly MetricChange[]) => GuardrailVerdict;

/** Everything {@link estimateExperiment} needs. */
export interface ExperimentEstimateInput {
  readonly experiment: string;
  /** The active series (the snapshot) the receivers deliver. */
  readonly series: readonly Series[];
  /** Baseline first, then the candidates. */
  readonly variants: readonly VariantToEstimate[];
  readonly guardrails: readonly Guardrail[];
  readonly priceModel: PriceModel;
  /** Scrape / export interval. @default 60 */
  readonly intervalSeconds?: number;
  /** @default DEFAULT_BYTES_PER_SAMPLE */
  readonly bytesPerSample?: number;
  /** @default - every guardrail verdict is unknown */
  readonly assess?: GuardrailAssessor;
}

/** One candidate's estimate against the baseline. */
export interface VariantEstimate {
  readonly variant: string;
  readonly before: UsageEstimate;
  readonly after: UsageEstimate;
  readonly costBefore: MonthlyCost;
  readonly costAfter: MonthlyCost;
  /** costBefore − costAfter per month. */
  readonly saving: Money;
  /** Saving as a percentage of costBefore (0 when costBefore is 0), two decimals. */
  readonly savingPercent: number;
  readonly changes: readonly MetricChange[];
  readonly guardrails: ReadonlyArray<{ readonly guardrail: Guardrail; readonly verdict: GuardrailVerdict }>;
  readonly notes: readonly SimulationNote[];
  readonly collisions: number;
}

/** The estimate of one experiment. */
export interface ExperimentEstimate {
  readonly experiment: string;
  readonly currency: string;
  readonly baseline: { readonly usage: UsageEstimate; readonly cost: MonthlyCost; readonly notes: readonly SimulationNote[] };
  readonly candidates: readonly VariantEstimate[];
  /** Money per month the shadow pipelines cost while the experiment runs (baseline copy + every candidate). */
  readonly shadowCost: Money;
  readonly priceSource?: string;
}

/**
 * Simulates every variant over the series, prices baseline and candidates, and assesses the
 * guardrails per candidate. Pure: the caller loads the snapshot, configs and queries.
 */
export function estimateExperiment(input: ExperimentEstimateInput): ExperimentEstimate {
  const [baselineVariant, ...candidateVariants] = input.variants;
  if (!baselineVariant) throw new InputError(`experiment ${input.experiment} has no variants to estimate`);
  const assumptions = { intervalSeconds: input.intervalSeconds, bytesPerSample: input.bytesPerSample };
  const price = (usage: UsageEstimate) => monthlyCost(input.priceModel, usage);

  const baselineResult = simulatePipeline(baselineVariant.config, baselineVariant.pipeline, input.series);
  const baselineUsage = estimateUsage(baselineResult.output.length, assumptions);
  const baselineCost = price(baselineUsage);
  let shadowCost = baselineCost.total;

  const candidates = candidateVariants.map((variant): VariantEstimate => {
    const result: SimulationResult = simulatePipeline(variant.config, variant.pipeline, input.series);
    const after = estimateUsage(result.output.length, assumptions);
    const costAfter = price(after);
    shadowCost = shadowCost.plus(costAfter.total);
    const changes = summarizeChanges(baselineResult.output as readonly Series[], result);
    const saving = baselineCost.total.minus(costAfter.total);
    const savingPercent = baselineCost.total.amount.isZero() ? 0 : saving.amount.dividedBy(baselineCost.total.amount).times(100).toDecimalPlaces(2).toNumber();
    const guardrails = input.guardrails.map((guardrail) => ({
      guardrail,
      verdict: input.assess ? input.assess(guardrail, changes) : ({ status: 'unknown', why: 'no PromQL assessment available' } as const),
    }));
    return {
      variant: variant.name,
      before: baselineUsage,
      after,
      costBefore: baselineCost,
      costAfter,
      saving,
      savingPercent,
      changes,
      guardrails,
      notes: result.notes,
      collisions: result.collisions.length,
    };
  });
  return {
    experiment: input.experiment,
    currency: input.priceModel.currency,
    baseline: { usage: baselineUsage, cost: baselineCost, notes: baselineResult.notes },
    candidates,
    shadowCost,
    ...(input.priceModel.source ? { priceSource: input.priceModel.source } : {}),
  };
}
