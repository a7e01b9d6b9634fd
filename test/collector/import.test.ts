import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectorPipeline, Exporter, Processor, type CollectorConfigError } from '../../constructs/collector';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    return (error as CollectorConfigError).problems ?? [(error as Error).message];
  }
  return [];
}

describe('CollectorPipeline.fromYaml', () => {
  it('reads a file once per text, yet every import is a pipeline of its own', () => {
    // GIVEN the same file imported twice, one import then changed
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-import-'));
    try {
      const file = path.join(dir, 'baseline.yaml');
      fs.copyFileSync(fixture('production.yaml'), file);
      const first = CollectorPipeline.fromYaml(file);
      const second = CollectorPipeline.fromYaml(file);
      first.addProcessor(Processor.batch({ name: 'extra' }));
      // THEN the other import does not see the change
      expect(first.componentsOf('processor').map((c) => c.id)).toContain('batch/extra');
      expect(second.componentsOf('processor').map((c) => c.id)).not.toContain('batch/extra');
      expect(JSON.stringify(second.render())).toBe(JSON.stringify(CollectorPipeline.fromYaml(file).render()));
      // AND a file whose text changed is read again
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/timeout: [^\n]+/, 'timeout: 17s'));
      expect(JSON.stringify(CollectorPipeline.fromYaml(file).render())).toContain('17s');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports a production config, keeping unknown components verbatim and flagging them', () => {
    // GIVEN a production config with components Phoenix does not model
    const pipeline = CollectorPipeline.fromYaml(fixture('production.yaml'));
    // WHEN it renders
    const config = pipeline.render();
    // THEN every component is kept as written
    expect(config.processors?.k8sattributes).toEqual({ extract: { metadata: ['k8s.pod.name', 'k8s.namespace.name'] } });
    expect(config.receivers?.otlp).toEqual({ protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: null } });
    expect(config.service.extensions).toEqual(['health_check', 'pprof']);
    expect(config.service.telemetry).toEqual({ logs: { level: 'warn' } });
    // AND the unknown ones are flagged with file:line
    const warnings = pipeline.warnings();
    expect(warnings).toContainEqual(expect.stringMatching(/production\.yaml:5: extension type 'pprof' is not modelled by Phoenix; kept verbatim/));
    expect(warnings).toContainEqual(expect.stringMatching(/production\.yaml:27: processor type 'k8sattributes' is not modelled by Phoenix/));
  });

  it('reads what imported processors do', () => {
    const pipeline = CollectorPipeline.fromYaml(fixture('production.yaml'));
    expect(pipeline.aggregates()).toBe(true);
    expect(pipeline.deploymentRequirements().singleReplica).toBe(true);
    const transform = pipeline.component('transform/route', 'processor') as Processor;
    expect(transform.effects).toMatchObject({ aggregates: true, metrics: ['http.server.requests'], keptAttributes: ['http.route'] });
  });

  it('lets a team start from what it runs: the import validates once delta conversion is added', () => {
    // GIVEN the imported production pipeline, whose aggregation ignores counter resets
    const imported = CollectorPipeline.fromYaml(fixture('production.yaml'));
    expect(imported.validate()).toEqual([]);
    expect(imported.warnings()).toContainEqual(expect.stringMatching(/'transform\/route' aggregates counters across series.*\(pipeline kept as imported\)$/));
    // WHEN a candidate adds delta conversion around it
    const candidate = new CollectorPipeline();
    for (const kind of ['receiver', 'exporter', 'extension'] as const)
      for (const c of imported.componentsOf(kind)) candidate[`add${kind[0].toUpperCase()}${kind.slice(1)}` as 'addReceiver'](c);
    candidate.addPipeline('metrics', {
      receivers: ['otlp', 'prometheus'],
      processors: [
        imported.component('memory_limiter')!,
        imported.component('k8sattributes')!,
        Processor.cumulativeToDelta({ metrics: ['http.server.requests'] }),
        imported.component('transform/route')!,
        Processor.deltaToCumulative(),
        imported.component('batch')!,
      ],
      exporters: ['prometheusremotewrite'],
    });
    // THEN it validates, while the rules still hold for every pipeline Phoenix builds
    expect(candidate.validate()).toEqual([]);
    candidate.addPipeline('metrics/shortcut', { receivers: ['otlp'], processors: ['transform/route'], exporters: [Exporter.debug()] });
    expect(candidate.validate()).toEqual([expect.stringMatching(/pipeline 'metrics\/shortcut': 'transform\/route' aggregates counters across series/)]);
  });

  it('fails with file:line:column when the YAML is malformed', () => {
    expect(() => CollectorPipeline.fromYaml(fixture('malformed.yaml'))).toThrow(/malformed\.yaml is not valid YAML/);
    const problems = problemsOf(() => CollectorPipeline.fromYaml(fixture('malformed.yaml')));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/malformed\.yaml:\d+:\d+: /);
  });

  it('fails with file:line and the field when a section has the wrong shape', () => {
    const problems = problemsOf(() => CollectorPipeline.fromYaml(fixture('bad-structure.yaml')));
    expect(problems).toEqual([
      expect.stringMatching(/bad-structure\.yaml:10: pipeline 'metrics': unknown field 'procesors'$/),
      expect.stringMatching(/bad-structure\.yaml:8: 'receivers' must be a list of component ids$/),
    ]);
  });

  it('fails at render with the schema field and file:line when a value is wrong', () => {
    const pipeline = CollectorPipeline.fromYaml(fixture('bad-values.yaml'));
    expect(pipeline.validate()).toEqual([
      expect.stringMatching(/bad-values\.yaml:8: processors\.batch\.timeout: must be a Go duration such as 5s.*\(got "5 seconds"\)/),
      expect.stringMatching(/bad-values\.yaml:11: exporters\.debug\.verbosity: must be one of "none", "basic", "normal", "detailed" \(got "loud"\)/),
    ]);
  });

  it('names file:line for pipeline problems of an imported file, and warns of an unused component', () => {
    const pipeline = CollectorPipeline.fromYaml(fixture('bad-references.yaml'));
    expect(pipeline.validate()).toEqual([
      expect.stringMatching(/bad-references\.yaml:12: pipeline 'metrics': 'receivers' references 'prometheus', which is not defined/),
    ]);
    expect(pipeline.warnings()).toContainEqual(expect.stringMatching(/bad-references\.yaml:7: exporter 'otlp\/unused' is defined but used by no pipeline/));
  });

  it('accepts unused components, which the collector loads, with one warning each', () => {
    // GIVEN a config (loaded by otelcol validate v0.161.0) defining a receiver, processors, an exporter
    // and connectors that no pipeline lists
    // WHEN imported and rendered
    const pipeline = CollectorPipeline.fromYaml(fixture('unused-components.yaml'));
    // THEN nothing is a problem, each unused component is a warning with file:line, and it renders verbatim
    expect(pipeline.validate()).toEqual([]);
    const unused = pipeline.warnings().filter((warning) => / is defined but used by no pipeline/.test(warning));
    expect(unused.map((warning) => /: (\w+ '[^']+') is defined/.exec(warning)?.[1])).toEqual([
      "receiver 'otlp/unused'",
      "processor 'batch'",
      "processor 'filter/unused'",
      "exporter 'otlphttp'",
      "connector 'forward'",
      "connector 'forward/half'",
    ]);
    expect(unused[0]).toMatch(/unused-components\.yaml:6: /);
    expect(Object.keys(pipeline.render().connectors ?? {})).toEqual(['forward', 'forward/half']);
  });

  it('fails when a connector is used on one side only, which the collector rejects', () => {
    const text = fs.readFileSync(fixture('unused-components.yaml'), 'utf8').replace('exporters: [debug]', 'exporters: [debug, forward/half]');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-import-'));
    try {
      fs.writeFileSync(path.join(dir, 'half.yaml'), text);
      expect(CollectorPipeline.fromYaml(path.join(dir, 'half.yaml')).validate()).toEqual([
        expect.stringMatching(
          /half\.yaml:\d+: connector 'forward\/half' must be an exporter of one pipeline and a receiver of another \(it is not a receiver anywhere\)/,
        ),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails naming the file when it cannot be read', () => {
    expect(() => CollectorPipeline.fromYaml('/nonexistent/collector.yaml')).toThrow(
      /\/nonexistent\/collector\.yaml: cannot read the collector config \(ENOENT\)/,
    );
  });

  it('fails on a duplicate key, which the collector would reject', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-collector-'));
    const file = path.join(dir, 'dup.yaml');
    fs.writeFileSync(file, 'processors:\n  batch: {}\n  batch: {}\nservice:\n  pipelines: {}\n');
    try {
      expect(() => CollectorPipeline.fromYaml(file)).toThrow(/dup\.yaml:3:\d+: Map keys must be unique/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CollectorPipeline.fromConfig', () => {
  it('round-trips a rendered config', () => {
    const source = CollectorPipeline.fromYaml(fixture('production.yaml')).render();
    expect(CollectorPipeline.fromConfig(source).render()).toEqual(source);
  });

  it('adds no telemetry section the imported config did not have', () => {
    const config = CollectorPipeline.fromConfig({
      receivers: { otlp: null },
      exporters: { debug: null },
      service: { pipelines: { metrics: { receivers: ['otlp'], exporters: ['debug'] } } },
    }).render();
    expect(config.service).toEqual({ pipelines: { metrics: { receivers: ['otlp'], exporters: ['debug'] } } });
  });

  it('fails when a component id is malformed', () => {
    expect(() => CollectorPipeline.fromConfig({ processors: { 'bat ch': {} }, service: { pipelines: {} } }, 'inline')).toThrow(
      /inline: processors\.bat ch: processors\.bat ch 'bat ch': the type 'bat ch' must start with a letter/,
    );
  });

  it('fails when service is missing', () => {
    expect(() => CollectorPipeline.fromConfig({ receivers: {} })).toThrow(/service: 'service' must be a map holding 'pipelines'/);
  });
});

describe('snake_case type names of the pinned collector', () => {
  it('reads delta conversion written with the new names as delta conversion', () => {
    const pipeline = CollectorPipeline.fromConfig({
      receivers: { otlp: { protocols: { grpc: null } } },
      processors: {
        cumulative_to_delta: {},
        'transform/sum': { metric_statements: [{ context: 'metric', statements: ['aggregate_on_attributes("sum", ["http.route"]) where name == "m"'] }] },
        delta_to_cumulative: { max_stale: '5m' },
      },
      exporters: { prometheus_remote_write: { endpoint: 'http://mimir/api/v1/push' } },
      service: {
        pipelines: {
          metrics: { receivers: ['otlp'], processors: ['cumulative_to_delta', 'transform/sum', 'delta_to_cumulative'], exporters: ['prometheus_remote_write'] },
        },
      },
    });
    expect(pipeline.warnings().filter((w) => /not modelled|aggregates counters/.test(w))).toEqual([]);
    expect(pipeline.deploymentRequirements().singleReplica).toBe(true);
  });
});

describe('imported filters', () => {
  it('reads what a filter in the emitted forms drops, and stays opaque otherwise', () => {
    const pipeline = CollectorPipeline.fromConfig({
      processors: {
        'filter/known': { error_mode: 'ignore', metrics: { metric: ['name == "up"', 'IsMatch(name, "^go_")', 'name != "a" and name != "b"'] } },
        'filter/datapoints': { metrics: { datapoint: ['attributes["x"] == "y"'] } },
      },
      service: { pipelines: {} },
    });
    expect((pipeline.component('filter/known') as Processor).effects).toMatchObject({
      opaque: false,
      droppedMetrics: { names: ['up'], regexes: ['^go_'], keepOnly: ['a', 'b'] },
    });
    expect((pipeline.component('filter/datapoints') as Processor).effects).toMatchObject({ opaque: true });
    expect((pipeline.component('filter/datapoints') as Processor).effects.droppedMetrics).toBeUndefined();
  });
});
