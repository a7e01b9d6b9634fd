import { decideExperiment } from '../../analysis/decide/decide';
import { fluxDeployment, parseFluxRevision, type KustomizationStatusInput } from '../../analysis/decide/flux-revision';
import type { Decision, DeploymentInput, EnvironmentInput, ExperimentInput, LifecycleInput, Observation } from '../../analysis/decide/types';
import { measurementStartSeconds, windowGrid } from '../../analysis/decide/windows';
import { measureShared, observationOf } from './measure';
import { BATCHED, measureGuardrails, PER_VARIANT, type GuardrailRequest } from './measure-guardrails';
import { QueryRunner, type QueryFailure, type QueryRange } from './query-runner';

/** Reads Flux's status for the experiments of one environment. */
export type FluxStatusReader = (experiments: readonly WatchedExperiment[]) => Promise<Map<string, KustomizationStatusInput>>;

/** An environment the watcher measures, with its adapters. */
export interface WatchEnvironment {
  readonly input: EnvironmentInput;
  /** Names the query endpoint (URL and tenant); environments sharing one share queries. */
  readonly endpoint: string;
  readonly query: QueryRange;
  /** Extra matchers narrowing every shared query (e.g. `cluster="dev"`). */
  readonly matchers: readonly string[];
  readonly flux: FluxStatusReader;
}

/** An experiment as the watcher sees it across environments. */
export interface WatchedExperiment {
  readonly name: string;
  /** Name of its Flux Kustomization. @default - the experiment's name */
  readonly kustomization?: string;
  /** Newest commit of the config repo that touched the experiment (source, state or tree). */
  readonly lastChangeSha?: string;
  /** Per environment: the experiment's settings there and its lifecycle. */
  readonly environments: Readonly<
    Record<string, { readonly experiment: ExperimentInput; readonly lifecycle: LifecycleInput; readonly lastChangeSha?: string }>
  >;
}

/** What a cycle reads. */
export interface CycleInputs {
  readonly environments: readonly WatchEnvironment[];
  readonly experiments: readonly WatchedExperiment[];
  /** Whether `appliedSha` contains `changeSha` (git ancestry); `undefined` when unknown. */
  readonly contains: (changeSha: string, appliedSha: string) => Promise<boolean | undefined>;
}

/** Settings of a cycle. */
export interface CycleOptions {
  readonly attempts: number;
  readonly concurrency: number;
  /** Called for every query that failed after all attempts. */
  readonly onQueryFailure?: (endpoint: string, failure: QueryFailure) => void;
}

/** What one cycle did. */
export interface CycleReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly decisions: readonly Decision[];
  /** Queries sent to Prometheus (after de-duplication). */
  readonly queries: number;
  readonly sharedQueries: number;
  /** Guardrail queries: batched over experiments and variants, plus those sent per variant. */
  readonly guardrailQueries: number;
  /** Of {@link guardrailQueries}, those sent per variant (an expression that cannot be batched safely, or a batch that failed). */
  readonly perVariantGuardrailQueries: number;
  readonly queryFailures: number;
  /** Problems reading Flux or Prometheus, one line each (the cycle still decided: inconclusive). */
  readonly problems: readonly string[];
  /** Wall-clock milliseconds spent in the decision functions only (no Prometheus, no Flux, no git). */
  readonly decideMillis: number;
  /** CPU milliseconds of the process during the decision functions (unaffected by other load on the machine). */
  readonly decideCpuMillis: number;
}

/** Default windows of evidence kept when an experiment does not say. */
function windowsKept(experiment: ExperimentInput): number {
  return experiment.promotion.windows ?? Math.max(experiment.promotion.consecutivePasses, experiment.promotion.failureLimit) + 2;
}

/**
 * One watcher cycle: read Flux's status per environment, run the shared cost/health queries
 * (a fixed number per endpoint and window length), evaluate guardrails (one query per distinct
 * expression and window grid, see measure-guardrails.ts), and decide.
 * Never throws for an unreachable Flux or Prometheus: those experiments are decided inconclusive
 * and the problem is reported.
 */
export async function runCycle(inputs: CycleInputs, nowSeconds: number, options: CycleOptions): Promise<CycleReport> {
  const startedAt = new Date().toISOString();
  const runner = new QueryRunner(options.attempts, options.concurrency, options.onQueryFailure);
  const problems: string[] = [];
  const decisions: Decision[] = [];
  let decideMillis = 0;
  let decideCpuMillis = 0;

  // Environments are measured concurrently (Prometheus works while the watcher parses answers), then decided in order.
  const measured = await Promise.all(inputs.environments.map((environment) => measureEnvironment(inputs, environment, runner, nowSeconds)));
  inputs.environments.forEach((environment, index) => {
    const env = environment.input;
    const { here, deployments, observations } = measured[index]!;
    problems.push(...measured[index]!.problems);
    const earlierEnvironments = inputs.environments.filter((e) => e.input.promotionOrder < env.promotionOrder);
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (const watched of here) {
      const { experiment, lifecycle } = watched.environments[env.name]!;
      const earlier = earlierEnvironments
        .filter((e) => watched.environments[e.input.name])
        .map((e) => ({ environment: e.input, lifecycle: watched.environments[e.input.name]!.lifecycle }));
      decisions.push(
        ...decideExperiment({
          experiment,
          environment: env,
          lifecycle,
          deployment: deployments.get(watched.name)!,
          observation: observations.get(watched.name) ?? null,
          earlier,
          nowSeconds,
        }),
      );
    }
    decideMillis += performance.now() - started;
    const used = process.cpuUsage(cpu);
    decideCpuMillis += (used.user + used.system) / 1000;
  });

  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    decisions,
    queries: runner.issued,
    sharedQueries: runner.issuedBy.shared ?? 0,
    guardrailQueries: (runner.issuedBy[BATCHED] ?? 0) + (runner.issuedBy[PER_VARIANT] ?? 0),
    perVariantGuardrailQueries: runner.issuedBy[PER_VARIANT] ?? 0,
    queryFailures: runner.failed,
    problems,
    decideMillis,
    decideCpuMillis,
  };
}

interface MeasuredEnvironment {
  readonly here: readonly WatchedExperiment[];
  readonly deployments: ReadonlyMap<string, DeploymentInput>;
  readonly observations: ReadonlyMap<string, Observation>;
  readonly problems: readonly string[];
}

/** Reads Flux's status and measures every measurable experiment of one environment. */
async function measureEnvironment(inputs: CycleInputs, environment: WatchEnvironment, runner: QueryRunner, nowSeconds: number): Promise<MeasuredEnvironment> {
  const problems: string[] = [];
  const env = environment.input;
  const here = inputs.experiments.filter((e) => e.environments[env.name]);
  let statuses: Map<string, KustomizationStatusInput> | undefined;
  let fluxProblem: string | undefined;
  try {
    statuses = await environment.flux(here);
  } catch (error) {
    fluxProblem = `${env.name}: cannot read Flux status: ${(error as Error).message}`;
    problems.push(fluxProblem);
  }

  const deployments = new Map<string, DeploymentInput>();
  await Promise.all(
    here.map(async (watched) => {
      const status = statuses?.get(watched.name) ?? { source: 'unknown', found: false };
      if (!statuses) {
        deployments.set(watched.name, { source: 'unknown', current: false, reason: fluxProblem });
        return;
      }
      const lastChange = watched.environments[env.name]!.lastChangeSha ?? watched.lastChangeSha;
      const applied = parseFluxRevision(status.lastAppliedRevision);
      const contains = applied && lastChange ? await inputs.contains(lastChange, applied.sha).catch(() => undefined) : undefined;
      deployments.set(watched.name, fluxDeployment(status, lastChange, contains));
    }),
  );

  // Shared queries: one set per window length at this endpoint, for every measurable experiment.
  const measurable = here.filter((w) => {
    const { lifecycle } = w.environments[env.name]!;
    const deployment = deployments.get(w.name)!;
    return (lifecycle.phase === 'running' || lifecycle.phase === 'paused') && deployment.current;
  });
  const byWindow = new Map<number, WatchedExperiment[]>();
  for (const watched of measurable) {
    const seconds = watched.environments[env.name]!.experiment.promotion.windowMinutes * 60;
    (byWindow.get(seconds) ?? byWindow.set(seconds, []).get(seconds)!).push(watched);
  }
  const observations = new Map<string, Observation>();
  for (const [seconds, group] of byWindow) {
    const count = Math.max(...group.map((w) => windowsKept(w.environments[env.name]!.experiment)));
    const grid = windowGrid(nowSeconds - env.scrapeIntervalSeconds, seconds, count);
    const measurement = await measureShared(runner, environment.endpoint, environment.query, grid, environment.matchers);
    for (const failure of new Set(measurement.failures.map((f) => f.message))) problems.push(`${env.name}: ${failure}`);
    const extraLabels = equalityLabels(environment.matchers);
    const skip = measurement.failures.some((f) => f.kind === 'unavailable');
    const requests: GuardrailRequest[] = group.map((watched) => {
      const { experiment, lifecycle } = watched.environments[env.name]!;
      const deployment = deployments.get(watched.name)!;
      const start = measurementStartSeconds(deployment.readySince, lifecycle.since, env.scrapeIntervalSeconds);
      const windows = skip || start === null ? [] : grid.filter((w) => w.start >= start);
      return { experiment: watched.name, variants: experiment.variants.map((v) => v.name), guardrails: experiment.guardrails, windows };
    });
    const answers = await measureGuardrails(runner, environment.endpoint, environment.query, requests, env.scrapeIntervalSeconds, extraLabels);
    for (const watched of group) observations.set(watched.name, observationOf(measurement, watched.name, answers.get(watched.name) ?? {}));
  }

  return { here, deployments, observations, problems };
}

/** `name="value"` matchers as labels to inject into guardrail queries (other matcher kinds apply to shared queries only). */
export function equalityLabels(matchers: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const matcher of matchers) {
    const match = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(matcher);
    if (match) labels[match[1]!] = JSON.parse(`"${match[2]}"`) as string;
  }
  return labels;
}
