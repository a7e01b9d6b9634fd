import type { CollectorConfig } from '../collector/config';
import type { ComponentEffects } from '../collector/effects';
import type { ExperimentProps } from './experiment';
import { scopeMatches, unmatchedScopeEntries, type MetricScope } from './scope';
import { TELEMETRY_SUFFIX } from './self-telemetry';
import { BASELINE_VARIANT, candidateProcessorProblems } from './shadow';
import { InputError } from '../../analysis/input-error';

/** Bad `Experiment` props: one line per problem, each prefixed with the construct path. Exit code 2. */
export class ExperimentError extends InputError {
  readonly problems: readonly string[];
  constructor(path: string, problems: readonly string[]) {
    super(problems.map((problem) => `${path}: ${problem}`).join('\n'));
    this.name = 'ExperimentError';
    this.problems = problems.map((problem) => `${path}: ${problem}`);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The production metrics pipeline: the one named, or the baseline's only one. */
export function pickProductionPipeline(baseline: CollectorConfig, requested: string | undefined): { pipeline?: string; problems: string[] } {
  const metrics = Object.keys(baseline.service.pipelines).filter((id) => id === 'metrics' || id.startsWith('metrics/'));
  if (requested !== undefined) {
    return metrics.includes(requested)
      ? { pipeline: requested, problems: [] }
      : { problems: [`'pipeline' (${requested}) is not a metrics pipeline of the baseline (it has: ${metrics.join(', ') || 'none'})`] };
  }
  if (metrics.length === 1) return { pipeline: metrics[0], problems: [] };
  return {
    problems: [
      metrics.length === 0
        ? 'the baseline has no metrics pipeline: an experiment changes metrics, so the baseline must hold a `metrics` pipeline'
        : `the baseline has ${metrics.length} metrics pipelines (${metrics.join(', ')}): set 'pipeline' to the one the experiment changes`,
    ],
  };
}

/**
 * Candidate names (DNS labels, not `baseline`, distinct), processors (at least one, no id
 * clash with the baseline), and each candidate as it would run in production, checked by the
 * collector model's own rules (order, aggregation, schemas).
 */
export function checkCandidates(props: ExperimentProps, baseline: CollectorConfig, pipeline: string, pipelineKnown: boolean): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [index, candidate] of props.candidates.entries()) {
    const where = `candidates[${index}]`;
    if (!DNS_LABEL.test(candidate.name ?? '')) problems.push(`${where}: the name '${candidate.name}' must be a DNS label (lowercase letters, digits and '-')`);
    else if (candidate.name === BASELINE_VARIANT) problems.push(`${where}: the name 'baseline' is reserved for the production pipeline's copy; pick another`);
    else if (candidate.name === TELEMETRY_SUFFIX)
      problems.push(`${where}: the name '${TELEMETRY_SUFFIX}' is reserved for the pipeline that carries the collector's own metrics; pick another`);
    else if (names.has(candidate.name)) problems.push(`${where}: the variant name '${candidate.name}' is used twice; variant names must be distinct`);
    names.add(candidate.name);
    if (candidate.processors.length === 0) {
      problems.push(`${where} '${candidate.name}': no processors: a candidate adds at least one processor to the production pipeline`);
      continue;
    }
    const own = candidateProcessorProblems(baseline, candidate);
    problems.push(...own);
    if (own.length === 0 && pipelineKnown) problems.push(...promotedPipelineProblems(props, baseline, pipeline, candidate.name, index));
  }
  return problems;
}

function promotedPipelineProblems(props: ExperimentProps, baseline: CollectorConfig, pipeline: string, name: string, index: number): string[] {
  const production = baseline.service.pipelines[pipeline];
  const processors = production.processors ?? [];
  const batchLast = processors.length > 0 && /^batch(\/|$)/.test(processors[processors.length - 1]);
  const head = batchLast ? processors.slice(0, -1) : processors;
  const tail = batchLast ? processors.slice(-1) : [];
  const check = props.baseline.clone();
  const checkId = `metrics/phoenix-check-${index}`;
  check.addPipeline(checkId, {
    receivers: production.receivers,
    processors: [...head, ...props.candidates[index].processors, ...tail],
    exporters: production.exporters,
  });
  // What the production pipeline does by itself is the baseline's (a warning where it is kept as
  // imported): only a problem naming one of the candidate's processors is the candidate's. Phoenix
  // places the candidate after the baseline's processors, so a candidate filter after a baseline
  // transform is where it must be, not an order to correct (ADR 0194).
  const own = props.candidates[index].processors.map((processor) => `'${processor.id}'`);
  const placedAfterBaseline = (problem: string) =>
    head.some((id) => problem.endsWith(`must come before transform '${id}' (drop metrics before spending work on them)`));
  return check
    .validate()
    .filter((problem) => own.some((id) => problem.includes(id)) && !placedAfterBaseline(problem))
    .map((problem) => `candidate '${name}' (as it would run in production): ${problem.split(checkId).join(pipeline)}`);
}

/**
 * Scope checks: entries that match none of `knownMetrics` (error), a scope that cannot be
 * checked (warning), and candidate processors that change metrics outside the scope (error) or
 * every metric (warning: once promoted, they act beyond the scope).
 */
export function scopeProblems(scope: MetricScope, props: ExperimentProps): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (props.knownMetrics !== undefined) {
    for (const entry of unmatchedScopeEntries(scope, props.knownMetrics)) {
      problems.push(
        `'scope' entry ${entry} matches none of the ${props.knownMetrics.length} known metrics: check the name (the collector sees OpenTelemetry names, e.g. http.server.request.duration)`,
      );
    }
  } else {
    warnings.push("the scope was not checked against the baseline's metrics: pass 'knownMetrics' (a metric inventory) to catch a scope that matches nothing");
  }
  for (const candidate of props.candidates) {
    for (const component of candidate.processors) {
      const effects = (component as { effects?: ComponentEffects }).effects;
      if (!effects || effects.opaque) {
        warnings.push(`candidate '${candidate.name}': Phoenix cannot tell which metrics '${component.id}' changes; make sure it only touches the scope`);
        continue;
      }
      const named = [...(effects.metrics ?? []), ...(effects.droppedMetrics?.names ?? [])];
      for (const metric of named) {
        if (!scopeMatches(scope, metric))
          problems.push(
            `candidate '${candidate.name}': '${component.id}' changes '${metric}', which is outside the scope: add it to 'scope' or remove it from the processor`,
          );
      }
      if (effects.droppedMetrics?.keepOnly) {
        warnings.push(
          `candidate '${candidate.name}': '${component.id}' keeps only listed metrics: once promoted it drops every other metric of the production pipeline`,
        );
      } else if (effects.metrics === undefined && !effects.droppedMetrics && effects.regroupsBy === undefined && effects.temporality === undefined) {
        warnings.push(`candidate '${candidate.name}': '${component.id}' acts on every metric: once promoted it changes metrics outside the scope`);
      }
    }
  }
  return { problems, warnings };
}

/** The shadow destination must differ from every production write target (no double counting). */
export function checkShadowDestination(shadowUrl: string, productionUrl: string, baseline: CollectorConfig): string[] {
  if (!/^https?:\/\/\S+$/.test(shadowUrl)) return [`the shadow remote-write URL (${shadowUrl}) must be an http(s) URL`];
  const productionEndpoints = [productionUrl, ...Object.values(baseline.exporters ?? {}).map((exporter) => (exporter as { endpoint?: unknown })?.endpoint)];
  if (productionEndpoints.includes(shadowUrl)) {
    return [
      `the shadow destination (${shadowUrl}) is a production write target: shadow data would be counted as production; use a tenant or remote-write target of its own`,
    ];
  }
  return [];
}
