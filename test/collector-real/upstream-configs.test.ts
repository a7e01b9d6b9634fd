/**
 * `phoenix check --collector` on upstream collector configs (test/fixtures/collector-configs): what
 * the pinned collector refuses is reported in its own words, whole, at the component it names.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorBinary } from '../support/collector';
import { runPhoenix } from '../support/run-phoenix';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'collector-configs');

describe('collector/loads on upstream configs', { timeout: 120_000 }, () => {
  let root: string;
  let binary: string;
  beforeAll(() => {
    binary = collectorBinary();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-upstream-configs-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const loads = async (file: string) => {
    const run = await runPhoenix(['check', '--collector', binary, file, '--format', 'json', '--repo-root', root], root);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    return {
      code: run.code,
      findings: (JSON.parse(run.stdout).findings as Array<{ ruleId: string; message: string; line: number }>).filter((f) => f.ruleId === 'collector/loads'),
    };
  };

  it("names the receiver the collector does not build in, at its line (the Helm chart's default config)", async () => {
    // GIVEN the opentelemetry-collector chart's rendered default ConfigMap (jaeger and zipkin receivers)
    const file = path.join(FIXTURES, 'helm-deployment-only-configmap.yaml');
    const lineOf = (id: string) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l === `      ${id}:`) + 1;
    // WHEN checked with the pinned collector
    const { code, findings } = await loads(file);
    // THEN the finding holds the collector's reason, not only its "following error(s):" header; the
    // collector names the first unknown receiver it meets, jaeger or zipkin (its map order varies)
    expect(code).toBe(1);
    expect(findings).toHaveLength(1);
    const id = /unknown type: "(jaeger|zipkin)" for id: "\1" \(valid values: \[/.exec(findings[0]!.message)?.[1];
    expect(findings[0]!.message).toMatch(/^the collector refuses this config: 'receivers' unknown type: /);
    expect(id).toBeDefined();
    expect(findings[0]!.line).toBe(lineOf(id!));
  });

  it('keeps the reason the decoder puts on the lines after a component', async () => {
    const file = path.join(root, 'otelcol.yaml');
    fs.writeFileSync(
      file,
      `receivers: {otlp: {protocols: {grpc: {endpoint: "127.0.0.1:4317"}}}}
processors:
  batch:
    bogus: 1
exporters: {debug: {}}
service:
  pipelines:
    metrics: {receivers: [otlp], processors: [batch], exporters: [debug]}
`,
    );
    const { findings } = await loads(file);
    expect(findings).toEqual([
      expect.objectContaining({
        line: 3,
        message: expect.stringMatching(/'processors' error reading configuration for "batch": .*'batchprocessor\.Config' has invalid keys: bogus$/),
      }),
    ]);
  });
});
