import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhoenix } from '../support/run-phoenix';
import { freePort, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';
import { generateScenario } from './scenario';
import { makeLayout } from './support';

const layout = makeLayout(generateScenario());
const at = (...parts: string[]) => path.join(layout.root, ...parts);
const sources = ['--rules', at('rules'), '--dashboards', at('dashboards')];
afterAll(() => layout.cleanup());

describe('phoenix recommend', { timeout: 240_000 }, () => {
  it('ranks the lossless reductions and writes an experiment that synthesizes and passes phoenix check', () => {
    // GIVEN the generated scenario in a copy of the repository layout
    // WHEN recommending through bin/phoenix with -o, then synthesizing and checking the tree (the experiment running in dev)
    const phoenix = (...args: string[]) => spawnSync(process.execPath, ['bin/phoenix', ...args], { cwd: layout.root, encoding: 'utf8' });
    const recommend = phoenix(
      'recommend',
      '--snapshot',
      'snapshot.prom',
      '--rules',
      'rules',
      '--dashboards',
      'dashboards',
      '--drop-unused',
      '-o',
      'experiments/checkout-lossless.ts',
    );
    expect(recommend.stderr).toBe('');
    expect(recommend.status).toBe(0);
    // THEN the table leads with the histogram and states the totals
    const lines = recommend.stdout.split('\n');
    expect(lines[0]).toMatch(/^series 1,581 → 57 \(−96\.4%\)/);
    expect(lines.find((l) => l.startsWith('http_server_request_duration_seconds'))).toMatch(/1,296\s+18\s+USD 8\.42\s+USD 0\.12/);
    expect(recommend.stdout).toMatch(/node_memory_MemAvailable_bytes: read with every label at rules\/node\.rules\.yaml:12:17/);
    fs.writeFileSync(at('experiments', 'checkout-lossless.state.yaml'), 'version: 1\nenvironments:\n  dev:\n    phase: running\n');
    const synth = phoenix('synth', '-o', 'gitops');
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    expect(synth.stdout).toMatch(/dev\s+checkout-lossless\s+running/);
    const check = phoenix('check', 'gitops', '--format', 'json');
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const report = JSON.parse(check.stdout) as { findings: Array<{ severity: string; rule: string; message: string }> };
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);

    // AND the check is not vacuous: the same experiment with the route merged away fails it
    const file = at('experiments', 'checkout-lossless.ts');
    const source = fs.readFileSync(file, 'utf8');
    // (the placeholder baseline is an OTLP gateway: the counter is written under its OpenTelemetry names, each kept label under every key that becomes it)
    expect(source).toMatch(/\{ name: "http\.requests", type: 'sum' \}/);
    expect(source).not.toMatch(/"http_requests_total"[^\n]*type:/);
    const harmful = source.replace('"http.response.status.code", "http_route", "http.route"]', '"http.response.status.code"]');
    expect(harmful).not.toBe(source);
    fs.writeFileSync(file, harmful);
    expect(phoenix('synth', '-o', 'gitops').status).toBe(0);
    const failing = phoenix('check', 'gitops', '--format', 'json');
    expect(failing.status).toBe(1);
    const errors = (JSON.parse(failing.stdout) as typeof report).findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.message).join('\n')).toMatch(/http_route/);
  });

  it('lists rules and dashboards that do not parse with their position and leaves their metrics untouched', async () => {
    // GIVEN a rule file with a broken query over the HTTP counter and a dashboard that is not JSON
    fs.mkdirSync(at('broken-rules'));
    fs.mkdirSync(at('broken-dashboards'));
    fs.copyFileSync(at('rules', 'http.rules.yaml'), at('broken-rules', 'http.rules.yaml'));
    fs.writeFileSync(
      at('broken-rules', 'broken.yaml'),
      'groups:\n  - name: b\n    rules:\n      - record: broken\n        expr: sum by (job (rate(http_requests_total[5m]))\n',
    );
    fs.writeFileSync(at('broken-dashboards', 'nodes.json'), '{ "panels": [ { "targets": [ { "expr": "sum(rate(node_cpu_seconds_total[5m]))" } ] ');
    // WHEN recommending
    const { code, stdout } = await runPhoenix([
      'recommend',
      '--snapshot',
      at('snapshot.prom'),
      '--rules',
      at('broken-rules'),
      '--dashboards',
      at('broken-dashboards'),
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { problems: string[]; metrics: Array<{ metric: string; recommended: boolean; reason: string }> };
    // THEN both are listed with file:line:column and the metrics they name stay as they are
    expect(report.problems.some((p) => /broken-rules\/broken\.yaml:5:\d+: /.test(p))).toBe(true);
    expect(report.problems.some((p) => /broken-dashboards\/nodes\.json:\d+:\d+: /.test(p))).toBe(true);
    const byName = new Map(report.metrics.map((m) => [m.metric, m]));
    expect(byName.get('http_requests_total')).toMatchObject({
      recommended: false,
      reason: expect.stringMatching(/broken\.yaml:5:\d+, which could not be analysed/),
    });
    expect(byName.get('node_cpu_seconds_total')).toMatchObject({
      recommended: false,
      reason: expect.stringMatching(/nodes\.json, which could not be analysed/),
    });
    expect(byName.get('http_server_request_duration_seconds')).toMatchObject({ recommended: true });
  });

  it('fails when the snapshot holds no series', async () => {
    fs.writeFileSync(at('empty.prom'), '# nothing scraped\n');
    const { code, stderr } = await runPhoenix(['recommend', '--snapshot', at('empty.prom'), ...sources]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/phoenix: error: the snapshot from .*empty\.prom holds no series/);
  });

  it('fails when Prometheus does not answer', async () => {
    const port = await freePort();
    const { code, stderr } = await runPhoenix(['recommend', '--prometheus', `http://127.0.0.1:${port}`, ...sources]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/phoenix: error: .*127\.0\.0\.1/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('fails when the output file exists, and overwrites it with --force', async () => {
    const output = at('experiments', 'existing.ts');
    fs.writeFileSync(output, '// mine\n');
    const refused = await runPhoenix(['recommend', '--snapshot', at('snapshot.prom'), ...sources, '-o', output]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/existing\.ts exists: pass --force to overwrite it/);
    expect(fs.readFileSync(output, 'utf8')).toBe('// mine\n');
    const forced = await runPhoenix(['recommend', '--snapshot', at('snapshot.prom'), ...sources, '-o', output, '--force']);
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(output, 'utf8')).toMatch(/name: "existing"/);
  });

  it('fails when no query source is given, or the output is not a .ts file named as a DNS label', async () => {
    expect((await runPhoenix(['recommend', '--snapshot', at('snapshot.prom')])).stderr).toMatch(/give --rules DIR and\/or --dashboards DIR/);
    expect((await runPhoenix(['recommend', '--snapshot', at('snapshot.prom'), ...sources, '-o', at('x.yaml')])).stderr).toMatch(/give a file ending in \.ts/);
    expect((await runPhoenix(['recommend', '--snapshot', at('snapshot.prom'), ...sources, '-o', at('Bad_Name.ts')])).code).toBe(2);
  });

  it('prints the table with every reason, writes nothing and exits 0 when nothing is worth a change (redis mixin dashboard)', async () => {
    // GIVEN the redis mixin's dashboard and a snapshot whose series carry only labels its queries read
    const corpus = path.resolve(__dirname, '../fixtures/corpora/redis');
    const snapshot = at('redis.prom');
    fs.writeFileSync(
      snapshot,
      [
        '# TYPE redis_instance_info gauge',
        'redis_instance_info{cluster="c",namespace="n",role="master",job="redis",instance="r-0"} 1',
        '# TYPE redis_uptime_in_seconds gauge',
        'redis_uptime_in_seconds{job="redis",instance="r-0"} 100',
        '',
      ].join('\n'),
    );
    const output = at('experiments', 'redis-nothing.ts');
    // WHEN recommending with -o
    const { code, stdout, stderr } = await runPhoenix([
      'recommend',
      '--snapshot',
      snapshot,
      '--rules',
      path.join(corpus, 'rules'),
      '--dashboards',
      path.join(corpus, 'dashboards'),
      '-o',
      output,
    ]);
    // THEN the table and the reason per family are printed, nothing is written, and the exit code is 0 (2 is for bad input)
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^series 2 → 2/);
    expect(stdout).toMatch(/redis_instance_info: the queries read every label it has\n {2}read by .*redis_overview\.json/);
    expect(stdout).toMatch(/redis_uptime_in_seconds: no query reads it/);
    expect(stdout).toMatch(/nothing written to .*redis-nothing\.ts: no metric has a recommended change/);
    expect(fs.existsSync(output)).toBe(false);
  });

  it('renders markdown with the ranked table', async () => {
    const { code, stdout } = await runPhoenix(['recommend', '--snapshot', at('snapshot.prom'), ...sources, '--format', 'markdown']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| `http_server_request_duration_seconds` \| 1,296 \| 18 \|/);
    expect(stdout).toMatch(/\| `app_cache_entries` \| 12 \| 12 \|.*untouched/);
  });
});

describe('phoenix recommend --prometheus', { timeout: 120_000 }, () => {
  let prometheus: TestPrometheus;
  beforeAll(async () => {
    // GIVEN a Prometheus holding the scenario's HTTP counters and node CPU seen in the last minutes (no metadata: backfilled)
    const now = Math.floor(Date.now() / 1000);
    const scenario = generateScenario();
    const series: BackfillSeries[] = scenario.series
      .filter((s) => s.name === 'http_requests_total' || s.name === 'node_cpu_seconds_total')
      .map((s) => ({
        name: s.name,
        labels: s.labels,
        samples: [
          [now - 180, 1],
          [now - 120, 2],
        ],
      }));
    prometheus = await startPrometheus({ openMetrics: toOpenMetrics(series) });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reads the active series from the API and recommends, reading untyped *_total families as counters', async () => {
    const { code, stdout, stderr } = await runPhoenix(['recommend', '--prometheus', prometheus.url, ...sources, '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      seriesBefore: number;
      metrics: Array<{ metric: string; recommended: boolean; seriesBefore: number; seriesAfter: number; deltaConversion: boolean }>;
    };
    expect(report.seriesBefore).toBe(216 + 32);
    expect(report.metrics.find((m) => m.metric === 'http_requests_total')).toMatchObject({
      recommended: true,
      seriesBefore: 216,
      seriesAfter: 12,
      deltaConversion: true,
    });
    expect(report.metrics.find((m) => m.metric === 'node_cpu_seconds_total')).toMatchObject({ recommended: true, seriesAfter: 8 });
  });
});
