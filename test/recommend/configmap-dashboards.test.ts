/**
 * Dashboards shipped inside ConfigMaps (kube-prometheus-stack, rendered): `phoenix recommend` does
 * not read them, and says so instead of reading the folder as holding no dashboard (ADR 0195).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfigMapDashboards } from '../../analysis/promql';
import { runPhoenix } from '../support/run-phoenix';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'dashboard-configmaps', 'k8s-resources-nodes-overview.yaml');
const REPO = path.resolve(__dirname, '..', '..');
const SNAPSHOT = path.join(REPO, 'experiments', 'snapshots', 'example.prom');

describe('Grafana dashboards in ConfigMaps', () => {
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-configmap-dashboards-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds the dashboard of the rendered kube-prometheus-stack ConfigMap at its data key', () => {
    const keyLine = text.split('\n').findIndex((line) => line === '  k8s-resources-nodes-overview.json: |-') + 1;
    expect(keyLine).toBeGreaterThan(0);
    expect(findConfigMapDashboards('cm.yaml', text)).toEqual([
      {
        file: 'cm.yaml',
        line: keyLine,
        column: 3,
        configMap: 'monitoring/kps-kube-prometheus-stack-k8s-resources-nodes-overview',
        key: 'k8s-resources-nodes-overview.json',
      },
    ]);
  });

  it('finds none in a ConfigMap whose data is not a dashboard', () => {
    const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  settings.json: \'{"a": 1}\'\n  relay.yaml: "receivers: {}"\n';
    expect(findConfigMapDashboards('other.yaml', other)).toEqual([]);
  });

  it('phoenix recommend refuses a dashboards folder of such ConfigMaps (exit 2, file:line), and reads the extracted JSON', async () => {
    const yamlDir = path.join(root, 'dashboards-yaml');
    const jsonDir = path.join(root, 'dashboards-json');
    fs.mkdirSync(yamlDir);
    fs.mkdirSync(jsonDir);
    fs.copyFileSync(FIXTURE, path.join(yamlDir, 'k8s-resources-nodes-overview.yaml'));
    const [dashboard] = /^ {2}k8s-resources-nodes-overview\.json: \|-\n {4}(.*)$/m.exec(text)!.slice(1);
    fs.writeFileSync(path.join(jsonDir, 'k8s-resources-nodes-overview.json'), dashboard!);

    const refused = await runPhoenix(['recommend', '--snapshot', SNAPSHOT, '--dashboards', yamlDir], REPO);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds Grafana dashboards inside ConfigMaps, which Phoenix does not read/);
    expect(refused.stderr).toMatch(
      /k8s-resources-nodes-overview\.yaml:22:3: ConfigMap monitoring\/kps-kube-prometheus-stack-k8s-resources-nodes-overview holds dashboard k8s-resources-nodes-overview\.json/,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    const read = await runPhoenix(['recommend', '--snapshot', SNAPSHOT, '--dashboards', jsonDir, '--format', 'json'], REPO);
    expect(read.code).toBe(0);
    const report = JSON.parse(read.stdout) as { queriesAnalysed: number; problems: unknown[] };
    expect(report.queriesAnalysed).toBeGreaterThan(0);
    expect(report.problems).toEqual([]);
  });
});
