import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../analysis/decide/types';
import { ConfigRepo } from '../../../clients/git/config-repo';
import { createGitHubClient, type GitHubClient } from '../../../clients/github/octokit';
import { LeaseElector } from '../../../clients/kubernetes/lease-elector';
import { FakeGitHub, seedConfigRepo, syncingFetch } from '../../../test/support/fake-github';
import { FakeKubeApi } from '../../../test/support/fake-kube-api';
import { actuateDecisions, type ActuateOptions } from './actuate-decisions';

const identity = { name: 'Phoenix', email: 'phoenix@example.invalid' };
const silent = { info: () => undefined, warn: () => undefined };

function decision(overrides: Partial<Decision>): Decision {
  return {
    experiment: 'drop-pod-labels',
    environment: 'dev',
    variant: 'no-pod',
    specHash: 'abc',
    phase: 'running',
    action: 'none',
    verdict: 'pass',
    standing: 'pass',
    reason: 'three passing windows',
    savingPercent: 90,
    evidence: {
      queries: [],
      thresholds: {
        consecutivePasses: 3,
        failureLimit: 2,
        minSavingsPercent: 10,
        windowMinutes: 10,
        warmUpMinutes: 5,
        bakeTimeMinutes: 60,
        bytesPerSampleEstimate: 2,
        currency: 'USD',
      },
      deployment: { source: 'kubernetes', current: true },
      measurementStart: null,
      failures: [],
    },
    windows: [],
    decidedAt: '2026-11-25T11:00:00Z',
    ...overrides,
  };
}

describe('actuateDecisions', () => {
  let root: string;
  let remote: string;
  let github: FakeGitHub;
  let kube: FakeKubeApi;
  let client: GitHubClient;

  beforeEach(async () => {
    // GIVEN a config repo with one running experiment, GitHub and the Kubernetes API as fakes
    root = await mkdtemp(path.join(tmpdir(), 'phoenix-actuate-'));
    ({ remote } = seedConfigRepo(root));
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'acme', name: 'config' });
    kube = new FakeKubeApi();
    await kube.start();
    client = createGitHubClient({
      auth: 'test-token',
      baseUrl: github.baseUrl,
      throttle: false,
      retries: 0,
      fetch: syncingFetch(github, 'acme/config', remote),
    });
  });

  afterEach(async () => {
    github.assertValid();
    await github.stop();
    await kube.stop();
    await rm(root, { recursive: true, force: true });
  });

  async function watcher(name: string, withLease = true): Promise<ActuateOptions> {
    const repo = await ConfigRepo.open(path.join(root, `work-${name}`), remote);
    const elector = new LeaseElector({
      api: kube.kubeConfig().makeApiClient(CoordinationV1Api),
      namespace: 'phoenix-system',
      identity: name,
      leaseDurationSeconds: 60,
    });
    return {
      log: silent,
      isLeader: withLease ? () => elector.tryAcquire() : undefined,
      contextFor: () => ({ repo, github: client, owner: 'acme', repoName: 'config', identity }),
    };
  }

  it('lets only the Lease holder act when two watchers decide the same promotion', async () => {
    const [a, b] = await Promise.all([watcher('watcher-a'), watcher('watcher-b')]);
    const promote = [decision({ action: 'promote' })];
    const results = await Promise.all([actuateDecisions(promote, a), actuateDecisions(promote, b)]);
    expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    expect(github.calls('pulls/create')).toHaveLength(1);
    expect(github.repo('acme/config').pulls).toHaveLength(1);
  });

  it('never acts on paused experiments or on a decision without action', async () => {
    const options = await watcher('solo', false);
    const results = await actuateDecisions([decision({ action: 'promote', phase: 'paused' }), decision({ action: 'none', standing: 'inconclusive' })], options);
    expect(results).toEqual([]);
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('closes the open promotion when the standing verdict turns to fail', async () => {
    const options = await watcher('solo', false);
    await actuateDecisions([decision({ action: 'promote' })], options);
    const results = await actuateDecisions([decision({ action: 'none', verdict: 'fail', standing: 'fail', reason: 'p99 latency changed' })], options);
    expect(results).toMatchObject([{ action: 'close-stale-promote', closedPull: 1 }]);
    expect(github.repo('acme/config').pulls[0].state).toBe('closed');
  });

  it('reports a failed proposal and carries on with the next decision', async () => {
    const options = await watcher('solo', false);
    github.failNext('pulls/create', { status: 502, applied: false });
    const results = await actuateDecisions(
      [
        decision({ action: 'rollback', variant: 'a', experiment: 'drop-pod-labels' }),
        decision({ action: 'rollback', environment: 'dev', experiment: 'other' }),
      ],
      options,
    );
    expect(results[0].error).toMatch(/Server Error/);
    expect(results[1].outcome?.status).toBe('opened');
  });

  it('fails the whole step when the Kubernetes API cannot say who leads', async () => {
    const options = await watcher('solo');
    kube.failWith = 503;
    await expect(actuateDecisions([decision({ action: 'promote' })], options)).rejects.toThrow();
    expect(github.repo('acme/config').pulls).toHaveLength(0);
  });
});
