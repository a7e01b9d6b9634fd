import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CollectorPipeline,
  Connector,
  Exporter,
  Processor,
  Receiver,
  collectOttl,
  parseOttlCondition,
  parseOttlStatement,
  printOttlCondition,
  printOttlStatement,
  type CollectorConfig,
} from '../../constructs/collector';

describe('OTTL grammar', () => {
  it('parses an editor with a list argument and a where clause', () => {
    const statement = parseOttlStatement('keep_keys(attributes, ["http.route", "k8s.pod.name"]) where metric.name == "a\\"b"');
    expect(statement.editor).toBe('keep_keys');
    expect(statement.args[1].value).toEqual({
      kind: 'list',
      items: [
        { kind: 'string', value: 'http.route' },
        { kind: 'string', value: 'k8s.pod.name' },
      ],
    });
    expect(statement.where).toEqual({
      kind: 'compare',
      op: '==',
      left: { kind: 'path', segments: ['metric', 'name'], keys: [] },
      right: { kind: 'string', value: 'a"b' },
    });
  });

  it('binds and tighter than or, and honours parentheses and not', () => {
    const condition = parseOttlCondition('not IsMatch(name, "^go_") and (type == METRIC_DATA_TYPE_SUM or attributes["x"] != nil)');
    expect(condition.kind).toBe('and');
    const [left, right] = (condition as unknown as { operands: { kind: string }[] }).operands;
    expect(left.kind).toBe('not');
    expect(right.kind).toBe('or');
  });

  it('parses named arguments and numbers', () => {
    expect(parseOttlStatement('limit(attributes, 100, priority_keys=["a"])').args.map((a) => a.name)).toEqual([undefined, undefined, 'priority_keys']);
  });

  it.each([
    ['name = "a"', /column 6: '=' is not a comparison; compare with '=='/],
    ['name == "a', /column 9: unterminated string/],
    ['(name == "a"', /expected '\)', found 'end of text'/],
    ['name', /expected a comparison or a boolean converter after 'name'/],
    ['name == "a" and', /expected a value, found 'end of text'/],
  ])('fails when a condition is malformed: %s', (text, message) => {
    expect(() => parseOttlCondition(text)).toThrow(message);
  });

  it.each([
    ['Keep_keys(attributes, [])', /an editor name is lower_snake_case/],
    ['set(attributes["a"], keep_keys(attributes, []))', /'keep_keys' is an editor; only converters/],
    ['delete_key(attributes, "a") where', /expected a value, found 'end of text'/],
    ['delete_key(attributes, "a") extra', /unexpected 'extra'/],
  ])('fails when a statement is malformed: %s', (text, message) => {
    expect(() => parseOttlStatement(text)).toThrow(message);
  });
});

describe('OTTL Phoenix emits', () => {
  it('parses every statement and condition the factories render, including awkward names', () => {
    // GIVEN a pipeline using every OTTL-emitting factory, with quotes and backslashes in names
    const pipeline = new CollectorPipeline();
    const routing = Connector.routing({ table: [{ condition: 'name == "up" or IsMatch(name, "^http\\\\.")', pipelines: ['metrics/routed'] }] });
    pipeline.addPipeline('metrics', {
      receivers: [Receiver.otlp()],
      processors: [
        Processor.filterMetrics({
          dropNames: ['weird "quoted" metric', 'back\\slash'],
          dropRegexes: ['^go_.*', '\\d+\\.\\d+$'],
          keepOnly: ['http.server.request.duration', 'up'],
        }),
        Processor.cumulativeToDelta(),
        Processor.keepAttributes({
          metrics: ['http.server.request.duration', { name: 'queue.length', type: 'gauge' }, { name: 'rpc.calls', type: 'sum' }],
          keep: ['http.route', 'a"b'],
          aggregation: 'sum',
          gaugeFunction: 'mean',
        }),
        Processor.keepAttributes({ name: 'all-merged', metrics: ['db.calls'], keep: [] }),
        Processor.deltaToCumulative(),
        Processor.dropAttribute({ attribute: 'k8s.pod.uid', impliedBy: 'k8s.pod.name', metrics: ['a', 'b'] }),
        Processor.dropAttribute({ attribute: 'host.id', impliedBy: 'host.name', level: 'resource' }),
        Processor.transform({
          name: 'raw',
          metricStatements: [{ context: 'datapoint', statements: ['set(attributes["tier"], "gold") where metric.name == "x"'] }],
        }),
      ],
      exporters: [routing],
    });
    pipeline.addPipeline('metrics/routed', { receivers: [routing], exporters: [Exporter.debug()] });
    // WHEN the OTTL is collected from the rendered config
    const texts = collectOttl(pipeline.render());
    // THEN there is plenty of it and every piece parses in its kind
    expect(texts.length).toBeGreaterThanOrEqual(15);
    for (const { kind, text, path } of texts) {
      expect(() => (kind === 'statement' ? parseOttlStatement(text) : parseOttlCondition(text)), path.join('.')).not.toThrow();
    }
    expect(texts.map((t) => t.path[1])).toEqual(
      expect.arrayContaining(['filter', 'transform/keep-attributes', 'transform/all-merged', 'transform/drop-host.id', 'routing']),
    );
  });

  it('round-trips awkward strings through the emitted literals', () => {
    const filter = Processor.filterMetrics({ dropNames: ['a"b\\c'] });
    const [condition] = (filter.render().metrics as { metric: string[] }).metric;
    expect(parseOttlCondition(condition)).toMatchObject({ right: { kind: 'string', value: 'a"b\\c' } });
  });
});

describe('OTTL in the committed tree', () => {
  it('parses and prints back to the same tree every statement and condition of every synthesized collector', () => {
    // GIVEN every OpenTelemetryCollector object of the committed gitops/ tree
    const root = join(__dirname, '..', '..', 'gitops', 'experiments');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /opentelemetrycollector-.*\.yaml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    let count = 0;
    for (const file of files) {
      const doc = parse(readFileSync(join(root, file), 'utf8')) as { spec: { config: CollectorConfig } };
      // WHEN each OTTL text is parsed, printed and parsed again
      for (const { kind, text } of collectOttl(doc.spec.config)) {
        count++;
        if (kind === 'statement') {
          const tree = parseOttlStatement(text);
          // THEN the tree is the same, and Phoenix's own text is already in printed form
          expect(parseOttlStatement(printOttlStatement(tree)), `${file}: ${text}`).toEqual(tree);
          expect(printOttlStatement(tree)).toBe(text);
        } else {
          const tree = parseOttlCondition(text);
          expect(parseOttlCondition(printOttlCondition(tree)), `${file}: ${text}`).toEqual(tree);
          expect(printOttlCondition(tree)).toBe(text);
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(5);
  });
});
