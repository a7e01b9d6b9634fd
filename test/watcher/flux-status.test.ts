import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FluxKustomizations, FluxStatusError } from '../../clients/kubernetes/flux-kustomizations';
import { CommitStatusFluxReader, octokitCommitStatuses, parseFluxCommitStatuses } from '../../clients/flux-status/commit-statuses';
import { createGitHubClient, type GitHubClient } from '../../clients/github/octokit';
import { FakeKubeApi } from '../support/fake-kube-api';
import { FakeGitHub } from '../support/fake-github';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const HEAD = 'c'.repeat(40);

function kustomization(name: string, experiment: string | undefined, status: Record<string, unknown>, generation = 1) {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name,
      namespace: 'flux-system',
      generation,
      labels: experiment ? { 'phoenix.dev/experiment': experiment, 'app.kubernetes.io/part-of': 'phoenix' } : {},
    },
    spec: { path: `./gitops/experiments/dev/${name}`, interval: '5m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    status,
  };
}

const ready = (revision: string, since = '2026-11-25T10:00:00Z') => ({
  observedGeneration: 1,
  lastAppliedRevision: revision,
  conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${revision}`, lastTransitionTime: since }],
});

describe('Flux status through the Kubernetes API (real @kubernetes/client-node, fake API server)', () => {
  let api: FakeKubeApi;
  beforeEach(async () => {
    api = new FakeKubeApi();
    await api.start();
  });
  afterEach(async () => {
    await api.stop();
  });

  it('lists Phoenix Kustomizations by experiment with Ready, revision and transition time', async () => {
    // GIVEN two experiment Kustomizations (one not ready, one reconciling a newer generation) and an unrelated one
    api.put('kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations', kustomization('http-histograms', 'http-histograms', ready(`main@sha1:${NEW}`)));
    api.put(
      'kustomize.toolkit.fluxcd.io',
      'v1',
      'kustomizations',
      kustomization('node-cpu', 'node-cpu', {
        conditions: [
          { type: 'Ready', status: 'False', reason: 'HealthCheckFailed', message: 'timeout waiting for collector', lastTransitionTime: '2026-11-25T10:00:00Z' },
        ],
      }),
    );
    api.put('kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations', kustomization('runtime', 'runtime', ready(`main@sha1:${OLD}`), 2));
    api.put('kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations', kustomization('infra', undefined, ready(`main@sha1:${OLD}`)));
    // WHEN the watcher reads them
    const byExperiment = await new FluxKustomizations({ kubeConfig: api.kubeConfig() }).byExperiment();
    // THEN each experiment's status is summarised, the unrelated object ignored
    expect([...byExperiment.keys()].sort()).toEqual(['http-histograms', 'node-cpu', 'runtime']);
    expect(byExperiment.get('http-histograms')).toMatchObject({ ready: true, lastAppliedRevision: `main@sha1:${NEW}`, readySince: '2026-11-25T10:00:00.000Z' });
    expect(byExperiment.get('node-cpu')).toMatchObject({ ready: false, message: 'HealthCheckFailed: timeout waiting for collector' });
    expect(byExperiment.get('runtime')!.ready).toBe(false);
    expect(api.requests.filter((r) => r.path.endsWith('/kustomizations'))).toHaveLength(1);
  });

  it('fails with an unavailable error when the API answers 503', async () => {
    api.failWith = 503;
    await expect(new FluxKustomizations({ kubeConfig: api.kubeConfig() }).byExperiment()).rejects.toThrow(FluxStatusError);
    await expect(new FluxKustomizations({ kubeConfig: api.kubeConfig() }).byExperiment()).rejects.toMatchObject({ unavailable: true });
  });

  it('fails when the kubeconfig has no such context', () => {
    expect(() => new FluxKustomizations({ kubeConfig: api.kubeConfig(), context: 'prod' })).toThrow(/no context 'prod'.*fake/);
  });
});

describe('Flux status from commit statuses (fake GitHub validated against the OpenAPI description)', () => {
  let github: FakeGitHub;
  let client: GitHubClient;
  beforeEach(async () => {
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'acme', name: 'metrics-config' });
    github.setRef('acme/metrics-config', 'heads/main', HEAD);
    client = createGitHubClient({ auth: 'flux-token', baseUrl: github.baseUrl, throttle: false, retries: 0 });
  });
  afterEach(async () => {
    github.assertValid();
    await github.stop();
  });

  const post = (sha: string, context: string, state: 'success' | 'failure' | 'pending', description = 'reconciliation succeeded') =>
    client.rest.repos.createCommitStatus({ owner: 'acme', repo: 'metrics-config', sha, state, context, description });

  it('finds the newest commit since the last change that Flux applied, per provider (cluster)', async () => {
    // GIVEN statuses from two clusters: dev applied NEW, prod failed on NEW; HEAD not reconciled yet; CI statuses around
    await post(OLD, 'kustomization/http-histograms/a1b2c3d4', 'success');
    await post(NEW, 'kustomization/http-histograms/a1b2c3d4', 'success');
    await post(NEW, 'kustomization/http-histograms/ffff0000', 'failure', 'health check failed');
    await post(NEW, 'ci/build', 'success');
    // WHEN each environment reads its status over HEAD → NEW (the experiment's last change)
    const list = octokitCommitStatuses(client, 'acme', 'metrics-config');
    const dev = await new CommitStatusFluxReader(list, 'a1b2c3d4').statusOf('http-histograms', [HEAD, NEW]);
    const prod = await new CommitStatusFluxReader(list, 'ffff0000').statusOf('http-histograms', [HEAD, NEW]);
    const other = await new CommitStatusFluxReader(list, 'a1b2c3d4').statusOf('node-cpu', [HEAD, NEW]);
    // THEN dev runs NEW, prod is not ready, the other experiment has no status
    expect(dev).toMatchObject({ found: true, ready: true, lastAppliedRevision: `sha1:${NEW}` });
    expect(dev.readySince).toMatch(/^\d{4}-/);
    expect(prod).toMatchObject({ found: true, ready: false });
    expect(prod.message).toMatch(/failure.*health check failed/);
    expect(other).toMatchObject({ found: false, ready: false });
  });

  it('keeps the newest status per context and ignores other contexts', () => {
    const parsed = parseFluxCommitStatuses([
      { context: 'kustomization/x/abc', state: 'success', created_at: '2026-11-25T10:05:00Z' },
      { context: 'kustomization/x/abc', state: 'failure', created_at: '2026-11-25T10:00:00Z' },
      { context: 'ci/test', state: 'success', created_at: '2026-11-25T10:00:00Z' },
      { context: 'kustomization/Bad_Name/abc', state: 'success', created_at: '2026-11-25T10:00:00Z' },
    ]);
    expect(parsed).toEqual([{ kustomization: 'x', providerUid: 'abc', state: 'success', at: '2026-11-25T10:05:00Z', description: '' }]);
  });
});
