import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { App, Chart } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compareRangeResults, selectionOf, strictForms } from '../../analysis/compare';
import { findDashboardQueries, injectVariant } from '../../analysis/promql';
import { renderExperimentSource, type MetricRecommendation } from '../../analysis/recommend';
import { PrometheusClient } from '../../clients/prometheus';
import { CollectorPipeline } from '../../constructs/collector';
import { Experiment } from '../../constructs/experiment/experiment';
import { loadExperiments } from '../../generators';
import { checkSources } from '../../policies';
import { fastBatches, logTail, loopbackTarget, otlpOverHttp, startRenderedCollector, type TestCollector } from '../support/collector-run';
import { pushOtlp, type OtlpMetric } from '../support/otlp-push';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';
import { makeLayout } from './support';

// Issue item 5, through the REAL collector: an OTLP gateway (experiments/baselines/checkout-otlp.yaml)
// receives the redis exporter's command counter as OpenTelemetry sends it (`redis.commands`, a
// monotonic sum; `client.addr` an attribute no query reads). `phoenix recommend --prometheus …
// --dashboards <the redis mixin's dashboard> --baseline <the gateway> -o …` reads what production
// landed, and the experiment it writes runs in the real collector beside the baseline: the candidate
// lands exactly the series the report says, and the mixin's two `redis_commands_total` panels keep
// every strict answer. The same recommendation written with Prometheus names is what the policy
// rule `collector/metric-names-match-input` reports.

const REPO = path.resolve(__dirname, '../..');
const DASHBOARD = path.join(REPO, 'test/fixtures/corpora/redis/dashboards/redis_overview.json');
const BASELINE = path.join(REPO, 'experiments/baselines/checkout-otlp.yaml');
const INSTANCES = ['r-0', 'r-1'];
const COMMANDS = ['get', 'set', 'del'];
const CLIENTS = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
const PUSHES = 6;

const layout = makeLayout({ series: [], samples: [], families: new Map(), rules: {}, dashboards: {} });
const collectors: TestCollector[] = [];
let prometheus: TestPrometheus;
let client: PrometheusClient;

afterAll(async () => {
  for (const c of collectors) await c.stop();
  await prometheus?.stop();
  layout.cleanup();
});

function commands(n: number, instance: number): OtlpMetric[] {
  return [
    {
      name: 'redis.commands',
      kind: 'sum',
      points: COMMANDS.flatMap((cmd, c) =>
        CLIENTS.map((addr, a) => ({
          attributes: { cluster: 'c1', namespace: 'ns', pod: `redis-${instance}`, container: 'redis-server-exporter', cmd, 'client.addr': addr },
          value: (n + 1) * (1 + c + 2 * a + 3 * instance),
        })),
      ),
    },
  ];
}

/** Runs a collector config, pushes PUSHES rounds of the counter 1 s apart, and returns the push times. */
async function runAndPush(config: Record<string, any>): Promise<number[]> {
  otlpOverHttp(config);
  fastBatches(config);
  const collector = await startRenderedCollector(config, prometheus);
  collectors.push(collector);
  const endpoint = [...collector.endpoints.entries()].find(([id]) => id.endsWith('/http'))![1];
  const start = Date.now() - 60_000;
  const times: number[] = [];
  for (let n = 0; n < PUSHES; n++) {
    const now = Date.now();
    times.push(now / 1000);
    for (const i of INSTANCES.keys()) await pushOtlp(endpoint, { 'service.name': 'redis', 'service.instance.id': INSTANCES[i]! }, commands(n, i), now, start);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return times;
}

function build(name: string): Experiment {
  const loaded = loadExperiments(path.join(layout.root, 'experiments')).find((e) => e.definition.name === name);
  if (!loaded) throw new Error(`experiment ${name} not written in ${layout.root}/experiments`);
  const chart = new Chart(new App({ outdir: path.join(layout.root, '.out') }), name, { disableResourceNameHashes: true });
  loaded.definition.build(chart, loopbackTarget(prometheus));
  return Experiment.findAll(chart)[0]!;
}

const namesFindings = (config: unknown) =>
  checkSources([{ file: 'collector.yaml', text: stringify(config) }], { repoRoot: layout.root }).findings.filter(
    (f) => f.ruleId === 'collector/metric-names-match-input',
  );

interface Report {
  metrics: Array<MetricRecommendation & { saving: unknown }>;
}

describe('recommend --baseline <an OTLP gateway>, through the real collector (redis mixin)', { timeout: 180_000 }, () => {
  let report: Report;
  let experiment: Experiment;
  let pushTimes: number[];

  beforeAll(async () => {
    prometheus = await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '3s' });
    client = new PrometheusClient({ baseUrl: prometheus.url });
    // GIVEN production: the gateway alone, fed over OTLP
    await runAndPush(CollectorPipeline.fromYaml(BASELINE).render() as unknown as Record<string, unknown>);
    fs.mkdirSync(path.join(layout.root, 'dashboards', 'redis'), { recursive: true });
    fs.copyFileSync(DASHBOARD, path.join(layout.root, 'dashboards', 'redis', 'redis_overview.json'));
    fs.mkdirSync(path.join(layout.root, 'baselines'));
    fs.copyFileSync(BASELINE, path.join(layout.root, 'baselines', 'redis-otlp.yaml'));
    // WHEN recommending from what production landed, with the gateway as baseline
    const recommend = spawnSync(
      process.execPath,
      [
        'bin/phoenix',
        'recommend',
        '--prometheus',
        prometheus.url,
        '--dashboards',
        'dashboards',
        '--baseline',
        'baselines/redis-otlp.yaml',
        '-o',
        'experiments/redis-otlp.ts',
        '--format',
        'json',
      ],
      { cwd: layout.root, encoding: 'utf8' },
    );
    if (recommend.status !== 0) throw new Error(`recommend failed (${recommend.status}): ${recommend.stderr}`);
    report = JSON.parse(recommend.stdout) as Report;
    // AND running the written experiment in the real collector
    experiment = build('redis-otlp');
    pushTimes = await runAndPush(structuredClone(experiment.renderedConfig()) as unknown as Record<string, unknown>);
  });

  it('writes the processors with the OpenTelemetry names the gateway receives, and the policy rule is silent on them', () => {
    const rec = report.metrics.find((m) => m.metric === 'redis_commands_total')!;
    expect(rec).toMatchObject({
      recommended: true,
      seriesBefore: INSTANCES.length * COMMANDS.length * CLIENTS.length,
      seriesAfter: INSTANCES.length * COMMANDS.length,
      remove: ['client_addr'],
    });
    const source = fs.readFileSync(path.join(layout.root, 'experiments', 'redis-otlp.ts'), 'utf8');
    expect(source).toMatch(/\{ name: "redis\.commands", type: 'sum' \}/);
    expect(source).not.toMatch(/"redis_commands_total"/);
    expect(namesFindings(experiment.renderedConfig())).toEqual([]);
  });

  it('the candidate lands exactly the series the report says; the baseline lands every input series', async () => {
    const rec = report.metrics.find((m) => m.metric === 'redis_commands_total')!;
    const count = async (variant: string) =>
      (
        await client.query(
          `count(last_over_time(redis_commands_total{phoenix_experiment="redis-otlp", phoenix_variant="${variant}"}[3s]))`,
          pushTimes[PUSHES - 1]! + 1,
        )
      ).result;
    const landed = async (variant: string) => Number(((await count(variant)) as unknown as Array<{ value: [number, string] }>)[0]?.value[1] ?? 0);
    expect(await landed('baseline'), logTail(collectors[collectors.length - 1]!)).toBe(rec.seriesBefore);
    expect(await landed('recommended')).toBe(rec.seriesAfter);
  });

  it("keeps every strict answer of the mixin's redis_commands_total panels", async () => {
    const panels = findDashboardQueries('redis_overview.json', fs.readFileSync(DASHBOARD, 'utf8')).queries.filter((q) =>
      q.expr.includes('redis_commands_total'),
    );
    expect(panels.length).toBe(2);
    // the dashboard reader stands in for Grafana's variables (phoenix_var_*, $__rate_interval → 4m): give them this run's values
    const substitute = (expr: string) =>
      expr
        .replace(/\[4m\]/g, '[3s]')
        .replace(/phoenix_var_cluster/g, 'c1')
        .replace(/phoenix_var_namespace/g, 'ns')
        .replace(/phoenix_var_pod/g, '.+');
    // after each stream's first point (dropped by cumulativetodelta) has left the 3 s window
    const from = pushTimes[3]! + 0.5;
    const to = pushTimes[PUSHES - 1]! + 0.5;
    let compared = 0;
    for (const panel of panels) {
      for (const form of strictForms(substitute(panel.expr))) {
        const answer = async (variant: string) => (await client.queryRange(injectVariant(form, 'redis-otlp', variant), from, to, 0.25)).result;
        const baseline = await answer('baseline');
        const same = compareRangeResults(baseline, await answer('recommended'), {
          ignoreLabels: ['phoenix_experiment', 'phoenix_variant'],
          selection: selectionOf(form),
        });
        expect(same.differences, form).toEqual([]);
        expect(same.comparedPoints, form).toBeGreaterThan(0);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(2);
  });

  it('fails the policy rule when the same recommendation is written with Prometheus names', () => {
    // GIVEN the recommendation rendered as before this fix (the snapshot's names) into the same OTLP gateway
    const source = renderExperimentSource({
      name: 'redis-prometheus-names',
      metrics: report.metrics,
      baselineFile: '../baselines/redis-otlp.yaml',
      baseDirectory: '..',
      ruleFiles: [],
      dashboards: ['dashboards/redis/redis_overview.json'],
      inlineQueries: [],
      minSavingsPercent: 10,
      provenance: 'Written by a test.',
      naming: 'scraped',
    });
    fs.writeFileSync(path.join(layout.root, 'experiments', 'redis-prometheus-names.ts'), source);
    // WHEN checking its rendered collector config
    const findings = namesFindings(build('redis-prometheus-names').renderedConfig());
    // THEN the processors selecting redis_commands_total in the OTLP-fed pipelines are reported
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/selects 'redis_commands_total' \(over OTLP: 'redis\.commands' or 'redis_commands'\)/);
  });
});
