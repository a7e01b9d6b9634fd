import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runPhoenix } from '../support/run-phoenix';
import { freePort, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';

const root = path.join(__dirname, '..', '..');
const snapshot = path.join(root, 'experiments', 'snapshots', 'example.prom');

// Loading the experiments compiles TypeScript on first use: slow on a busy machine.
describe('phoenix estimate', { timeout: 120_000 }, () => {
  it('estimates every example experiment from the shipped snapshot (json)', async () => {
    // GIVEN the example snapshot and experiments WHEN estimating for prod as JSON
    const { code, stdout } = await runPhoenix([
      'estimate',
      '--snapshot',
      snapshot,
      '--env',
      'prod',
      '--format',
      'json',
      '--experiments',
      path.join(root, 'experiments'),
    ]);
    // THEN it exits 1: the deliberately harmful route-only candidate changes a guardrail's answer
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    // THEN each experiment has its candidates with series, money as exact decimals and verdicts
    const http = report.experiments.find((e: { experiment: string }) => e.experiment === 'http-server-histograms');
    const routeOnly = http.candidates.find((c: { variant: string }) => c.variant === 'route-only');
    expect(routeOnly).toMatchObject({ seriesBefore: 2016, seriesAfter: 336, estimated: true, costPerMonthBefore: { amount: '13.104', currency: 'USD' } });
    const changed = routeOnly.guardrails.filter((g: { status: string }) => g.status === 'changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      metric: 'http_server_request_duration_seconds_count',
      label: 'http_response_status_code',
      source: expect.stringMatching(/checkout-slo\.rules\.yaml:7/),
    });
    const routeStatus = http.candidates.find((c: { variant: string }) => c.variant === 'route-status');
    expect(routeStatus.guardrails.every((g: { status: string }) => g.status === 'unchanged')).toBe(true);
    expect(http.shadowCostPerMonth).toEqual({ amount: '21.84', currency: 'USD' });
  });

  it('runs end to end through bin/phoenix', () => {
    const result = spawnSync(path.join(root, 'bin', 'phoenix'), ['estimate', '--snapshot', snapshot, '--experiment', 'node-cpu-by-mode'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/candidate by-mode: 192 → 24 series/);
  }, 180_000); // a cold tsx start on a busy machine

  it('exits 0 when no candidate changes a guardrail, and with --fail-on never even when one does', async () => {
    const dir = path.join(root, 'experiments');
    expect((await runPhoenix(['estimate', '--snapshot', snapshot, '--experiment', 'node-cpu-by-mode', '--experiments', dir])).code).toBe(0);
    expect((await runPhoenix(['estimate', '--snapshot', snapshot, '--experiment', 'http-server-histograms', '--experiments', dir])).code).toBe(1);
    expect(
      (await runPhoenix(['estimate', '--snapshot', snapshot, '--experiment', 'http-server-histograms', '--fail-on', 'never', '--experiments', dir])).code,
    ).toBe(0);
    expect((await runPhoenix(['estimate', '--snapshot', snapshot, '--fail-on', 'sometimes', '--experiments', dir])).code).toBe(2);
  });

  it('renders markdown for one experiment', async () => {
    const { code, stdout } = await runPhoenix([
      'estimate',
      '--snapshot',
      snapshot,
      '--experiment',
      'unused-runtime-metrics',
      '--format',
      'markdown',
      '--experiments',
      path.join(root, 'experiments'),
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/#### unused-runtime-metrics/);
    expect(stdout).toMatch(/\| drop-all \| 0 \| 0 \| USD 0\.00 \| USD 0\.21 \(100%\) \| 0 unchanged, 2 changed, 0 unknown \|/);
    expect(stdout).not.toMatch(/node-cpu-by-mode/);
  });

  it('writes the report to --output', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'phoenix-estimate-'));
    try {
      const file = path.join(dir, 'estimate.md');
      const { code, stdout } = await runPhoenix([
        'estimate',
        '--snapshot',
        snapshot,
        '--experiment',
        'node-cpu-by-mode',
        '--format',
        'markdown',
        '-o',
        file,
        '--experiments',
        path.join(root, 'experiments'),
      ]);
      expect(code).toBe(0);
      expect(stdout).toBe('');
      expect(readFileSync(file, 'utf8')).toMatch(/#### node-cpu-by-mode/);
      expect(
        (await runPhoenix(['estimate', '--snapshot', snapshot, '-o', path.join(dir, 'missing', 'x.md'), '--experiments', path.join(root, 'experiments')]))
          .stderr,
      ).toMatch(/cannot write .*x\.md/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when neither or both sources are given, with exit 2', async () => {
    expect((await runPhoenix(['estimate'])).stderr).toMatch(/give exactly one of --snapshot FILE or --prometheus URL/);
    expect((await runPhoenix(['estimate', '--snapshot', snapshot, '--prometheus', 'http://127.0.0.1:9'])).code).toBe(2);
  });

  it('fails when the snapshot file is missing or malformed, the experiment or env unknown', async () => {
    const missing = await runPhoenix(['estimate', '--snapshot', '/nonexistent.prom']);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/snapshot file \/nonexistent\.prom does not exist/) });
    const unknown = await runPhoenix(['estimate', '--snapshot', snapshot, '--experiment', 'nope', '--experiments', path.join(root, 'experiments')]);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown --experiment 'nope': known experiments: .*node-cpu-by-mode/) });
    expect((await runPhoenix(['estimate', '--snapshot', snapshot, '--env', 'mars'])).stderr).toMatch(/unknown --env 'mars'/);
    const bad = path.join(root, 'package.json');
    expect((await runPhoenix(['estimate', '--snapshot', bad])).stderr).toMatch(/package\.json:1:1: expected a metric name/);
  });

  it('fails when Prometheus does not answer, with exit 2 and no stack trace', async () => {
    const port = await freePort();
    const result = await runPhoenix(['estimate', '--prometheus', `http://127.0.0.1:${port}`, '--experiments', path.join(root, 'experiments')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('phoenix estimate --prometheus', () => {
  let prometheus: TestPrometheus;
  beforeAll(async () => {
    // GIVEN a Prometheus holding node-exporter CPU series seen in the last few minutes
    const now = Math.floor(Date.now() / 1000);
    const series: BackfillSeries[] = [];
    for (let node = 0; node < 2; node++)
      for (let cpu = 0; cpu < 4; cpu++)
        for (const mode of ['idle', 'user', 'system'])
          series.push({
            name: 'node_cpu_seconds_total',
            labels: { job: 'node-exporter', instance: `n${node}:9100`, cpu: String(cpu), mode },
            samples: [
              [now - 240, 1],
              [now - 180, 2],
              [now - 120, 3],
            ],
          });
    prometheus = await startPrometheus({ openMetrics: toOpenMetrics(series, { node_cpu_seconds: 'counter' }) });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reads the active series from the API and estimates the experiment', async () => {
    const { code, stdout, stderr } = await runPhoenix([
      'estimate',
      '--prometheus',
      prometheus.url,
      '--experiment',
      'node-cpu-by-mode',
      '--format',
      'json',
      '--experiments',
      path.join(root, 'experiments'),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [experiment] = JSON.parse(stdout).experiments;
    expect(experiment.candidates[0]).toMatchObject({ variant: 'by-mode', seriesBefore: 24, seriesAfter: 6 });
  });
});
