import type { CollectorComponent } from '../collector/component';
import type { CollectorConfig, CollectorPipelineConfig } from '../collector/config';
import { outOfScopeCondition, type MetricScope } from './scope';
import { COLLECTOR_TELEMETRY_PORT, telemetryTarget } from './self-telemetry';
import { EXPERIMENT_LABEL, VARIANT_LABEL } from '../../analysis/labels';

/** The variant name of the production pipeline's shadow copy. Reserved: no candidate may use it. */
export const BASELINE_VARIANT = 'baseline';
export { EXPERIMENT_LABEL, VARIANT_LABEL };

/** A candidate as the renderer needs it: a name and the processors added to the production pipeline. */
export interface VariantProcessors {
  readonly name: string;
  readonly processors: readonly CollectorComponent[];
}

/** Where the shadow pipelines write: a remote-write endpoint of its own (a tenant or target). */
export interface ShadowEndpoint {
  readonly remoteWriteUrl: string;
  /** Extra HTTP headers, e.g. `X-Scope-OrgID` for a Mimir tenant. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Everything `renderShadowConfig` needs. */
export interface ShadowInput {
  readonly experiment: string;
  /** The production config, rendered. It is never modified. */
  readonly baseline: CollectorConfig;
  /** Key of the production metrics pipeline in `service.pipelines` (`metrics` or `metrics/<name>`). */
  readonly pipeline: string;
  readonly scope: MetricScope;
  readonly candidates: readonly VariantProcessors[];
  readonly destination: ShadowEndpoint;
  /** How often the collector's own metrics are read into the shadow store. @default 30 */
  readonly scrapeIntervalSeconds?: number;
}

/** The ids a shadow adds to the config, per variant. */
export interface ShadowPipelineIds {
  readonly variant: string;
  readonly pipeline: string;
  readonly exporter: string;
  readonly processors: readonly string[];
}

/** Id of the processor that keeps only the scope's metrics in every shadow pipeline. */
export function scopeFilterId(experiment: string): string {
  return `filter/phoenix-${experiment}-scope`;
}

/** Id of the shadow pipeline of one variant. */
export function shadowPipelineId(experiment: string, variant: string): string {
  return `metrics/phoenix-${experiment}-${variant}`;
}

/** Id of a candidate's processor inside its shadow pipeline (renamed so candidates never collide). */
export function shadowProcessorId(experiment: string, variant: string, component: CollectorComponent): string {
  const slash = component.id.indexOf('/');
  const name = slash < 0 ? undefined : component.id.slice(slash + 1);
  const suffix = name === undefined || name === variant ? '' : `-${name}`;
  return `${component.type}/phoenix-${experiment}-${variant}${suffix}`;
}

/**
 * The production pipeline's processors split around the candidate's insertion point:
 * a candidate's processors run after the production processors and before a trailing `batch`.
 */
function splitAtBatch(processors: readonly string[]): { head: string[]; tail: string[] } {
  const last = processors[processors.length - 1];
  const batchLast = last !== undefined && (last === 'batch' || last.startsWith('batch/'));
  return batchLast ? { head: processors.slice(0, -1), tail: [last] } : { head: [...processors], tail: [] };
}

/** Leading `memory_limiter` processors stay first; the scope filter goes right after them. */
function splitAfterMemoryLimiter(processors: readonly string[]): { head: string[]; tail: string[] } {
  let index = 0;
  while (index < processors.length && (processors[index] === 'memory_limiter' || processors[index].startsWith('memory_limiter/'))) index += 1;
  return { head: processors.slice(0, index), tail: processors.slice(index) };
}

/**
 * Problems with the candidates' processors against the production pipeline: a processor whose
 * id the baseline already uses (it would replace the production component), or a
 * `memory_limiter`/`batch` (the production pipeline's own are kept around the candidate's).
 */
export function candidateProcessorProblems(baseline: CollectorConfig, candidate: VariantProcessors): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const component of candidate.processors) {
    if (component.kind !== 'processor') {
      problems.push(`candidate '${candidate.name}': '${component.id}' is a ${component.kind}, not a processor`);
    } else if (component.type === 'memory_limiter' || component.type === 'batch') {
      problems.push(
        `candidate '${candidate.name}': remove '${component.id}': the production pipeline's own memory_limiter and batch run around every candidate`,
      );
    } else if (baseline.processors && component.id in baseline.processors) {
      problems.push(
        `candidate '${candidate.name}': processor id '${component.id}' is already used by the baseline; give it a name (e.g. { name: '${candidate.name}' })`,
      );
    } else if (seen.has(component.id)) {
      problems.push(`candidate '${candidate.name}': processor id '${component.id}' appears twice`);
    } else if (seen.has(`shadow:${shadowProcessorId('x', candidate.name, component)}`)) {
      problems.push(`candidate '${candidate.name}': '${component.id}' and '${component.type}' would share one shadow id: name one of them differently`);
    }
    seen.add(component.id);
    seen.add(`shadow:${shadowProcessorId('x', candidate.name, component)}`);
  }
  return problems;
}

/** The production pipeline, or a message saying which pipelines exist. */
export function productionPipeline(baseline: CollectorConfig, pipeline: string): CollectorPipelineConfig {
  const found = baseline.service.pipelines[pipeline];
  if (!found) {
    const metrics = Object.keys(baseline.service.pipelines).filter((key) => key === 'metrics' || key.startsWith('metrics/'));
    throw new Error(`the baseline has no pipeline '${pipeline}' (metrics pipelines: ${metrics.join(', ') || 'none'})`);
  }
  return found;
}

/** The ids each variant's shadow pipeline uses, baseline copy first. */
export function shadowPipelineIds(input: Pick<ShadowInput, 'experiment' | 'baseline' | 'pipeline' | 'candidates'>): ShadowPipelineIds[] {
  const production = productionPipeline(input.baseline, input.pipeline);
  const variants: VariantProcessors[] = [{ name: BASELINE_VARIANT, processors: [] }, ...input.candidates];
  return variants.map((variant) => {
    const limiter = splitAfterMemoryLimiter(production.processors ?? []);
    const batch = splitAtBatch(limiter.tail);
    const added = variant.processors.map((component) => shadowProcessorId(input.experiment, variant.name, component));
    return {
      variant: variant.name,
      pipeline: shadowPipelineId(input.experiment, variant.name),
      exporter: `prometheus_remote_write/phoenix-${input.experiment}-${variant.name}`,
      processors: [...limiter.head, scopeFilterId(input.experiment), ...batch.head, ...added, ...batch.tail],
    };
  });
}

/**
 * The baseline config plus one shadow pipeline per variant (the baseline's copy, then each
 * candidate). Every entry of the baseline keeps its key, value and position; the shadow's
 * components and pipelines are appended. Each shadow pipeline reads from the production
 * pipeline's receivers (a receiver fans out to every pipeline that lists it: nothing is scraped
 * twice), keeps only the scope's metrics, runs the variant's processors, and writes to the shadow
 * destination through an exporter of its own whose `external_labels` add `phoenix_experiment`
 * and `phoenix_variant` to every series (`target_info` included).
 */
export function renderShadowConfig(input: ShadowInput): CollectorConfig {
  const { baseline, experiment } = input;
  const production = productionPipeline(baseline, input.pipeline);
  const ids = shadowPipelineIds(input);
  const processors: Record<string, unknown> = { ...(baseline.processors ?? {}) };
  const exporters: Record<string, unknown> = { ...(baseline.exporters ?? {}) };
  const pipelines: Record<string, CollectorPipelineConfig> = { ...baseline.service.pipelines };

  processors[scopeFilterId(experiment)] = { error_mode: 'ignore', metrics: { metric: [outOfScopeCondition(input.scope)] } };
  const variants: VariantProcessors[] = [{ name: BASELINE_VARIANT, processors: [] }, ...input.candidates];
  variants.forEach((variant, index) => {
    for (const component of variant.processors) {
      processors[shadowProcessorId(experiment, variant.name, component)] = component.render();
    }
    const variantIds = ids[index];
    exporters[variantIds.exporter] = {
      endpoint: input.destination.remoteWriteUrl,
      ...(input.destination.headers ? { headers: { ...input.destination.headers } } : {}),
      external_labels: { [EXPERIMENT_LABEL]: experiment, [VARIANT_LABEL]: variant.name },
    };
    pipelines[variantIds.pipeline] = {
      receivers: [...production.receivers],
      processors: [...variantIds.processors],
      exporters: [variantIds.exporter],
    };
  });
  const limiter = splitAfterMemoryLimiter(production.processors ?? []);
  const telemetry = telemetryShadow(
    input,
    variants.map((variant) => variant.name),
    [...limiter.head, ...splitAtBatch(limiter.tail).tail],
  );
  exporters[telemetry.exporterId] = telemetry.exporter;
  pipelines[telemetry.pipelineId] = telemetry.pipeline;
  const receivers = { ...(baseline.receivers ?? {}), [telemetry.receiverId]: telemetry.receiver };
  return { ...baseline, receivers, processors, exporters, service: { ...baseline.service, pipelines } } as CollectorConfig;
}

/** Where the collector serves its own metrics inside its pod when the config names no reader. */
export { COLLECTOR_TELEMETRY_PORT };
/** Job name of the scrape that reads the collector's own metrics (tests point it elsewhere by this name). */
export const TELEMETRY_JOB = 'phoenix-collector-telemetry';

/**
 * Per-variant health from what the real collector emits (ADR 0127). The collector labels its own
 * metrics by component id (`exporter="prometheus_remote_write/phoenix-<experiment>-<variant>"`),
 * so the collector scrapes its own telemetry endpoint and relabels: the variant comes from the
 * component id Phoenix chose, the experiment is stamped; only the `otelcol_exporter_*` and
 * `otelcol_processor_*` series of this experiment's components are kept. They go to the shadow
 * destination through an exporter of their own.
 */
function telemetryShadow(input: ShadowInput, variants: readonly string[], processors: readonly string[]) {
  const { experiment } = input;
  const component = `[^/]+/phoenix-${escapeRegex(experiment)}-(${variants.map(escapeRegex).join('|')})`;
  const fromLabel = (label: string) => ({ source_labels: [label], regex: component, target_label: VARIANT_LABEL, replacement: '$$1' });
  const receiver = {
    config: {
      scrape_configs: [
        {
          job_name: TELEMETRY_JOB,
          scrape_interval: `${input.scrapeIntervalSeconds ?? 30}s`,
          static_configs: [{ targets: [telemetryTarget(input.baseline)] }],
          metric_relabel_configs: [
            { source_labels: ['__name__'], regex: 'otelcol_(exporter|processor)_.+', action: 'keep' },
            fromLabel('exporter'),
            fromLabel('processor'),
            { source_labels: [VARIANT_LABEL], regex: '', action: 'drop' },
            { target_label: EXPERIMENT_LABEL, replacement: experiment },
          ],
        },
      ],
    },
  };
  return {
    receiverId: `prometheus/phoenix-${experiment}-telemetry`,
    receiver,
    exporterId: `prometheus_remote_write/phoenix-${experiment}-telemetry`,
    exporter: {
      endpoint: input.destination.remoteWriteUrl,
      ...(input.destination.headers ? { headers: { ...input.destination.headers } } : {}),
    },
    pipelineId: `metrics/phoenix-${experiment}-telemetry`,
    pipeline: {
      receivers: [`prometheus/phoenix-${experiment}-telemetry`],
      processors: [...processors],
      exporters: [`prometheus_remote_write/phoenix-${experiment}-telemetry`],
    } as CollectorPipelineConfig,
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The config after promoting `candidate` in this environment: the production pipeline runs the
 * candidate's processors (their own ids) after its own and before a trailing `batch`. No shadow.
 */
export function renderPromotedConfig(baseline: CollectorConfig, pipeline: string, candidate: VariantProcessors): CollectorConfig {
  const production = productionPipeline(baseline, pipeline);
  const processors: Record<string, unknown> = { ...(baseline.processors ?? {}) };
  for (const component of candidate.processors) processors[component.id] = component.render();
  const batch = splitAtBatch(production.processors ?? []);
  const promoted: CollectorPipelineConfig = {
    ...production,
    processors: [...batch.head, ...candidate.processors.map((component) => component.id), ...batch.tail],
  };
  return { ...baseline, processors, service: { ...baseline.service, pipelines: { ...baseline.service.pipelines, [pipeline]: promoted } } };
}

/**
 * Removes every shadow entry of `experiment` from a rendered config: what remains is the
 * production config. Used to prove that an experiment leaves production untouched.
 */
export function withoutShadow(config: CollectorConfig, experiment: string): CollectorConfig {
  const marker = `/phoenix-${experiment}-`;
  const keep = (section: Record<string, unknown> | undefined) =>
    section === undefined ? undefined : Object.fromEntries(Object.entries(section).filter(([id]) => !id.includes(marker)));
  const result: Record<string, unknown> = { ...config };
  for (const key of ['receivers', 'processors', 'exporters'] as const) if (config[key] !== undefined) result[key] = keep(config[key]);
  result.service = { ...config.service, pipelines: keep(config.service.pipelines) };
  return result as unknown as CollectorConfig;
}
