import { evaluateForMetric, isPath, OttlSyntaxError, parseOttlStatement, re2, type OttlCondition } from '../../../analysis/ottl';
import { isRecord } from '../../collector-configs';
import type { RuleFinding } from '../../types';
import { collectorRule, pipelinesOf, processorType, sectionOf, type PipelineView } from './config-view';

/**
 * `aggregate_on_attributes` merges delta points only when they start at the same time, and
 * `deltatocumulative` keeps one point per stream and timestamp. A stream whose delta starts elsewhere
 * than the others' (back from a gap, a histogram back above its counts after a reset, an OTLP stream's
 * first point) stays a second point of the merged stream, and one of the two is dropped: that stream's
 * increase, or the whole group's for that scrape (ADR 0137). Setting the start of the delta points to
 * one value before the merge (`set(start_time_unix_nano, 0)`, what `Processor.keepAttributes` renders
 * by default, ADR 0139) makes them merge.
 */
export const deltaMergeStartsAligned = collectorRule({
  id: 'collector/delta-merge-starts-aligned',
  severity: 'error',
  reads: 'document',
  description:
    'Pipelines that merge delta sums or histograms (aggregate_on_attributes after cumulativetodelta, or before deltatocumulative) set their start time to one value first, or deltatocumulative drops one of two points of the merged stream at every reset or returning stream.',
  check: (source) => {
    const processors = sectionOf(source.config, 'processors');
    return pipelinesOf(source)
      .filter((pipeline) => pipeline.signal === 'metrics')
      .flatMap((pipeline) => unalignedMerges(pipeline, processors));
  },
});

/** OTTL enums of the types a delta conversion produces (gauges and summaries carry no temporality). */
const DELTA_TYPES = ['METRIC_DATA_TYPE_SUM', 'METRIC_DATA_TYPE_HISTOGRAM', 'METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM'] as const;
/** A metric name no condition names: stands for "every metric of the type" when a condition names none. */
const ANY = '\u0000';

interface Statement {
  readonly editor: 'aggregate' | 'align';
  readonly where?: OttlCondition;
  /** The string literals of the statement (candidate metric names). */
  readonly names: readonly string[];
}

function unalignedMerges(pipeline: PipelineView, processors: Readonly<Record<string, unknown>>): RuleFinding[] {
  const types = pipeline.processors.map((id) => processorType(id));
  const findings: RuleFinding[] = [];
  // set(start_time_unix_nano, n) statements seen since the last cumulativetodelta (which gives every delta its own start)
  let aligns: Statement[] = [];
  for (const [index, id] of pipeline.processors.entries()) {
    const type = types[index];
    if (type === 'cumulative_to_delta') {
      aligns = [];
      continue;
    }
    if (type !== 'transform') continue;
    const conversions = pipeline.processors.slice(0, index).filter((_, i) => types[i] === 'cumulative_to_delta');
    const accumulated = types.slice(index + 1).includes('delta_to_cumulative');
    const unaligned = new Set<string>();
    let converted = false;
    for (const statement of statementsOf(processors[id])) {
      if (statement.editor === 'align') {
        aligns.push(statement);
        continue;
      }
      for (const metric of mergedDeltaMetrics(statement)) {
        const delta = conversions.some((c) => converts(processors[c], metric.name));
        if (!delta && !accumulated) continue;
        converted ||= delta;
        if (!aligns.some((a) => a.where === undefined || evaluateForMetric(a.where, metric) !== false))
          unaligned.add(metric.name === ANY ? 'every sum and histogram it selects' : `'${metric.name}'`);
      }
    }
    if (unaligned.size === 0) continue;
    const where = converted ? 'after cumulativetodelta' : 'before deltatocumulative';
    findings.push({
      pointer: `${pipeline.pointer}/processors/${index}`,
      message:
        `processor '${id}' merges delta points of ${[...unaligned].join(', ')} ${where} in pipeline '${pipeline.id}' without setting their start time first: ` +
        "aggregate_on_attributes merges delta points only when they start together, so at a reset or a stream back from a gap the merged stream gets two points at one timestamp and deltatocumulative drops one — that stream's increase or the whole group's for that scrape",
      fix: 'before the aggregation, add `set(start_time_unix_nano, 0) where <the metrics> and metric.aggregation_temporality == AGGREGATION_TEMPORALITY_DELTA` (datapoint context), as Processor.keepAttributes renders by default (alignDeltaStarts, ADR 0139)',
    });
  }
  return findings;
}

/** Whether a `cumulativetodelta` converts the metric: no `include`, or an `include` naming it (unknown names: yes). */
function converts(settings: unknown, name: string): boolean {
  const include = isRecord(settings) && isRecord(settings.include) ? settings.include : undefined;
  const listed = include && Array.isArray(include.metrics) ? include.metrics.filter((m): m is string => typeof m === 'string') : undefined;
  if (!include || !listed || name === ANY) return true;
  if ((include.match_type ?? 'strict') === 'strict') return listed.includes(name);
  return listed.some((pattern) => {
    try {
      return re2(pattern).test(name);
    } catch {
      return true;
    }
  });
}

/** The (name, type) pairs an aggregation statement may merge among sums and histograms. */
function mergedDeltaMetrics(statement: Statement): Array<{ name: string; type: string }> {
  const out: Array<{ name: string; type: string }> = [];
  for (const name of new Set([...statement.names, ANY])) {
    for (const type of DELTA_TYPES) {
      if (statement.where === undefined ? name === ANY : evaluateForMetric(statement.where, { name, type }) !== false) out.push({ name, type });
    }
  }
  // one line per name: a name merged as a sum and as a histogram is reported once
  return out.filter((m, i) => out.findIndex((o) => o.name === m.name) === i);
}

/** The aggregations and start alignments of a transform processor, in the order it runs them. */
function statementsOf(settings: unknown): Statement[] {
  if (!isRecord(settings)) return [];
  const groups = Array.isArray(settings.metric_statements) ? settings.metric_statements : [];
  const out: Statement[] = [];
  for (const group of groups) {
    const context = isRecord(group) && typeof group.context === 'string' ? group.context : 'datapoint';
    const list = typeof group === 'string' ? [group] : isRecord(group) && Array.isArray(group.statements) ? group.statements : [];
    for (const text of list) {
      if (typeof text !== 'string') continue;
      const parsed = parse(text);
      if (!parsed) continue;
      const names = [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
      const where = parsed.where ? { where: parsed.where } : {};
      const target = parsed.args[0]?.value;
      if (parsed.editor === 'aggregate_on_attributes') out.push({ editor: 'aggregate', names, ...where });
      else if (
        parsed.editor === 'set' &&
        ((isPath(target, 'start_time_unix_nano') && context === 'datapoint') || isPath(target, 'datapoint.start_time_unix_nano')) &&
        parsed.args[1]?.value.kind === 'number'
      ) {
        out.push({ editor: 'align', names, ...where });
      }
    }
  }
  return out;
}

function parse(text: string): ReturnType<typeof parseOttlStatement> | undefined {
  try {
    return parseOttlStatement(text);
  } catch (error) {
    if (error instanceof OttlSyntaxError) return undefined;
    throw error;
  }
}
