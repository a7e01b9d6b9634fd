import * as kplus from 'cdk8s-plus-27';
import { Lazy } from 'cdk8s';
import { Construct, type IConstruct } from 'constructs';
import { cloneData } from '../collector/clone-data';
import type { CollectorComponent } from '../collector/component';
import type { CollectorConfig } from '../collector/config';
import type { CollectorPipeline } from '../collector/pipeline';
import { validateCollectorConfig } from '../collector/schemas/validate';
import { CollectorDeployment, FLUX_SUBSTITUTE_ANNOTATION, type CollectorDeploymentProps } from '../deployment/collector-deployment';
import type { EnvironmentLifecycle, ExperimentTarget } from './definition';
import { checkCandidates, checkShadowDestination, ExperimentError, pickProductionPipeline, scopeProblems } from './experiment-checks';
import { resolveGuardrails, type GuardrailProps, type ResolvedGuardrails } from './guardrails';
import { MANIFEST_LABEL } from '../../analysis/labels';
import { EXPERIMENT_MANIFEST_VERSION, MANIFEST_CONFIGMAP_SUFFIX, MANIFEST_DATA_KEY, type ExperimentManifest } from './manifest';
import { resolvePromotion, type PromotionProps, type ResolvedPromotion } from './promotion';
import { describeScope, normaliseScope, type MetricScope, type ScopeMatcher } from './scope';
import { telemetryTarget } from './self-telemetry';
import {
  BASELINE_VARIANT,
  EXPERIMENT_LABEL,
  VARIANT_LABEL,
  renderPromotedConfig,
  renderShadowConfig,
  shadowPipelineIds,
  withoutShadow,
  type ShadowEndpoint,
  type VariantProcessors,
} from './shadow';

/** A cheaper pipeline to try: processors added to the production pipeline (before its `batch`). */
export interface CandidateProps {
  /** Variant name, a DNS label; `baseline` is reserved. Becomes the `phoenix_variant` label. */
  readonly name: string;
  /**
   * Processors the candidate adds, in order. They must name the metrics they change
   * (`Processor.keepAttributes({ metrics: [...] })`): once promoted they see every metric.
   */
  readonly processors: readonly CollectorComponent[];
  /** One line on what the candidate tries. @default - none */
  readonly description?: string;
}

/** The separate destination the shadow pipelines write to. */
export interface ShadowDestinationProps {
  /** Remote-write URL; must differ from production's. @default - the target's shadowRemoteWriteUrl */
  readonly remoteWriteUrl?: string;
  /** Extra HTTP headers, e.g. `{ 'X-Scope-OrgID': 'phoenix-shadow' }` for a Mimir tenant. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Collector deployment settings of the experiment (the environment's overrides win). */
export type ExperimentCollectorProps = Omit<CollectorDeploymentProps, 'config' | 'aggregates' | 'namespace'>;

/** Props of `Experiment`. */
export interface ExperimentProps {
  /** The production pipeline exactly as it runs today (built, or `CollectorPipeline.fromYaml`). */
  readonly baseline: CollectorPipeline;
  /** The candidates, each a named list of processors. */
  readonly candidates: readonly CandidateProps[];
  /** The metrics the experiment changes, as the collector's processors name them: exact names or whole-name RE2 RegExps. */
  readonly scope: readonly ScopeMatcher[];
  /** Queries that must keep their answer, collector-health limits, minimum saving. */
  readonly guardrails: GuardrailProps;
  /** The environment this rendering is for, with the experiment's lifecycle there. */
  readonly target: ExperimentTarget;
  /** Decision settings. @default - every PromotionProps default */
  readonly promotion?: PromotionProps;
  /** Where shadow pipelines write. @default - the target's shadowRemoteWriteUrl, no extra headers */
  readonly shadow?: ShadowDestinationProps;
  /** Key of the production metrics pipeline in the baseline. @default - the baseline's only metrics pipeline */
  readonly pipeline?: string;
  /** Metric names the baseline carries (an inventory); a scope entry matching none of them fails. @default - not checked, a warning is recorded */
  readonly knownMetrics?: readonly string[];
  /** Collector deployment settings. @default - CollectorDeployment's defaults, named after the experiment */
  readonly collector?: ExperimentCollectorProps;
  /** Directory guardrail rule files and dashboards are relative to. @default - the current working directory (the repository root) */
  readonly baseDirectory?: string;
}

const EXPERIMENT_SYMBOL = Symbol.for('phoenix.Experiment');

/**
 * Environment variable holding the environment's production remote-write URL in every experiment
 * collector: a baseline written once for all environments sets its exporter's
 * `endpoint: ${env:PHOENIX_REMOTE_WRITE_URL}`.
 */
export const REMOTE_WRITE_ENV = 'PHOENIX_REMOTE_WRITE_URL';

/**
 * An experiment in one environment: the production collector (baseline, or the promoted
 * candidate) and, while running or paused, one shadow pipeline per variant fed by the same
 * receivers, filtered to the scope, labelled `phoenix_experiment`/`phoenix_variant` and written
 * to the shadow destination. Children: `Collector` (a `CollectorDeployment`) and `Manifest`
 * (the ConfigMap carrying the `ExperimentManifest`).
 */
export class Experiment extends Construct {
  /** True when `x` is an Experiment (also across copies of this module). */
  static isExperiment(x: unknown): x is Experiment {
    return typeof x === 'object' && x !== null && EXPERIMENT_SYMBOL in x;
  }

  /** Every Experiment in the tree under `scope`, in construct order. */
  static findAll(scope: IConstruct): Experiment[] {
    return scope.node.findAll().filter((c): c is Experiment => Experiment.isExperiment(c));
  }

  /** Experiment name (the construct id). */
  readonly name: string;
  /** Environment this rendering is for. */
  readonly environment: string;
  /** The lifecycle in this environment. */
  readonly lifecycle: EnvironmentLifecycle;
  /** The collector running the experiment. */
  readonly collector: CollectorDeployment;
  /** Key of the production metrics pipeline. */
  readonly productionPipeline: string;
  private readonly baseline: CollectorPipeline;
  private readonly candidates: readonly CandidateProps[];
  private readonly metricScope: MetricScope;
  private readonly resolvedGuardrails: ResolvedGuardrails;
  private readonly resolvedPromotion: ResolvedPromotion;
  private readonly destination: ShadowEndpoint;
  private readonly scrapeIntervalSeconds: number;
  private readonly warningList: string[] = [];

  constructor(scope: Construct, id: string, props: ExperimentProps) {
    super(scope, id);
    Object.defineProperty(this, EXPERIMENT_SYMBOL, { value: true });
    const where = this.node.path;
    this.name = id;
    this.environment = props.target.environment;
    this.lifecycle = props.target.lifecycle;
    this.baseline = props.baseline;
    this.candidates = props.candidates.map((candidate) => ({ ...candidate, processors: [...candidate.processors] }));
    const problems: string[] = [];
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(id)) problems.push(`the experiment name '${id}' must be a DNS label (lowercase letters, digits and '-')`);

    const baselineConfig = renderBaseline(props.baseline, where);
    const picked = pickProductionPipeline(baselineConfig, props.pipeline);
    this.productionPipeline = picked.pipeline ?? 'metrics';
    problems.push(...picked.problems);
    problems.push(...checkCandidates(props, baselineConfig, this.productionPipeline, picked.problems.length === 0));
    const { scope: metricScope, problems: scopeIssues } = normaliseScope(props.scope);
    this.metricScope = metricScope;
    const scoped = scopeProblems(metricScope, props);
    problems.push(...scopeIssues, ...scoped.problems);
    this.warningList.push(...scoped.warnings);
    const guardrails = resolveGuardrails(props.guardrails, props.baseDirectory ?? process.cwd());
    this.resolvedGuardrails = guardrails.guardrails;
    problems.push(...guardrails.problems);
    const promotion = resolvePromotion(props.promotion ?? {}, props.target.scrapeIntervalSeconds);
    this.resolvedPromotion = promotion.promotion;
    problems.push(...promotion.problems);
    this.destination = { remoteWriteUrl: props.shadow?.remoteWriteUrl ?? props.target.shadowRemoteWriteUrl, headers: props.shadow?.headers };
    problems.push(...checkShadowDestination(this.destination.remoteWriteUrl, props.target.remoteWriteUrl, baselineConfig));
    this.scrapeIntervalSeconds = props.target.scrapeIntervalSeconds;
    try {
      telemetryTarget(baselineConfig);
    } catch (error) {
      problems.push(`the baseline's ${(error as Error).message}`);
    }
    problems.push(...lifecycleProblems(this.lifecycle, this.environment, this.candidates));
    if (problems.length > 0) throw new ExperimentError(where, problems);
    this.node.addValidation({
      validate: () =>
        this.candidates.length === 0 ? [`${where}: the experiment has no candidate: add at least one { name, processors } to 'candidates'`] : [],
    });
    this.node.addValidation({
      validate: () =>
        validateCollectorConfig(this.renderedConfig())
          .filter((problem) => problem.severity === 'error')
          .map((problem) => `${where}: rendered collector config: ${problem.message}`),
    });

    const overrides = props.target.collector ?? {};
    this.collector = new CollectorDeployment(this, 'Collector', {
      ...props.collector,
      ...definedOnly(overrides),
      name: props.collector?.name ?? id,
      env: { ...(props.collector?.env ?? {}), [REMOTE_WRITE_ENV]: props.target.remoteWriteUrl },
      namespace: props.target.namespace,
      aggregates: this.aggregates(),
      config: () => this.renderedConfig(),
    });
    const manifest = new kplus.ConfigMap(this, 'Manifest', {
      metadata: { name: `${id}${MANIFEST_CONFIGMAP_SUFFIX}`, namespace: props.target.namespace, labels: { [MANIFEST_LABEL]: 'true' } },
    });
    manifest.addData(MANIFEST_DATA_KEY, Lazy.any({ produce: () => `${JSON.stringify(this.manifest(), null, 2)}\n` }) as unknown as string);
    manifest.metadata.addAnnotation(FLUX_SUBSTITUTE_ANNOTATION, 'disabled');
  }

  /** Variant names, `baseline` first. */
  get variantNames(): string[] {
    return [BASELINE_VARIANT, ...this.candidates.map((candidate) => candidate.name)];
  }

  /** The scope as data (a copy). */
  get scope(): MetricScope {
    return { names: [...this.metricScope.names], patterns: [...this.metricScope.patterns] };
  }

  /** The guardrails as data, files read and every default applied (a copy). */
  get guardrails(): ResolvedGuardrails {
    return structuredClone(this.resolvedGuardrails);
  }

  /** Promotion settings, defaults applied (a copy). */
  get promotion(): ResolvedPromotion {
    return structuredClone(this.resolvedPromotion);
  }

  /** Warnings found while building (e.g. a scope that could not be checked). */
  get warnings(): string[] {
    return [...this.warningList];
  }

  /** True when shadow pipelines are rendered here: running, and paused (measured, never acted on). */
  get shadowActive(): boolean {
    return this.lifecycle.phase === 'running' || this.lifecycle.phase === 'paused';
  }

  /** What the shadow carries: the scope, the variants and their pipelines, the destination. */
  shadowedMetrics(): { active: boolean; scope: MetricScope; variants: string[]; pipelines: string[]; destination: string } {
    const ids = shadowPipelineIds({
      experiment: this.name,
      baseline: this.baseline.render(),
      pipeline: this.productionPipeline,
      candidates: this.variantProcessors(),
    });
    return {
      active: this.shadowActive,
      scope: this.scope,
      variants: this.variantNames,
      pipelines: ids.map((entry) => entry.pipeline),
      destination: this.destination.remoteWriteUrl,
    };
  }

  /** The whole collector config rendered for this environment's phase. */
  renderedConfig(): CollectorConfig {
    const baseline = this.baseline.render();
    if (this.lifecycle.phase === 'promoted') return renderPromotedConfig(baseline, this.productionPipeline, this.promotedVariant()!);
    if (!this.shadowActive) return baseline;
    return renderShadowConfig({
      experiment: this.name,
      baseline,
      pipeline: this.productionPipeline,
      scope: this.metricScope,
      candidates: this.variantProcessors(),
      destination: this.destination,
      scrapeIntervalSeconds: this.scrapeIntervalSeconds,
    });
  }

  /** The production part of the rendered config (shadow pipelines removed). */
  productionConfig(): CollectorConfig {
    return withoutShadow(this.renderedConfig(), this.name);
  }

  /** The shadow part: the rendered config's shadow pipelines, or undefined when no shadow runs. */
  shadowConfig(): CollectorConfig['service']['pipelines'] | undefined {
    if (!this.shadowActive) return undefined;
    const pipelines = this.renderedConfig().service.pipelines;
    return Object.fromEntries(Object.entries(pipelines).filter(([id]) => id.startsWith(`metrics/phoenix-${this.name}-`)));
  }

  /** The plain-data manifest the watcher and cost analysis read. */
  manifest(): ExperimentManifest {
    const baseline = this.baseline.render();
    const ids = shadowPipelineIds({ experiment: this.name, baseline, pipeline: this.productionPipeline, candidates: this.variantProcessors() });
    const production = baseline.service.pipelines[this.productionPipeline];
    const baselineProcessors = (production.processors ?? []).map((id) => ({
      id,
      type: id.split('/')[0],
      config: cloneData((baseline.processors?.[id] ?? {}) as Record<string, unknown>),
    }));
    return {
      manifestVersion: EXPERIMENT_MANIFEST_VERSION,
      name: this.name,
      environment: this.environment,
      phase: this.lifecycle.phase,
      ...(this.lifecycle.phase === 'promoted' ? { promotedVariant: this.lifecycle.variant } : {}),
      collector: { name: this.collector.name, namespace: this.collector.namespace ?? '', productionPipeline: this.productionPipeline },
      scope: this.scope,
      variants: [
        { name: BASELINE_VARIANT, kind: 'baseline', shadowPipeline: ids[0].pipeline, processors: baselineProcessors },
        ...this.candidates.map((candidate, index) => ({
          name: candidate.name,
          kind: 'candidate' as const,
          ...(candidate.description ? { description: candidate.description } : {}),
          shadowPipeline: ids[index + 1].pipeline,
          processors: candidate.processors.map((component) => ({ id: component.id, type: component.type, config: component.render() })),
        })),
      ],
      shadow: { active: this.shadowActive, remoteWriteUrl: this.destination.remoteWriteUrl, labels: { experiment: EXPERIMENT_LABEL, variant: VARIANT_LABEL } },
      guardrails: this.guardrails,
      promotion: this.promotion,
    };
  }

  /** One line for `phoenix synth`: what this experiment shadows here, or why it does not. */
  summary(): string {
    const head = `experiment ${this.name} (${this.environment}, ${this.lifecycle.phase}${this.lifecycle.phase === 'promoted' ? ` ${this.lifecycle.variant}` : ''})`;
    if (this.lifecycle.phase === 'promoted') return `${head}: candidate '${this.lifecycle.variant}' runs in production, no shadow`;
    const count = this.metricScope.names.length + this.metricScope.patterns.length;
    const shadow = `${count} scope entr${count === 1 ? 'y' : 'ies'} [${describeScope(this.metricScope)}] × ${this.variantNames.length} variant${this.variantNames.length === 1 ? '' : 's'} (${this.variantNames.join(', ')}) → ${this.destination.remoteWriteUrl}`;
    if (this.lifecycle.phase === 'pending') return `${head}: production only; once running, shadows ${shadow}`;
    if (!this.shadowActive) return `${head}: production only, no shadow`;
    return `${head}: shadows ${shadow}${this.lifecycle.phase === 'paused' ? ' (paused: measured, not acted on)' : ''}`;
  }

  private variantProcessors(): VariantProcessors[] {
    return this.candidates.map((candidate) => ({ name: candidate.name, processors: candidate.processors }));
  }

  private promotedVariant(): VariantProcessors | undefined {
    return this.variantProcessors().find((candidate) => candidate.name === this.lifecycle.variant);
  }

  /** True when the collector keeps per-series state (aggregation, delta conversion) in any pipeline it will run. */
  private aggregates(): boolean {
    if (this.baseline.deploymentRequirements().singleReplica) return true;
    if (this.lifecycle.phase === 'pending' || this.lifecycle.phase === 'rolled-back') return false;
    const candidates = this.lifecycle.phase === 'promoted' ? [this.promotedVariant()!] : this.variantProcessors();
    return candidates.some((candidate) =>
      candidate.processors.some((component) => {
        const effects = (component as { effects?: { aggregates?: boolean; stateful?: boolean } }).effects;
        return effects?.aggregates === true || effects?.stateful === true;
      }),
    );
  }
}

const PHASES = ['pending', 'running', 'paused', 'promoted', 'rolled-back'];

function lifecycleProblems(lifecycle: EnvironmentLifecycle, environment: string, candidates: readonly CandidateProps[]): string[] {
  if (!PHASES.includes(lifecycle.phase)) {
    return [`environment '${environment}': unknown lifecycle phase '${String(lifecycle.phase)}' (one of ${PHASES.join(', ')})`];
  }
  if (lifecycle.phase === 'promoted' && !candidates.some((candidate) => candidate.name === lifecycle.variant)) {
    return [
      `environment '${environment}': the state file promotes '${lifecycle.variant ?? '(no variant)'}', which is not a candidate (candidates: ${candidates.map((c) => c.name).join(', ') || 'none'})`,
    ];
  }
  return [];
}

/** The baseline's config; an invalid baseline is reported with the experiment's path and each problem (file:line). */
function renderBaseline(baseline: CollectorPipeline, where: string): CollectorConfig {
  try {
    return baseline.render();
  } catch (error) {
    const problems = (error as { problems?: readonly string[] }).problems;
    if (!problems) throw error;
    throw new ExperimentError(
      where,
      problems.map((problem) => `baseline: ${problem}`),
    );
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
