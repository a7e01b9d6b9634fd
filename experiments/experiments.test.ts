import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CollectorPipeline } from '../constructs/collector';
import type { ExperimentTarget } from '../constructs/experiment/definition';
import { Experiment } from '../constructs/experiment/experiment';
import { lifecycleFor, parseExperimentState } from '../constructs/experiment/state';
import { validateOpenTelemetryCollector } from '../constructs/deployment/collector-resource-schema';
import { experiments } from './index';

const BASELINES: Record<string, string> = {
  'http-server-histograms': 'checkout-otlp.yaml',
  'node-cpu-by-mode': 'node-exporter.yaml',
  'unused-runtime-metrics': 'payments-otlp.yaml',
};

function stateOf(name: string) {
  const file = `experiments/${name}.state.yaml`;
  return parseExperimentState(readFileSync(join(__dirname, `${name}.state.yaml`), 'utf8'), file);
}

function render(name: string, environment: string) {
  const definition = experiments.find((d) => d.name === name)!;
  const target: ExperimentTarget = {
    environment,
    namespace: 'observability',
    remoteWriteUrl: 'https://mimir.prod.example.com/api/v1/push',
    shadowRemoteWriteUrl: 'https://mimir-shadow.prod.example.com/api/v1/push',
    scrapeIntervalSeconds: 60,
    lifecycle: lifecycleFor(stateOf(name), environment),
  };
  const chart = new Chart(Testing.app(), `${name}-${environment}`);
  definition.build(chart, target);
  const [experiment] = Experiment.findAll(chart);
  return { experiment, objects: Testing.synth(chart) };
}

describe('example experiments', () => {
  it('are listed in the index with distinct names and a state file each', () => {
    expect(experiments.map((d) => d.name).sort()).toEqual(['http-server-histograms', 'node-cpu-by-mode', 'unused-runtime-metrics']);
    for (const definition of experiments) expect(stateOf(definition.name).version).toBe(1);
  });

  for (const definition of experiments) {
    for (const environment of ['dev', 'staging', 'prod']) {
      it(`${definition.name} renders in ${environment}: CRD-valid collector, production untouched unless promoted`, () => {
        const { experiment, objects } = render(definition.name, environment);
        const collector = objects.find((o) => o.kind === 'OpenTelemetryCollector');
        expect(validateOpenTelemetryCollector(collector)).toEqual([]);
        expect(objects.filter((o) => o.kind === 'ConfigMap')).toHaveLength(1);
        if (experiment.lifecycle.phase !== 'promoted') {
          const baseline = CollectorPipeline.fromYaml(join(__dirname, 'baselines', BASELINES[definition.name])).render();
          expect(stringify(experiment.productionConfig())).toBe(stringify(baseline));
        }
        expect(experiment.guardrails.queries.length).toBeGreaterThan(0);
        expect(experiment.summary()).toMatch(new RegExp(`^experiment ${definition.name} \\(${environment}, `));
      });
    }
  }

  it('http-server-histograms: promoted in dev, shadowing three variants in staging, production only in prod', () => {
    expect(render('http-server-histograms', 'dev').experiment.renderedConfig().service.pipelines.metrics.processors).toContain('transform/route-status');
    expect(render('http-server-histograms', 'staging').experiment.summary()).toMatch(/× 3 variants \(baseline, route-status, route-only\)/);
    const prod = render('http-server-histograms', 'prod').experiment;
    const baseline = CollectorPipeline.fromYaml(join(__dirname, 'baselines', 'checkout-otlp.yaml')).render();
    expect(stringify(prod.renderedConfig())).toBe(stringify(baseline));
  });

  it('http-server-histograms reads its guardrails from the SLO rule file with file:line', () => {
    const sources = render('http-server-histograms', 'staging').experiment.guardrails.queries.map((q) => q.source);
    expect(sources).toEqual(['inline', 'inline', 'experiments/guardrails/checkout-slo.rules.yaml:7', 'experiments/guardrails/checkout-slo.rules.yaml:11']);
  });
});
