import path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { loadEnvironments } from '../../environments/load-environments';
import { addUnitChart, loadExperiments, planUnits, renderChart } from '../../generators';
import { fixtureExperiments, repoRoot } from './helpers';

describe('renderChart', () => {
  it('gives exactly what cdk8s chart.toJson() gives, in the same order, for every chart of the examples and fixtures', () => {
    const experiments = [...loadExperiments(path.join(repoRoot, 'experiments')), ...loadExperiments(fixtureExperiments)];
    const units = planUnits({ environments: loadEnvironments(), experiments, fluxPath: 'gitops' });
    expect(units.length).toBeGreaterThan(20);
    for (const unit of units) {
      const chart = addUnitChart(new App({ outdir: '.' }), unit);
      expect(renderChart(chart).objects).toEqual(chart.toJson());
    }
  }, 180_000);

  it('follows construct dependencies as cdk8s orders them', () => {
    // GIVEN a chart whose first object depends on the second
    const chart = new Chart(new App({ outdir: '.' }), 'deps');
    const first = new ApiObject(chart, 'First', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first' } });
    const second = new ApiObject(chart, 'Second', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'second' } });
    first.addDependency(second);
    // THEN the dependency comes first, as in cdk8s
    const names = renderChart(chart).objects.map((object) => object.metadata.name);
    expect(names).toEqual(['second', 'first']);
    expect(names).toEqual(chart.toJson().map((object: any) => object.metadata.name));
  });

  it('collects every validation message with its construct path instead of throwing', () => {
    const chart = new Chart(new App({ outdir: '.' }), 'invalid');
    const a = new ApiObject(chart, 'A', { apiVersion: 'v1', kind: 'ConfigMap' });
    a.node.addValidation({ validate: () => ['first problem', 'second problem'] });
    expect(renderChart(chart).problems).toEqual(['[invalid/A]: first problem', '[invalid/A]: second problem']);
  });
});
