/**
 * `phoenix check --collector`: the pinned collector validates every collector config (rule
 * `collector/loads`). The generated tree and what `phoenix recommend` writes load; configs the
 * schemas accept but the collector refuses fail in the collector's own words; a wrong, missing or
 * hanging binary is a clear line.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorBinary } from '../support/collector';
import { runPhoenix } from '../support/run-phoenix';

const repoRoot = path.resolve(__dirname, '..', '..');

const REFUSED = `receivers: {otlp: {protocols: {grpc: {endpoint: "127.0.0.1:4317"}}}}
processors:
  memory_limiter: {check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 20}
  transform/unknown-function:
    metric_statements:
      - context: datapoint
        statements: ['no_such_function(attributes["a"])']
  transform/wrong-context:
    metric_statements:
      - context: resource
        statements: ['set(metric.name, "x")']
  filter/bad-regexp:
    metrics:
      metric: ['IsMatch(name, "(")']
  batch: {}
exporters: {debug: {}}
extensions: {health_check: {}}
service:
  extensions: [health_check]
  pipelines:
    metrics: {receivers: [otlp], processors: [memory_limiter, transform/unknown-function, transform/wrong-context, filter/bad-regexp, batch], exporters: [debug]}
`;

describe('phoenix check --collector (rule collector/loads)', { timeout: 300_000 }, () => {
  let root: string;
  let binary: string;
  beforeAll(() => {
    binary = collectorBinary();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-loads-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const fakeCollector = (name: string, script: string): string => {
    const file = path.join(root, name);
    fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return file;
  };

  it('passes on the generated tree: the real collector loads every synthesized config', async () => {
    const run = await runPhoenix(['check', '--collector', binary, 'gitops', '--format', 'json'], repoRoot);
    const findings = JSON.parse(run.stdout).findings as Array<{ ruleId: string; message: string }>;
    expect(findings.filter((f) => f.ruleId === 'collector/loads')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it("fails configs the schemas accept but the collector refuses, in the collector's words, at the component", async () => {
    const dir = path.join(root, 'refused');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'otelcol.yaml'), REFUSED);
    const run = await runPhoenix(['check', '--collector', binary, dir, '--format', 'json', '--repo-root', root], root);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout).findings as Array<{ ruleId: string; message: string; line: number }>;
    // the schemas alone accept it
    expect(findings.filter((f) => f.ruleId === 'schema/collector-config' && /error/.test(f.message))).toEqual([]);
    const loads = findings.filter((f) => f.ruleId === 'collector/loads');
    expect(loads.find((f) => f.message.includes('transform/unknown-function'))).toMatchObject({
      line: 4,
      message: expect.stringMatching(/undefined function "no_such_function"/),
    });
    expect(loads.find((f) => f.message.includes('transform/wrong-context'))).toMatchObject({ line: 8 });
    expect(loads.find((f) => f.message.includes('filter/bad-regexp'))).toMatchObject({ line: 12, message: expect.stringMatching(/error parsing regexp/) });
  });

  it('validates what phoenix recommend writes, once synthesized', () => {
    const clone = path.join(root, 'repo');
    execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    const phoenix = (...args: string[]) =>
      execFileSync(path.join(clone, 'bin', 'phoenix'), args, { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    phoenix(
      'recommend',
      '--snapshot',
      'experiments/snapshots/example.prom',
      '--rules',
      'experiments/guardrails',
      '--baseline',
      'experiments/baselines/node-exporter.yaml',
      '-o',
      'experiments/recommended.ts',
    );
    phoenix('synth');
    const recommended = fs
      .readdirSync(path.join(clone, 'gitops', 'experiments', 'dev'))
      .filter((name) => !fs.existsSync(path.join(repoRoot, 'gitops', 'experiments', 'dev', name)));
    expect(recommended).toHaveLength(1);
    const out = JSON.parse(phoenix('check', '--collector', binary, '--fail-on', 'never', '--format', 'json', 'gitops'));
    expect(out.findings.filter((f: { ruleId: string }) => f.ruleId === 'collector/loads')).toEqual([]);
  });

  it('refuses a missing binary and one of another release, with one line naming it (exit 2)', async () => {
    const missing = await runPhoenix(['check', '--collector', path.join(root, 'nope'), 'gitops'], repoRoot);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/collector binary .*nope does not exist or is not executable/);
    const old = fakeCollector('otelcol-old', 'echo "otelcol-contrib version 0.128.0"');
    const other = await runPhoenix(['check', '--collector', old, 'gitops'], repoRoot);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/is release 0\.128\.0; Phoenix targets 0\.161\.0/);
  });

  it('kills a collector that hangs and reports it as a finding', async () => {
    const hanging = fakeCollector('otelcol-hangs', 'if [ "$1" = "--version" ]; then echo "otelcol-phoenix version 0.161.0"; exit 0; fi\nsleep 60');
    const started = Date.now();
    const run = await runPhoenix(
      ['check', '--collector', hanging, '--collector-timeout', '1', 'gitops/experiments/dev/node-cpu-by-mode', '--format', 'json'],
      repoRoot,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout).findings as Array<{ ruleId: string; message: string }>;
    expect(findings).toContainEqual(
      expect.objectContaining({ ruleId: 'collector/loads', message: expect.stringMatching(/did not finish validating within 1 s and was killed/) }),
    );
  });
});
