import { canonicalComponentType } from '../../../analysis/naming';
import { COMPONENT_REGISTRY } from '../../../constructs/collector/registry';
import type { AggregationFunction, MergeFunction } from '../../../analysis/promql';
import {
  evaluateForMetric,
  isPath,
  OttlSyntaxError,
  parseOttlCondition,
  parseOttlStatement,
  re2,
  stringLiterals,
  type MetricFacts,
  type OttlCondition,
  type OttlStatement,
  type Truth,
} from '../../../analysis/ottl';

/** Which metrics a processor step applies to: true, false, or unknown from the name and type alone. */
export type MetricPredicate = (metric: MetricFacts) => Truth;

/**
 * What one processor does to metrics, on the OpenTelemetry side, as read from its rendered
 * config (the collector's documented config forms, not Phoenix's constructs):
 * - `drop`: matching metrics disappear (filter, metrics_transform rename);
 * - `keep-attributes`: data-point attributes not kept are removed and the series merged with `fn`;
 * - `remove-attributes`: the listed data-point attributes are removed (`implied`: declared implied
 *   by a kept attribute, so nothing merges);
 * - `resource-keep` / `resource-remove`: resource attributes (→ `job`, `instance`, `target_info`);
 * - `opaque`: the processor changes matching metrics in a way these rules do not model.
 */
export type OtelChange =
  | { readonly kind: 'drop'; readonly when: MetricPredicate; readonly what: string }
  | { readonly kind: 'keep-attributes'; readonly when: MetricPredicate; readonly keep: readonly string[]; readonly fn: MergeFunction; readonly what: string }
  | {
      readonly kind: 'remove-attributes';
      readonly when: MetricPredicate;
      readonly attributes: readonly string[];
      readonly fn: MergeFunction | 'implied';
      readonly what: string;
    }
  | { readonly kind: 'resource-keep'; readonly keep: readonly string[]; readonly what: string }
  | { readonly kind: 'resource-remove'; readonly attributes: readonly string[]; readonly merges: boolean; readonly what: string }
  | { readonly kind: 'opaque'; readonly when: MetricPredicate; readonly what: string };

/**
 * Processors that never change names, attributes or the set of metrics: those the component
 * registry declares neutral, and processors of imported configs Phoenix does not model otherwise.
 */
const NEUTRAL: ReadonlySet<string> = new Set([
  ...COMPONENT_REGISTRY.filter((e) => e.kind === 'processor' && e.policy === 'neutral').map((e) => e.type),
  'k8sattributes',
  'resourcedetection',
  'probabilistic_sampler',
]);
const FUNCTIONS: readonly string[] = ['sum', 'mean', 'min', 'max', 'median', 'count'];

const always: MetricPredicate = () => true;
const unknown: MetricPredicate = () => undefined;
const whenCondition = (condition: OttlCondition | undefined): MetricPredicate => (condition === undefined ? always : (m) => evaluateForMetric(condition, m));

/** A condition as written: one that does not parse is unknown for every metric. */
function whenText(text: string): MetricPredicate {
  try {
    return whenCondition(parseOttlCondition(text));
  } catch (error) {
    if (error instanceof OttlSyntaxError) return unknown;
    throw error;
  }
}

/** The changes a processor makes, from its type (either spelling) and rendered config. */
export function processorChanges(id: string, writtenType: string, config: Readonly<Record<string, unknown>>): OtelChange[] {
  const type = canonicalComponentType('processor', writtenType);
  if (NEUTRAL.has(type)) return [];
  switch (type) {
    case 'filter':
      return filterChanges(id, config);
    case 'transform':
      return transformChanges(id, config);
    case 'metrics_transform':
      return metricsTransformChanges(id, config);
    case 'attributes':
      return attributeActionChanges(id, config, 'datapoint');
    case 'resource':
      return attributeActionChanges(id, config, 'resource');
    default:
      return [{ kind: 'opaque', when: always, what: `(type ${type}) is not modelled` }];
  }
}

function filterChanges(id: string, config: Readonly<Record<string, unknown>>): OtelChange[] {
  const metrics = record(config.metrics);
  const out: OtelChange[] = [];
  for (const condition of strings(metrics.metric)) {
    out.push({ kind: 'drop', when: whenText(condition), what: `drops metrics where ${condition}` });
  }
  if (strings(metrics.datapoint).length > 0) {
    out.push({ kind: 'opaque', when: always, what: `drops data points by condition (${strings(metrics.datapoint).join('; ')})` });
  }
  const include = record(metrics.include);
  const exclude = record(metrics.exclude);
  if (Object.keys(include).length > 0) {
    const matches = nameMatcher(include);
    out.push({ kind: 'drop', when: (m) => negate(matches(m)), what: `keeps only ${strings(include.metric_names).join(', ')}` });
  }
  if (Object.keys(exclude).length > 0) {
    out.push({ kind: 'drop', when: nameMatcher(exclude), what: `excludes ${strings(exclude.metric_names).join(', ')}` });
  }
  return out;
}

function transformChanges(id: string, config: Readonly<Record<string, unknown>>): OtelChange[] {
  const out: OtelChange[] = [];
  const groups = Array.isArray(config.metric_statements) ? config.metric_statements : [];
  const aggregations: Array<{ keep: string[]; fn: AggregationFunction; condition?: OttlCondition }> = [];
  const keeps: Array<{ keep: string[]; condition?: OttlCondition }> = [];
  for (const group of groups.map(record)) {
    const context = typeof group.context === 'string' ? group.context : 'datapoint';
    for (const statement of strings(group.statements)) {
      const parsed = parseStatement(statement);
      const what = statement;
      if (!parsed) {
        out.push({ kind: 'opaque', when: always, what });
        continue;
      }
      const literals = stringLiterals(parsed.args);
      const target = parsed.args[0]?.value;
      const onAttributes = isPath(target, 'attributes') && parsed.args.length > 1;
      const condition = parsed.where;
      if (parsed.editor === 'aggregate_on_attributes' && FUNCTIONS.includes(literals[0] ?? '')) {
        aggregations.push({ keep: literals.slice(1), fn: literals[0] as AggregationFunction, ...(condition ? { condition } : {}) });
      } else if (parsed.editor === 'keep_keys' && onAttributes && context === 'resource') {
        out.push({ kind: 'resource-keep', keep: literals, what });
      } else if (parsed.editor === 'keep_keys' && onAttributes) {
        keeps.push({ keep: literals, ...(condition ? { condition } : {}) });
      } else if (parsed.editor === 'delete_key' && onAttributes && context === 'resource') {
        out.push({ kind: 'resource-remove', attributes: literals, merges: false, what });
      } else if (parsed.editor === 'delete_key' && onAttributes) {
        out.push({ kind: 'remove-attributes', when: whenCondition(condition), attributes: literals, fn: 'implied', what });
      } else if (parsed.editor === 'set' && isPath(target, 'attributes', 1) && target.keys[0]!.startsWith('phoenix_')) {
        continue;
      } else if (parsed.editor === 'set' && isPath(target, 'start_time_unix_nano') && parsed.args[1]?.value.kind === 'number') {
        // a start time is no label and no value: it decides which delta points merge (ADR 0137), no answer
        continue;
      } else {
        out.push({ kind: 'opaque', when: whenCondition(condition), what });
      }
    }
  }
  for (const a of aggregations) {
    out.push({
      kind: 'keep-attributes',
      when: whenCondition(a.condition),
      keep: a.keep,
      fn: a.fn,
      what: `keeps ${JSON.stringify(a.keep)} and merges the rest with ${a.fn}`,
    });
  }
  for (const k of keeps) {
    const when = whenCondition(k.condition);
    // keep_keys followed by aggregate_on_attributes over the same keys is one aggregation.
    const aggregated: MetricPredicate = (m) => anyTruth(aggregations.filter((a) => sameSet(a.keep, k.keep)).map((a) => whenCondition(a.condition)(m)));
    out.push({
      kind: 'keep-attributes',
      when: (m) => andNot(when(m), aggregated(m)),
      keep: k.keep,
      fn: 'collide',
      what: `keeps ${JSON.stringify(k.keep)} without aggregating`,
    });
  }
  return out;
}

function metricsTransformChanges(id: string, config: Readonly<Record<string, unknown>>): OtelChange[] {
  const out: OtelChange[] = [];
  for (const t of (Array.isArray(config.transforms) ? config.transforms : []).map(record)) {
    const include = typeof t.include === 'string' ? t.include : '';
    const regexp = t.match_type === 'regexp';
    const when: MetricPredicate = (m) => (regexp ? safeRegex(`^(?:${include})$`)?.test(m.name) : m.name === include);
    const action = typeof t.action === 'string' ? t.action : 'update';
    if (action === 'insert') continue;
    if (action === 'combine') {
      out.push({ kind: 'drop', when, what: `combines ${include} into ${String(t.new_name)}` });
      continue;
    }
    if (typeof t.new_name === 'string' && t.new_name !== include) {
      out.push({ kind: 'drop', when, what: `renames ${include} to ${t.new_name}` });
    }
    for (const op of (Array.isArray(t.operations) ? t.operations : []).map(record)) {
      if (op.action === 'aggregate_labels' && FUNCTIONS.includes(String(op.aggregation_type))) {
        out.push({
          kind: 'keep-attributes',
          when,
          keep: strings(op.label_set),
          fn: op.aggregation_type as AggregationFunction,
          what: `aggregates ${include} to ${JSON.stringify(strings(op.label_set))} with ${String(op.aggregation_type)}`,
        });
      } else if (op.action === 'update_label' && typeof op.label === 'string') {
        out.push({ kind: 'remove-attributes', when, attributes: [op.label], fn: 'implied', what: `renames label ${op.label} of ${include}` });
      } else if (op.action !== 'add_label') {
        out.push({ kind: 'opaque', when, what: `applies ${String(op.action)} to ${include}` });
      }
    }
  }
  return out;
}

function attributeActionChanges(id: string, config: Readonly<Record<string, unknown>>, level: 'datapoint' | 'resource'): OtelChange[] {
  const out: OtelChange[] = [];
  for (const action of (Array.isArray(config.actions) ? config.actions : Array.isArray(config.attributes) ? config.attributes : []).map(record)) {
    const key = typeof action.key === 'string' ? action.key : undefined;
    const kind = String(action.action);
    if (kind === 'insert') continue;
    const what = `${kind}s ${level} attribute ${key ?? String(action.pattern)}`;
    if (!key) {
      out.push({ kind: 'opaque', when: always, what });
      continue;
    }
    if (level === 'resource') {
      out.push({ kind: 'resource-remove', attributes: [key], merges: kind === 'delete', what });
    } else {
      out.push({ kind: 'remove-attributes', when: always, attributes: [key], fn: kind === 'delete' ? 'collide' : 'implied', what });
    }
  }
  return out;
}

function nameMatcher(spec: Record<string, unknown>): MetricPredicate {
  const names = strings(spec.metric_names);
  if (spec.match_type === 'regexp') {
    const regexes = names.map((n) => safeRegex(n));
    return (m) => (regexes.some((r) => r === undefined) ? undefined : regexes.some((r) => r!.test(m.name)));
  }
  if (spec.match_type === 'strict') return (m) => names.includes(m.name);
  return () => undefined;
}

function parseStatement(text: string): OttlStatement | undefined {
  try {
    return parseOttlStatement(text);
  } catch (error) {
    if (error instanceof OttlSyntaxError) return undefined;
    throw error;
  }
}

function safeRegex(source: string): RegExp | undefined {
  try {
    return re2(source);
  } catch {
    return undefined;
  }
}

function negate(t: Truth): Truth {
  return t === undefined ? undefined : !t;
}

function andNot(a: Truth, b: Truth): Truth {
  if (a === false || b === true) return false;
  if (a === undefined || b === undefined) return undefined;
  return true;
}

function anyTruth(values: Truth[]): Truth {
  if (values.includes(true)) return true;
  return values.includes(undefined) ? undefined : false;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
