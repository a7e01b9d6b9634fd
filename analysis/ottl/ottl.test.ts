import { describe, expect, it } from 'vitest';
import {
  evaluate,
  evaluateForMetric,
  OttlNotModelled,
  OttlSyntaxError,
  parseOttlCondition,
  parseOttlStatement,
  printOttlCondition,
  printOttlStatement,
  readsDatapoint,
  stringLiterals,
  type OttlTarget,
} from '.';
import { InputError } from '../input-error';

const HIST = { name: 'http.server.request.duration', type: 'METRIC_DATA_TYPE_HISTOGRAM' };
const forMetric = (text: string) => evaluateForMetric(parseOttlCondition(text), HIST);

/**
 * Statements and conditions as published in the OpenTelemetry Collector's documentation and
 * test data (open-telemetry/opentelemetry-collector-contrib, Apache-2.0:
 * processor/transformprocessor/README.md, processor/filterprocessor/testdata/config_ottl.yaml,
 * processor/transformprocessor/testdata/config.yaml).
 */
const PUBLIC_STATEMENTS = [
  'set(attributes["deployment.env"], "prod") where resource.attributes["k8s.namespace.name"] == "production"',
  'truncate_all(attributes, 256)',
  'replace_pattern(attributes["http.url"], "token=([^&]*)", "token=***")',
  'convert_sum_to_gauge() where metric.name == "system.cpu.time"',
  'convert_gauge_to_sum("cumulative", false) where metric.name == "prometheus_metric"',
  'extract_count_metric(true) where type == METRIC_DATA_TYPE_HISTOGRAM',
  'convert_sum_to_gauge() where IsMatch(name, ".*_sum")',
  'limit(datapoint.attributes, 50, ["host.name", "service.name"])',
  'delete_matching_keys(datapoint.attributes, "(?i).*temp.*")',
  'keep_keys(resource.attributes, ["host.name"])',
  'set(metric.name, "bear") where attributes["http.path"] == "/animal"',
  'merge_maps(attributes, ParseJSON(body), "insert") where IsMatch(body, "^\\\\{")',
  'convert_sum_to_gauge() where name == "process.runtime.go.gc.pause_total_ns" or name == "process.runtime.go.gc.count"',
];
const PUBLIC_CONDITIONS = [
  'attributes["test"] == "pass"',
  'name == "pass"',
  'metric.name == "k8s.pod.phase" and value_int == 4',
  'type == METRIC_DATA_TYPE_SUM',
  'IsMatch(attributes["service.name"], "unknown")',
];

describe('OTTL printer', () => {
  it.each(PUBLIC_STATEMENTS)('prints a published statement so that it parses to the same tree: %s', (text) => {
    const tree = parseOttlStatement(text);
    expect(parseOttlStatement(printOttlStatement(tree))).toEqual(tree);
  });

  it.each(PUBLIC_CONDITIONS)('prints a published condition so that it parses to the same tree: %s', (text) => {
    const tree = parseOttlCondition(text);
    expect(parseOttlCondition(printOttlCondition(tree))).toEqual(tree);
  });

  it('keeps the grouping of nested and / or / not, and escapes strings', () => {
    const text = 'not (name == "a\\"b" or name == "c\\\\d") and (type == METRIC_DATA_TYPE_SUM or (attributes["x"] != nil and true))';
    const tree = parseOttlCondition(text);
    expect(printOttlCondition(tree)).toBe(text);
    expect(parseOttlCondition(printOttlCondition(tree))).toEqual(tree);
  });

  it('prints named arguments and numbers', () => {
    expect(printOttlStatement(parseOttlStatement('limit(attributes,100,priority_keys=["a"]) where value_double>=-1.5'))).toBe(
      'limit(attributes, 100, priority_keys = ["a"]) where value_double >= -1.5',
    );
  });
});

describe('OTTL grammar helpers', () => {
  it('lists the string literals of arguments in order, lists and converter calls included', () => {
    expect(stringLiterals(parseOttlStatement('aggregate_on_attributes("sum", ["a", "b"]) where name == "m"').args)).toEqual(['sum', 'a', 'b']);
    expect(stringLiterals(parseOttlStatement('set(attributes["k"], Concat(["x", "y"], "-"))').args)).toEqual(['x', 'y', '-']);
  });

  it('fails with an InputError naming the column', () => {
    expect(() => parseOttlCondition('name == "a" or')).toThrow(OttlSyntaxError);
    expect(() => parseOttlCondition('name == "a" or')).toThrow(InputError);
    expect(() => parseOttlCondition('name === "a"')).toThrow(/column 8/);
  });
});

describe('evaluateForMetric (three-valued, from the name and type)', () => {
  it('evaluates name and type conditions with and/or/not and IsMatch', () => {
    expect(forMetric('metric.name == "http.server.request.duration" and metric.type == METRIC_DATA_TYPE_HISTOGRAM')).toBe(true);
    expect(forMetric('(name == "a" or name == "b")')).toBe(false);
    expect(forMetric('not (name == "http.server.request.duration")')).toBe(false);
    expect(forMetric('IsMatch(name, "^http\\\\..*")')).toBe(true);
    expect(forMetric('name != "a" and name != "b"')).toBe(true);
  });

  it('is unknown when the condition reads more than the name and type', () => {
    expect(forMetric('attributes["http.route"] == "/"')).toBeUndefined();
    expect(forMetric('name == "other" and attributes["x"] == "y"')).toBe(false);
    expect(forMetric('name == "http.server.request.duration" or attributes["x"] == "y"')).toBe(true);
    expect(forMetric('Unknown(name)')).toBeUndefined();
    expect(forMetric('IsMatch(name, "(")')).toBeUndefined();
  });
});

describe('evaluate (one point of one resource)', () => {
  const point: OttlTarget = {
    context: 'datapoint',
    nameIs: (n) => n === 'http.server.request.duration',
    nameMatches: (r) => new RegExp(r).test('http.server.request.duration'),
    typeEnum: 'METRIC_DATA_TYPE_HISTOGRAM',
    attribute: (k) => (k === 'http.route' ? '/users' : undefined),
    resourceAttribute: (k) => (k === 'service.name' ? 'api' : undefined),
  };
  const holds = (text: string) => evaluate(parseOttlCondition(text), point);

  it('reads names, types, point and resource attributes', () => {
    expect(holds('metric.name == "http.server.request.duration" and attributes["http.route"] == "/users"')).toBe(true);
    expect(holds('resource.attributes["service.name"] != "api" or metric.type == METRIC_DATA_TYPE_SUM')).toBe(false);
    expect(holds('attributes["missing"] == nil and IsMatch(attributes["http.route"], "^/u")')).toBe(true);
    expect(holds('not IsMatch(metric.name, "^rpc")')).toBe(true);
  });

  it('throws OttlNotModelled for what it cannot evaluate', () => {
    expect(() => holds('name == "x"')).toThrow(OttlNotModelled);
    expect(() => holds('IsEmpty(attributes)')).toThrow(/function IsEmpty is not modelled/);
    expect(() => holds('Len(attributes) > 2')).toThrow(/a call is not modelled as a value/);
    expect(() => holds('attributes["http.route"] < "z"')).toThrow(/only modelled between numbers/);
  });

  it('knows which conditions read the data point', () => {
    expect(readsDatapoint(parseOttlCondition('metric.name == "a" and resource.attributes["x"] == "y"'))).toBe(false);
    expect(readsDatapoint(parseOttlCondition('metric.name == "a" and IsMatch(attributes["x"], "y")'))).toBe(true);
    expect(readsDatapoint(parseOttlCondition('value_int == 4'))).toBe(true);
  });
});
