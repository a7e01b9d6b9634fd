import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A throw-away git repository for review tests (a real `git`, in a temp dir). */
export class GitFixture {
  private constructor(readonly dir: string) {}

  /** A fresh repository on branch `main`. */
  static create(prefix = 'phoenix-review-'): GitFixture {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const fixture = new GitFixture(dir);
    fixture.git('init', '--quiet', '--initial-branch=main');
    fixture.git('config', 'user.email', 'test@example.com');
    fixture.git('config', 'user.name', 'Test');
    fixture.git('config', 'commit.gpgsign', 'false');
    return fixture;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8' }).trim();
  }

  /** Writes files (path → text; `null` deletes) and commits them; returns the commit. */
  commit(files: Record<string, string | null>, message = 'change'): string {
    for (const [file, text] of Object.entries(files)) {
      const target = path.join(this.dir, file);
      if (text === null) fs.rmSync(target, { force: true });
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
      }
    }
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** Creates a bare clone to serve as a remote (`file://` URL). */
  bareClone(): { dir: string; url: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-remote-'));
    execFileSync('git', ['clone', '--quiet', '--bare', this.dir, dir]);
    return { dir, url: `file://${dir}` };
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A small synthesized-looking tree: one experiment in prod with a collector ConfigMap and a Secret. */
export function baseTree(secretValue = 'hunter2-base-secret'): Record<string, string> {
  return {
    'gitops/clusters/prod/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../experiments/prod\n',
    'gitops/experiments/prod/drop-pod-labels/configmap-collector.yaml': collectorConfigMap(['pod', 'instance']),
    'gitops/experiments/prod/drop-pod-labels/secret-remote-write.yaml': secret(secretValue),
    'gitops/experiments/prod/drop-pod-labels/service-collector.yaml': service(),
    'gitops/experiments/prod/drop-pod-labels/configmap-drop-pod-labels-phoenix-experiment.yaml': manifest('prod'),
  };
}

export function collectorConfigMap(dropped: string[]): string {
  const actions = dropped.flatMap((key) => [`          - key: ${key}`, '            action: delete']);
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: collector',
    '  namespace: observability',
    '  labels:',
    '    phoenix.dev/experiment: drop-pod-labels',
    'data:',
    '  collector.yaml: |',
    '    processors:',
    '      attributes/drop:',
    '        actions:',
    ...actions,
    '',
  ].join('\n');
}

export function secret(value: string): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: remote-write\n  namespace: observability\n  labels:\n    phoenix.dev/experiment: drop-pod-labels\nstringData:\n  password: ${value}\n  username: phoenix\n`;
}

export function service(): string {
  return 'apiVersion: v1\nkind: Service\nmetadata:\n  name: collector\n  namespace: observability\n  labels:\n    phoenix.dev/experiment: drop-pod-labels\nspec:\n  ports:\n    - port: 4317\n';
}

/** The experiment manifest ConfigMap the generator writes beside the collector (guardrails included). */
export function manifest(environment: string): string {
  const json = JSON.stringify(
    {
      manifestVersion: 1,
      name: 'drop-pod-labels',
      environment,
      phase: 'running',
      collector: { name: 'collector', namespace: 'observability', productionPipeline: 'metrics' },
      variants: [],
      promotion: {},
      guardrails: {
        queries: [
          { name: 'p99 latency', expr: 'histogram_quantile(0.99, sum by (le, pod) (rate(http_server_request_duration_seconds_bucket[5m])))' },
          { name: 'error ratio', expr: 'sum(rate(errors_total[5m]))' },
        ],
      },
    },
    null,
    2,
  );
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: drop-pod-labels-phoenix-experiment\n  namespace: observability\n  labels:\n    phoenix.dev/experiment: drop-pod-labels\n    phoenix.dev/experiment-manifest: 'true'\ndata:\n  experiment.json: |\n${json.replace(/^/gm, '    ')}\n`;
}
