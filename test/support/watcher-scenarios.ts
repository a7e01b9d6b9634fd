/**
 * Watcher scenarios over a real Prometheus: experiments whose shadow series, collector
 * self-metrics and guardrail metrics are generated here and backfilled with promtool, plus the
 * watcher inputs that describe them. Shared by the watcher tests, the status page tests and the
 * benchmark. Times are virtual: `now` lies in the past so backfilled blocks never meet the head.
 */
import type { EnvironmentInput, ExperimentInput } from '../../analysis/decide/types';
import type { KustomizationStatusInput } from '../../analysis/decide/flux-revision';
import { PrometheusClient } from '../../clients/prometheus/client';
import type { CycleInputs, FluxStatusReader, WatchedExperiment } from '../../app/watcher/cycle';
import { alignedNowSeconds, toOpenMetrics, type BackfillSeries } from './prometheus';

/**
 * What a scenario's candidate does:
 * - `clear-win`: same answers, a third of the series → promote;
 * - `guardrail-broken`: request rates 5% higher from the start → rollback;
 * - `no-data`: nothing reaches the shadow store → inconclusive;
 * - `noisy-fine`: same answers with ±1% jitter, error counters that are mostly zero, and one
 *   window with a 3% blip → keeps passing, never flips.
 */
export type ScenarioKind = 'clear-win' | 'guardrail-broken' | 'no-data' | 'noisy-fine';

/** Options of {@link buildScenarioSet}. */
export interface ScenarioOptions {
  /** Window length, minutes. @default 10 */
  readonly windowMinutes?: number;
  /** Scrape interval, seconds. @default 60 */
  readonly scrapeIntervalSeconds?: number;
  /** Routes per experiment (candidate series). @default 3 */
  readonly routes?: number;
  /** Pods per route in the baseline (baseline series = routes × pods). @default 3 */
  readonly pods?: number;
  /** Environment names; each gets its own copy of the series, told apart by `phoenix_env`. @default ['dev'] */
  readonly environments?: readonly string[];
  /** Guardrails per experiment (1 or 2: requests by route, then error rate). @default 2 */
  readonly guardrails?: number;
  /** Windows of data before `now`. @default 9 */
  readonly windowsBefore?: number;
  /** Windows of data after `now` (for later cycles). @default 2 */
  readonly windowsAfter?: number;
}

/** A set of scenarios: what to backfill and how the watcher should see it. */
export interface ScenarioSet {
  /** The virtual time of the first cycle (unix seconds); later cycles may run up to 2 windows after it. */
  readonly now: number;
  readonly windowSeconds: number;
  readonly environments: readonly EnvironmentInput[];
  readonly experiments: readonly WatchedExperiment[];
  /** Kind per experiment name. */
  readonly kinds: Readonly<Record<string, ScenarioKind>>;
  readonly series: readonly BackfillSeries[];
  /** OpenMetrics text for `startPrometheus({ openMetrics })`. */
  openMetrics(): string;
}

/** The commit the scenarios' Kustomizations applied. */
export const SCENARIO_SHA = '1'.repeat(40);

const COUNTERS = {
  http_requests: 'counter',
  http_errors: 'counter',
  otelcol_exporter_sent_metric_points: 'counter',
  otelcol_exporter_send_failed_metric_points: 'counter',
} as const;

/** Builds scenarios for `kinds` (experiment name → kind) in every environment. */
export function buildScenarioSet(kinds: Readonly<Record<string, ScenarioKind>>, options: ScenarioOptions = {}): ScenarioSet {
  const windowMinutes = options.windowMinutes ?? 10;
  const windowSeconds = windowMinutes * 60;
  const scrape = options.scrapeIntervalSeconds ?? 60;
  const routes = options.routes ?? 3;
  const pods = options.pods ?? 3;
  const envNames = options.environments ?? ['dev'];
  const guardrailCount = options.guardrails ?? 2;
  const now = alignedNowSeconds(windowSeconds) - 2 * 3600;
  const dataStart = now - (options.windowsBefore ?? 9) * windowSeconds;
  const dataEnd = now + (options.windowsAfter ?? 2) * windowSeconds;
  const readySince = new Date((dataStart + scrape) * 1000).toISOString();

  const environments: EnvironmentInput[] = envNames.map((name, index) => ({
    name,
    promotionOrder: index,
    bakeTimeMinutes: 60,
    scrapeIntervalSeconds: scrape,
    priceModel: { currency: 'USD', perThousandSeriesMonth: '6.50' },
  }));
  const guardrails = [
    { id: 'requests-by-route', query: 'sum by (route) (rate(http_requests_total[5m]))', relativeTolerance: 0.02 },
    { id: 'error-rate', query: 'sum(rate(http_errors_total[5m]))', relativeTolerance: 0.02 },
  ].slice(0, guardrailCount);

  const series: BackfillSeries[] = [];
  const experiments: WatchedExperiment[] = [];
  for (const [name, kind] of Object.entries(kinds)) {
    const experiment: ExperimentInput = {
      name,
      variants: [
        { name: 'baseline', specHash: 'baseline-0' },
        { name: 'by-route', specHash: 'by-route-0' },
      ],
      guardrails,
      promotion: { windowMinutes, consecutivePasses: 3, failureLimit: 2, minSavingsPercent: 10, windows: 6 },
    };
    const perEnv: Record<string, { experiment: ExperimentInput; lifecycle: { phase: 'running'; since: string } }> = {};
    for (const env of envNames) {
      perEnv[env] = { experiment, lifecycle: { phase: 'running', since: readySince } };
      if (kind !== 'no-data') series.push(...experimentSeries(name, kind, env, { routes, pods, scrape, dataStart, dataEnd, now, windowSeconds }));
    }
    experiments.push({ name, lastChangeSha: SCENARIO_SHA, environments: perEnv });
  }
  return { now, windowSeconds, environments, experiments, kinds, series, openMetrics: () => toOpenMetrics(series, COUNTERS) };
}

interface Shape {
  readonly routes: number;
  readonly pods: number;
  readonly scrape: number;
  readonly dataStart: number;
  readonly dataEnd: number;
  readonly now: number;
  readonly windowSeconds: number;
}

/** Deterministic pseudo-random in [0, 1). */
function noise(seed: number): number {
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

function experimentSeries(experiment: string, kind: ScenarioKind, env: string, shape: Shape): BackfillSeries[] {
  const out: BackfillSeries[] = [];
  const times: number[] = [];
  for (let t = shape.dataStart; t <= shape.dataEnd; t += shape.scrape) times.push(t);
  const labels = (variant: string, extra: Record<string, string> = {}) => ({
    phoenix_experiment: experiment,
    phoenix_variant: variant,
    phoenix_env: env,
    ...extra,
  });
  const blipWindow = [shape.now - 3 * shape.windowSeconds, shape.now - 2 * shape.windowSeconds];

  // Requests: 10/s per pod; the candidate sums pods per route (the saving).
  for (let r = 0; r < shape.routes; r += 1) {
    const route = `/api/${r}`;
    let candidateTotal = 0;
    const candidate: Array<[number, number]> = [];
    const podTotals = Array.from({ length: shape.pods }, () => 0);
    const baselinePoints = podTotals.map(() => [] as Array<[number, number]>);
    times.forEach((t, i) => {
      let sum = 0;
      for (let p = 0; p < shape.pods; p += 1) {
        const increment = (10 + p) * shape.scrape;
        podTotals[p]! += i === 0 ? 0 : increment;
        baselinePoints[p]!.push([t, podTotals[p]!]);
        sum += i === 0 ? 0 : increment;
      }
      let factor = 1;
      if (kind === 'guardrail-broken') factor = 1.05;
      if (kind === 'noisy-fine') factor = 1 + 0.02 * (noise(i + r * 1000) - 0.5) + (t > blipWindow[0]! && t <= blipWindow[1]! ? 0.03 : 0);
      candidateTotal += sum * factor;
      candidate.push([t, candidateTotal]);
    });
    baselinePoints.forEach((points, p) => out.push({ name: 'http_requests_total', labels: labels('baseline', { route, pod: `pod-${p}` }), samples: points }));
    out.push({ name: 'http_requests_total', labels: labels('by-route', { route }), samples: candidate });
  }

  // Errors: rare single events (zero-heavy); the candidate sees them a few minutes later.
  for (const [variant, offset] of [
    ['baseline', 0],
    ['by-route', kind === 'noisy-fine' ? 3 : 0],
  ] as const) {
    let errors = 0;
    out.push({
      name: 'http_errors_total',
      labels: labels(variant),
      samples: times.map((t, i) => {
        if (i > 0 && (i + offset) % 17 === 0) errors += 1;
        return [t, errors] as [number, number];
      }),
    });
  }

  // Collector self-metrics as the shadow's self-telemetry pipeline writes them (ADR 0127): each
  // variant's exporter counters labelled by variant; the baseline's exporter never failed, so its
  // failure series does not exist (the collector creates it at the first failure); steady memory.
  for (const variant of ['baseline', 'by-route']) {
    out.push({ name: 'otelcol_exporter_sent_metric_points_total', labels: labels(variant), samples: times.map((t, i) => [t, 10 * i] as [number, number]) });
    if (variant !== 'baseline')
      out.push({ name: 'otelcol_exporter_send_failed_metric_points_total', labels: labels(variant), samples: times.map((t) => [t, 0] as [number, number]) });
    out.push({ name: 'otelcol_process_memory_rss', labels: labels(variant), samples: times.map((t) => [t, 150e6] as [number, number]) });
  }
  return out;
}

/** A Flux reader that reports every experiment Ready at {@link SCENARIO_SHA} since the data began. */
export function readyFlux(set: ScenarioSet): FluxStatusReader {
  return async (experiments) => {
    const out = new Map<string, KustomizationStatusInput>();
    for (const watched of experiments) {
      const since = Object.values(watched.environments)[0]?.lifecycle.since ?? new Date(set.now * 1000).toISOString();
      out.set(watched.name, { source: 'scenario', found: true, ready: true, readySince: since, lastAppliedRevision: `main@sha1:${SCENARIO_SHA}` });
    }
    return out;
  };
}

/** The watcher's inputs for a scenario set against a Prometheus at `prometheusUrl`. */
export function scenarioInputs(set: ScenarioSet, prometheusUrl: string, overrides: { flux?: FluxStatusReader; timeoutMs?: number } = {}): CycleInputs {
  const client = new PrometheusClient({ baseUrl: prometheusUrl, timeoutMs: overrides.timeoutMs ?? 10_000 });
  return {
    environments: set.environments.map((input) => ({
      input,
      endpoint: prometheusUrl,
      query: (expr, start, end, step) => client.queryRange(expr, start, end, step),
      matchers: [`phoenix_env="${input.name}"`],
      flux: overrides.flux ?? readyFlux(set),
    })),
    experiments: set.experiments,
    contains: async (change, applied) => change === applied,
  };
}
