import { EXPERIMENT_LABEL, VARIANT_LABEL } from '../../analysis/decide/queries';
import type { AnswerSeries, GuardrailAnswer, GuardrailInput, WindowSpan } from '../../analysis/decide/types';
import { alternationMatcher, labelInjector, planPartitionedQuery, quotePromQLString, type PartitionedQueryPlan } from '../../analysis/promql';
import type { QueryOutcome, QueryRange, QueryRunner } from './query-runner';

/** One experiment's guardrails to measure at one endpoint. */
export interface GuardrailRequest {
  readonly experiment: string;
  readonly variants: readonly string[];
  readonly guardrails: readonly GuardrailInput[];
  /** The measured windows (none: nothing is queried). */
  readonly windows: readonly WindowSpan[];
}

/** Guardrail id → variant → answer. */
export type GuardrailAnswers = Record<string, Record<string, GuardrailAnswer>>;

/** Query categories, as counted by the runner. */
export const BATCHED = 'guardrail';
export const PER_VARIANT = 'guardrail-per-variant';

const PARTITION = [EXPERIMENT_LABEL, VARIANT_LABEL] as const;

interface Item {
  readonly request: GuardrailRequest;
  readonly guardrail: GuardrailInput;
  readonly start: number;
}

interface Batch {
  readonly query: string;
  readonly end: number;
  readonly items: Item[];
}

/**
 * Evaluates the guardrails of many experiments at one endpoint, as range queries at the scrape
 * step over each experiment's measured windows. Experiments sharing a guardrail expression (and a
 * window grid) share one query: the expression rewritten to keep `phoenix_experiment` and
 * `phoenix_variant` (`planPartitionedQuery`), with every experiment and variant selected by one
 * regex matcher; its answer is split per experiment and variant, and equals the per-variant
 * queries' (test/watcher/guardrail-batch.prometheus.test.ts). So the number of guardrail queries
 * grows with distinct expressions, not with experiments. An expression that cannot be rewritten
 * safely, or a batch Prometheus rejects or times out on, is evaluated per variant instead
 * (counted as {@link PER_VARIANT}); either way every answer records the per-variant query it
 * equals, as evidence.
 */
export async function measureGuardrails(
  runner: QueryRunner,
  endpoint: string,
  run: QueryRange,
  requests: readonly GuardrailRequest[],
  scrapeIntervalSeconds: number,
  extraLabels: Readonly<Record<string, string>>,
): Promise<Map<string, GuardrailAnswers>> {
  const out = new Map<string, GuardrailAnswers>();
  const batches = new Map<string, Batch>();
  for (const request of requests) {
    out.set(request.experiment, Object.create(null) as GuardrailAnswers);
    if (request.windows.length === 0) continue;
    const start = request.windows[0]!.start + scrapeIntervalSeconds;
    const end = request.windows[request.windows.length - 1]!.end;
    for (const guardrail of request.guardrails) {
      // Points of a range query lie at start + k × step: experiments share a batch when theirs coincide.
      const key = `${guardrail.query}\u0000${end}\u0000${((start % scrapeIntervalSeconds) + scrapeIntervalSeconds) % scrapeIntervalSeconds}`;
      let batch = batches.get(key);
      if (!batch) batches.set(key, (batch = { query: guardrail.query, end, items: [] }));
      batch.items.push({ request, guardrail, start });
    }
  }
  const names = [...Object.keys(extraLabels), ...PARTITION];
  const plans = new Map<string, PartitionedQueryPlan>();
  await Promise.all(
    [...batches.values()].map(async (batch) => {
      const record = (item: Item, variant: string, answer: GuardrailAnswer): void => {
        (out.get(item.request.experiment)![item.guardrail.id] ??= Object.create(null) as Record<string, GuardrailAnswer>)[variant] = answer;
      };
      let perVariant: (labels: Readonly<Record<string, string>>) => string;
      try {
        perVariant = labelInjector(batch.query, names);
        perVariant({ ...extraLabels, [EXPERIMENT_LABEL]: batch.items[0]!.request.experiment, [VARIANT_LABEL]: batch.items[0]!.request.variants[0] ?? '' });
      } catch (error) {
        const failure = { kind: 'failed' as const, message: `cannot inject the variant matchers: ${(error as Error).message}` };
        for (const item of batch.items) for (const variant of item.request.variants) record(item, variant, { query: batch.query, failure });
        return;
      }
      const queryOf = (item: Item, variant: string) => perVariant({ ...extraLabels, [EXPERIMENT_LABEL]: item.request.experiment, [VARIANT_LABEL]: variant });

      const partitions = batch.items.reduce((n, item) => n + item.request.variants.length, 0);
      let plan = plans.get(batch.query);
      if (!plan) plans.set(batch.query, (plan = planPartitionedQuery(batch.query, PARTITION, names)));
      if (partitions > 1 && plan.ok) {
        const matchers = [
          ...Object.entries(extraLabels).map(([name, value]) => `${name}=${quotePromQLString(value)}`),
          alternationMatcher(
            EXPERIMENT_LABEL,
            batch.items.map((item) => item.request.experiment),
          ),
          alternationMatcher(
            VARIANT_LABEL,
            batch.items.flatMap((item) => item.request.variants),
          ),
        ].join(', ');
        const start = Math.min(...batch.items.map((item) => item.start));
        const outcome = await runner.range(endpoint, run, plan.render(matchers), start, batch.end, scrapeIntervalSeconds, BATCHED);
        if (outcome.ok || !fallsBack(outcome)) {
          const split = outcome.ok ? splitByPartition(outcome.result.result) : undefined;
          for (const item of batch.items) {
            for (const variant of item.request.variants) {
              const query = queryOf(item, variant);
              if (!outcome.ok) record(item, variant, { query, failure: outcome.failure });
              else record(item, variant, { query, series: (split!.get(partitionKey(item.request.experiment, variant)) ?? []).map((s) => from(s, item.start)) });
            }
          }
          return;
        }
      }
      await Promise.all(
        batch.items.flatMap((item) =>
          item.request.variants.map(async (variant) => {
            const query = queryOf(item, variant);
            const outcome = await runner.range(endpoint, run, query, item.start, batch.end, scrapeIntervalSeconds, PER_VARIANT);
            record(item, variant, outcome.ok ? { query, series: outcome.result.result.map((s) => toAnswerSeries(s)) } : { query, failure: outcome.failure });
          }),
        ),
      );
    }),
  );
  return out;
}

/** A batch that Prometheus rejected, or that timed out, may still succeed per variant; an unreachable store will not. */
function fallsBack(outcome: Extract<QueryOutcome, { ok: false }>): boolean {
  return outcome.failure.kind === 'failed' || outcome.failure.reason !== 'connection';
}

function partitionKey(experiment: string, variant: string): string {
  return `${experiment}\u0000${variant}`;
}

type RawSeries = { metric: Record<string, string>; values: ReadonlyArray<readonly [number, number]> };

function splitByPartition(result: readonly RawSeries[]): Map<string, AnswerSeries[]> {
  const out = new Map<string, AnswerSeries[]>();
  for (const series of result) {
    const experiment = series.metric[EXPERIMENT_LABEL];
    const variant = series.metric[VARIANT_LABEL];
    if (experiment === undefined || variant === undefined) continue;
    const key = partitionKey(experiment, variant);
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(toAnswerSeries(series));
  }
  return out;
}

/** The answer series from `start` on (a batch may start earlier than this experiment's windows). */
function from(series: AnswerSeries, start: number): AnswerSeries {
  const points = series.points;
  if (points.length === 0 || points[0]![0] >= start) return series;
  return { labels: series.labels, points: points.filter(([t]) => t >= start) };
}

function toAnswerSeries(series: RawSeries): AnswerSeries {
  const labels = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(series.metric)) if (name !== EXPERIMENT_LABEL && name !== VARIANT_LABEL) labels[name] = value;
  return { labels, points: series.values };
}
