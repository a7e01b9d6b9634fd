import { isPath, OttlNotModelled, pathName, type OttlCondition, type OttlValue } from './grammar';
import { re2 } from './re2';

/**
 * The OTTL evaluators, over the trees of `grammar.ts`:
 * - {@link evaluate}: a condition against one data point or metric of one resource (the
 *   simulation of the `filter` and `transform` processors): `name` / `metric.name`, `type` /
 *   `metric.type`, `attributes["k"]`, `resource.attributes["k"]`, comparisons, `IsMatch`,
 *   `and` / `or` / `not`. Anything else throws {@link OttlNotModelled}.
 * - {@link evaluateForMetric}: three-valued, from a metric's name and type alone (the policies
 *   that relate a processor to a query); what depends on more is `undefined`.
 */

/** What a condition is evaluated against: one data point (or one metric) of one resource. */
export interface OttlTarget {
  /** The context the statement or condition runs in. */
  readonly context: 'resource' | 'scope' | 'metric' | 'datapoint';
  /** Whether the metric's OTel name equals `otelName` (through the naming translation). */
  nameIs(otelName: string): boolean;
  /** Whether the metric's OTel name matches an RE2 regex. */
  nameMatches(regex: string): boolean;
  /** The OTTL enum of the metric type, e.g. `METRIC_DATA_TYPE_SUM`. */
  readonly typeEnum: string;
  /**
   * The OTTL enum of the metric's temporality (`AGGREGATION_TEMPORALITY_DELTA`, `…_CUMULATIVE`,
   * `…_UNSPECIFIED` for gauges and summaries); absent: not modelled.
   */
  readonly temporalityEnum?: string;
  /** A data-point attribute by OTel name, `undefined` when absent. */
  attribute(key: string): string | undefined;
  /** A resource attribute by OTel name, `undefined` when absent. */
  resourceAttribute(key: string): string | undefined;
}

type Evaluated = { kind: 'name' } | { kind: 'value'; value: string | number | boolean | null };

/** Evaluates a condition; throws {@link OttlNotModelled} for paths or functions it does not know. */
export function evaluate(condition: OttlCondition, target: OttlTarget): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.operands.every((o) => evaluate(o, target));
    case 'or':
      return condition.operands.some((o) => evaluate(o, target));
    case 'not':
      return !evaluate(condition.operand, target);
    case 'compare': {
      // fast path, one per data point in filters: attributes["k"] ==/!= "literal"
      const { left, right } = condition;
      if ((condition.op === '==' || condition.op === '!=') && right.kind === 'string' && left.kind === 'path' && left.keys.length === 1) {
        const found = attributeAt(left, target);
        if (found !== NOT_AN_ATTRIBUTE) return (found === right.value) === (condition.op === '==');
      }
      return compare(condition.op, value(left, target), value(right, target), target);
    }
    case 'value': {
      const v = condition.value;
      if (v.kind === 'bool') return v.value;
      if (v.kind === 'call') return call(v, target);
      throw new OttlNotModelled(`a ${v.kind} is not a condition`);
    }
  }
}

/** Whether a condition reads data-point fields (else its value is the same for every point of a metric in a resource). */
export function readsDatapoint(condition: OttlCondition): boolean {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return condition.operands.some(readsDatapoint);
    case 'not':
      return readsDatapoint(condition.operand);
    case 'compare':
      return valueReadsDatapoint(condition.left) || valueReadsDatapoint(condition.right);
    case 'value':
      return valueReadsDatapoint(condition.value);
  }
}

const DATAPOINT_FIELDS: ReadonlySet<string> = new Set(['attributes', 'start_time_unix_nano', 'time_unix_nano', 'value_double', 'value_int']);

function valueReadsDatapoint(value: OttlValue): boolean {
  switch (value.kind) {
    case 'path':
      return DATAPOINT_FIELDS.has(pathName(value)) || value.segments[0] === 'datapoint';
    case 'call':
      return value.args.some((a) => valueReadsDatapoint(a.value));
    case 'list':
      return value.items.some(valueReadsDatapoint);
    default:
      return false;
  }
}

const NOT_AN_ATTRIBUTE = Symbol('not an attribute path');

function attributeAt(path: Extract<OttlValue, { kind: 'path' }>, target: OttlTarget): string | undefined | typeof NOT_AN_ATTRIBUTE {
  const key = path.keys[0]!;
  if (isPath(path, 'attributes', 1)) {
    if (target.context === 'datapoint') return target.attribute(key);
    if (target.context === 'resource') return target.resourceAttribute(key);
  }
  if (isPath(path, 'resource.attributes', 1)) return target.resourceAttribute(key);
  return NOT_AN_ATTRIBUTE;
}

function call(fn: Extract<OttlValue, { kind: 'call' }>, target: OttlTarget): boolean {
  const [subjectArg, regexArg] = fn.args;
  if (fn.name === 'IsMatch' && fn.args.length === 2 && regexArg!.value.kind === 'string') {
    const subject = value(subjectArg!.value, target);
    const regex = regexArg!.value.value;
    if (subject.kind === 'name') return target.nameMatches(regex);
    if (typeof subject.value !== 'string') return false;
    return re2(regex).test(subject.value);
  }
  throw new OttlNotModelled(`function ${fn.name} is not modelled`);
}

function value(v: OttlValue, target: OttlTarget): Evaluated {
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return { kind: 'value', value: v.value };
    case 'nil':
      return { kind: 'value', value: null };
    case 'enum':
      return { kind: 'value', value: v.name };
    case 'path': {
      const path = pathName(v);
      if (v.keys.length === 0) {
        if (path === 'name' && target.context === 'metric') return { kind: 'name' };
        if (path === 'metric.name' && target.context === 'datapoint') return { kind: 'name' };
        if ((path === 'type' && target.context === 'metric') || (path === 'metric.type' && target.context === 'datapoint'))
          return { kind: 'value', value: target.typeEnum };
        const temporality = target.temporalityEnum;
        const temporalityPath =
          (path === 'aggregation_temporality' && target.context === 'metric') || (path === 'metric.aggregation_temporality' && target.context === 'datapoint');
        if (temporalityPath && temporality !== undefined) return { kind: 'value', value: temporality };
      }
      if (v.keys.length === 1) {
        const found = attributeAt(v, target);
        if (found !== NOT_AN_ATTRIBUTE) return { kind: 'value', value: found ?? null };
      }
      throw new OttlNotModelled(`path ${path}${v.keys.map((k) => `["${k}"]`).join('')} is not modelled in the ${target.context} context`);
    }
    default:
      throw new OttlNotModelled(`a ${v.kind} is not modelled as a value`);
  }
}

function compare(op: string, left: Evaluated, right: Evaluated, target: OttlTarget): boolean {
  if (op === '==' || op === '!=') {
    let equal: boolean;
    if (left.kind === 'name' && right.kind === 'value') equal = typeof right.value === 'string' && target.nameIs(right.value);
    else if (right.kind === 'name' && left.kind === 'value') equal = typeof left.value === 'string' && target.nameIs(left.value);
    else if (left.kind === 'value' && right.kind === 'value') equal = left.value === right.value;
    else equal = true;
    return op === '==' ? equal : !equal;
  }
  if (left.kind === 'value' && right.kind === 'value' && typeof left.value === 'number' && typeof right.value === 'number') {
    if (op === '<') return left.value < right.value;
    if (op === '<=') return left.value <= right.value;
    if (op === '>') return left.value > right.value;
    if (op === '>=') return left.value >= right.value;
  }
  throw new OttlNotModelled(`comparison ${op} is only modelled between numbers`);
}

/** What is known of a metric when a condition is evaluated from the metric alone. */
export interface MetricFacts {
  /** The OpenTelemetry metric name. */
  readonly name: string;
  /** OTTL enum: `METRIC_DATA_TYPE_SUM`, `…_GAUGE`, `…_HISTOGRAM`, `…_EXPONENTIAL_HISTOGRAM`, `…_SUMMARY`. */
  readonly type: string;
}

/** true, false, or unknown. */
export type Truth = boolean | undefined;

type Known = string | number | boolean | undefined;

/**
 * Evaluates a condition from a metric's name and type: `name` / `metric.name`, `type` /
 * `metric.type`, `==`, `!=`, `IsMatch`, `not`, `and`, `or`, `true` / `false`. What depends on
 * more (data-point attributes, other functions) is `undefined`, and `and` / `or` stay
 * three-valued (`false and unknown` is false).
 */
export function evaluateForMetric(condition: OttlCondition, metric: MetricFacts): Truth {
  switch (condition.kind) {
    case 'and': {
      const values = condition.operands.map((o) => evaluateForMetric(o, metric));
      return values.includes(false) ? false : values.includes(undefined) ? undefined : true;
    }
    case 'or': {
      const values = condition.operands.map((o) => evaluateForMetric(o, metric));
      return values.includes(true) ? true : values.includes(undefined) ? undefined : false;
    }
    case 'not': {
      const v = evaluateForMetric(condition.operand, metric);
      return v === undefined ? undefined : !v;
    }
    case 'compare': {
      const left = known(condition.left, metric);
      const right = known(condition.right, metric);
      if (left === undefined || right === undefined || typeof left !== typeof right) return undefined;
      if (condition.op === '==') return left === right;
      if (condition.op === '!=') return left !== right;
      return undefined;
    }
    case 'value': {
      const v = known(condition.value, metric);
      return typeof v === 'boolean' ? v : undefined;
    }
  }
}

function known(value: OttlValue, metric: MetricFacts): Known {
  switch (value.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return value.value;
    case 'enum':
      return value.name;
    case 'path':
      if (isPath(value, 'name') || isPath(value, 'metric.name')) return metric.name;
      if (isPath(value, 'type') || isPath(value, 'metric.type')) return metric.type;
      return undefined;
    case 'call': {
      const [subject, regex] = value.args.map((a) => known(a.value, metric));
      if (value.name !== 'IsMatch' || value.args.length !== 2 || typeof subject !== 'string' || typeof regex !== 'string') return undefined;
      try {
        return re2(regex).test(subject);
      } catch (error) {
        if (error instanceof OttlNotModelled) return undefined;
        throw error;
      }
    }
    default:
      return undefined;
  }
}
