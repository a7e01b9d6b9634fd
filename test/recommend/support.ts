import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Chart } from 'cdk8s';
import { analyzeQueries, findDashboardQueries, findRuleQueries, type AnalyzedQuery } from '../../analysis/promql';
import { recommendReductions, renderExperimentSource, type RecommendationReport } from '../../analysis/recommend';
import type { ConfiguredProcessor } from '../../analysis/simulate';
import type { Experiment } from '../../constructs/experiment/experiment';
import { loadEnvironments } from '../../environments/load-environments';
import { loadExperiments, targetFor } from '../../generators';
import { toExposition, type Scenario } from './scenario';

const REPO = path.resolve(__dirname, '../..');
const LINKED = [
  'constructs',
  'environments',
  'analysis',
  'generators',
  'policies',
  'clients',
  'app',
  'bin',
  'node_modules',
  'package.json',
  'tsconfig.json',
  'cdk8s.yaml',
];

/**
 * A temporary copy of the repository layout: the code folders linked, an empty `experiments/`,
 * the scenario's rules, dashboards and snapshot written as files. Remove it with `cleanup()`.
 */
export function makeLayout(scenario: Scenario): { root: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-recommend-'));
  for (const entry of LINKED) fs.symlinkSync(path.join(REPO, entry), path.join(root, entry));
  for (const dir of ['experiments', 'rules', 'dashboards']) fs.mkdirSync(path.join(root, dir));
  for (const [file, text] of Object.entries(scenario.rules)) fs.writeFileSync(path.join(root, 'rules', file), text);
  for (const [file, text] of Object.entries(scenario.dashboards)) fs.writeFileSync(path.join(root, 'dashboards', file), text);
  fs.writeFileSync(path.join(root, 'snapshot.prom'), toExposition(scenario));
  // A config repository of its own: synth and check work in the repository holding their target.
  execFileSync('git', ['init', '--quiet', '--initial-branch', 'main', root]);
  return { root, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Every rule and dashboard query of the scenario, analysed (file names as `rules/x.yaml`). */
export function scenarioQueries(scenario: Scenario): readonly AnalyzedQuery[] {
  const found = [
    ...Object.entries(scenario.rules).flatMap(([file, text]) => findRuleQueries(`rules/${file}`, text).queries),
    ...Object.entries(scenario.dashboards).flatMap(([file, text]) => findDashboardQueries(`dashboards/${file}`, text).queries),
  ];
  const { analyzed, problems } = analyzeQueries(found);
  if (problems.length > 0) throw new Error(`scenario queries do not parse: ${problems.map((p) => p.message).join('; ')}`);
  return analyzed;
}

/**
 * The library path of `phoenix recommend -o experiments/<name>.ts`: recommend, write the
 * experiment into the layout (plain rule files and dashboards referenced, PrometheusRule
 * queries inline).
 */
export function recommendInto(root: string, scenario: Scenario, name: string, options: { dropUnused?: boolean } = {}): RecommendationReport {
  const queries = scenarioQueries(scenario);
  const env = loadEnvironments()[0]!;
  const report = recommendReductions({
    series: scenario.series,
    families: scenario.families,
    queries,
    priceModel: env.priceModel,
    dropUnused: options.dropUnused ?? false,
  });
  const inline = queries
    .filter((q) => q.query.origin.source === 'prometheus-rule')
    .map((q) => ({ name: `${q.query.origin.name} (${q.query.origin.file}:${q.query.origin.line})`, expr: q.query.expr }));
  const source = renderExperimentSource({
    name,
    metrics: report.metrics,
    baseDirectory: '..',
    ruleFiles: Object.keys(scenario.rules)
      .filter((f) => !scenario.rules[f]!.includes('PrometheusRule'))
      .map((f) => `rules/${f}`),
    dashboards: Object.keys(scenario.dashboards).map((f) => `dashboards/${f}`),
    inlineQueries: inline,
    minSavingsPercent: 10,
    provenance: 'Written by a test.',
  });
  fs.writeFileSync(path.join(root, 'experiments', `${name}.ts`), source);
  return report;
}

/**
 * Loads the written experiment as the generator does, builds it for the first environment as
 * if running, and returns the candidate's processors as rendered (what it adds to production).
 */
export function candidateProcessors(root: string, name: string): ConfiguredProcessor[] {
  const loaded = loadExperiments(path.join(root, 'experiments')).find((e) => e.definition.name === name);
  if (!loaded) throw new Error(`experiment ${name} not found in ${root}/experiments`);
  const env = loadEnvironments()[0]!;
  const app = new App({ outdir: path.join(root, '.out') });
  const chart = new Chart(app, `${env.name}-${name}`, { namespace: env.namespace, disableResourceNameHashes: true });
  loaded.definition.build(chart, { ...targetFor(env, loaded), lifecycle: { phase: 'running' } });
  const experiment = chart.node.findAll().find((c): c is Experiment => typeof (c as Partial<Experiment>).manifest === 'function');
  const candidate = experiment!.manifest().variants.find((v) => v.kind === 'candidate')!;
  return candidate.processors.map((p) => ({ id: p.id, config: p.config }));
}
