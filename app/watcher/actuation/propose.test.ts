import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../analysis/decide/types';
import { ConfigRepo } from '../../../clients/git/config-repo';
import { createGitHubClient, type GitHubClient } from '../../../clients/github/octokit';
import { parseExperimentState } from '../../../constructs/experiment/state';
import { FakeGitHub, seedConfigRepo, syncingFetch } from '../../../test/support/fake-github';
import { proposalFromDecision, type Proposal } from './proposal';
import { closeStaleProposal, proposeChange, type ProposeContext } from './propose';

const identity = { name: 'Phoenix', email: 'phoenix@example.invalid' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Alice',
      GIT_AUTHOR_EMAIL: 'alice@example.invalid',
      GIT_COMMITTER_NAME: 'Alice',
      GIT_COMMITTER_EMAIL: 'alice@example.invalid',
    },
  }).trim();
}

function window(start: number, baseline: number, candidate: number) {
  const cost = (series: number) => ({
    activeSeries: series,
    samplesPerSecond: series / 60,
    estimatedBytesPerMonth: (series * 86400 * 30 * 2) / 60,
    monthlyCost: (series * 0.0065).toFixed(2),
  });
  return {
    start,
    end: start + 600,
    verdict: 'pass' as const,
    checks: [],
    baselineCost: cost(baseline),
    candidateCost: cost(candidate),
    savingPercent: (1 - candidate / baseline) * 100,
    savingSufficient: true,
    hardFailure: false,
  };
}

function decision(action: 'promote' | 'rollback', overrides: Partial<Decision> = {}): Decision {
  return {
    experiment: 'drop-pod-labels',
    environment: 'dev',
    variant: 'no-pod',
    specHash: 'abc',
    phase: 'running',
    action,
    verdict: 'pass',
    standing: 'pass',
    reason: '3 consecutive passing windows saving 90% of series',
    savingPercent: 90,
    evidence: {
      queries: ['count by (phoenix_experiment, phoenix_variant) ({phoenix_experiment!=""})', 'sum(rate(http_requests_total{phoenix_variant="no-pod"}[5m]))'],
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
      deployment: { source: 'kubernetes', current: true, revision: 'main@sha1:0a1b' },
      measurementStart: '2026-11-25T10:05:00Z',
      failures: [],
    },
    windows: [window(1_764_064_800, 120_000, 12_000), window(1_764_065_400, 120_000, 12_000), window(1_764_066_000, 121_000, 12_100)],
    decidedAt: '2026-11-25T11:00:00Z',
    ...overrides,
  };
}

describe('proposeChange', () => {
  let root: string;
  let remote: string;
  let seed: string;
  let github: FakeGitHub;
  let client: GitHubClient;

  async function context(overrides: Partial<ProposeContext> = {}): Promise<ProposeContext> {
    const repo = await ConfigRepo.open(path.join(root, `work-${Math.random().toString(36).slice(2)}`), remote);
    return { repo, github: client, owner: 'acme', repoName: 'config', identity, ...overrides };
  }

  function proposal(action: 'promote' | 'rollback' = 'promote'): Proposal {
    return proposalFromDecision(decision(action))!;
  }

  beforeEach(async () => {
    // GIVEN a config repo whose experiment runs in dev, hosted on a GitHub fake
    root = await mkdtemp(path.join(tmpdir(), 'phoenix-propose-'));
    ({ remote, seed } = seedConfigRepo(root));
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'acme', name: 'config' });
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
    await rm(root, { recursive: true, force: true });
  });

  it('opens one labelled pull request that changes the state and adds the decision record', async () => {
    const outcome = await proposeChange(proposal(), await context());
    expect(outcome.status).toBe('opened');
    const pulls = github.repo('acme/config').pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0].title).toBe('promote drop-pod-labels/no-pod in dev: −90% series, −703.95 USD/month');
    expect(pulls[0].body).toContain('```mermaid\nxychart-beta');
    expect(pulls[0].body).toContain('| window (UTC) | verdict |');
    expect([...github.repo('acme/config').labels]).toEqual(expect.arrayContaining(['phoenix', 'phoenix/promote', 'env/dev']));
    // THEN the branch's state file says promoted, with the frozen saving, and the record is beside it
    const state = parseExperimentState(git(remote, 'show', 'phoenix/promote/drop-pod-labels/dev:experiments/drop-pod-labels.state.yaml'), 'state');
    expect(state.environments.dev).toMatchObject({
      phase: 'promoted',
      variant: 'no-pod',
      frozenSaving: { seriesBefore: 120333, seriesAfter: 12033, currency: 'USD' },
    });
    const record = JSON.parse(git(remote, 'show', `phoenix/promote/drop-pod-labels/dev:${state.environments.dev.decisionRecord}`));
    expect(record.decision.evidence.queries).toHaveLength(2);
    expect(pulls[0].body).toContain('CI must re-synthesize');
  });

  it('leaves one pull request when a restarted watcher proposes the same decision again', async () => {
    await proposeChange(proposal(), await context());
    const again = await proposeChange(proposal(), await context());
    expect(again.status).toBe('unchanged');
    expect(github.calls('pulls/create')).toHaveLength(1);
    expect(github.repo('acme/config').pulls).toHaveLength(1);
  });

  for (const step of ['committed', 'pushed', 'pull-request-created'] as const) {
    it(`ends with exactly one pull request when the watcher dies after "${step}"`, async () => {
      const crash = new Error(`killed after ${step}`);
      await expect(
        proposeChange(
          proposal(),
          await context({
            afterStep: (s) => {
              if (s === step) throw crash;
            },
          }),
        ),
      ).rejects.toBe(crash);
      const restarted = await proposeChange(proposal(), await context());
      expect(['opened', 'unchanged', 'updated']).toContain(restarted.status);
      expect(github.repo('acme/config').pulls.filter((p) => p.state === 'open')).toHaveLength(1);
    });
  }

  it('does not duplicate the pull request when the create answers 502 after taking effect', async () => {
    github.failNext('pulls/create', { status: 502, applied: true });
    const outcome = await proposeChange(proposal(), await context());
    expect(outcome.pullNumber).toBeDefined();
    expect(github.calls('pulls/create')).toHaveLength(1);
    expect(github.repo('acme/config').pulls).toHaveLength(1);
  });

  it('fails without a pull request when the create answers 502 before taking effect, and opens it next cycle', async () => {
    github.failNext('pulls/create', { status: 502, applied: false });
    await expect(proposeChange(proposal(), await context())).rejects.toThrow();
    expect(github.repo('acme/config').pulls).toHaveLength(0);
    await proposeChange(proposal(), await context());
    expect(github.repo('acme/config').pulls).toHaveLength(1);
  });

  it('rebuilds the branch on the new base when main moved', async () => {
    await proposeChange(proposal(), await context());
    await writeFile(path.join(seed, 'README.md'), 'moved\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'someone else');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    const outcome = await proposeChange(proposal(), await context());
    expect(outcome.status).toBe('unchanged');
    const main = git(remote, 'rev-parse', 'main');
    expect(git(remote, 'rev-parse', 'phoenix/promote/drop-pod-labels/dev~1')).toBe(main);
    expect(github.repo('acme/config').pulls).toHaveLength(1);
  });

  it("leaves a branch with someone else's commits alone and reports it", async () => {
    await proposeChange(proposal(), await context());
    git(seed, 'fetch', '--quiet', 'origin');
    git(seed, 'checkout', '--quiet', '-b', 'mine', 'origin/phoenix/promote/drop-pod-labels/dev');
    await writeFile(path.join(seed, 'note.txt'), 'a person edits the proposal\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'tweak');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:phoenix/promote/drop-pod-labels/dev');
    const before = git(remote, 'rev-parse', 'phoenix/promote/drop-pod-labels/dev');
    const outcome = await proposeChange(proposal(), await context());
    expect(outcome.status).toBe('blocked');
    expect(outcome.detail).toMatch(/alice@example.invalid/);
    expect(git(remote, 'rev-parse', 'phoenix/promote/drop-pod-labels/dev')).toBe(before);
  });

  it('closes the stale pull request with a comment when the verdict reverses', async () => {
    const ctx = await context();
    await proposeChange(proposal(), ctx);
    const closed = await closeStaleProposal(
      { experiment: 'drop-pod-labels', environment: 'dev', action: 'promote' },
      'the candidate failed a guardrail after this was proposed',
      ctx,
    );
    expect(closed).toBe(1);
    expect(github.repo('acme/config').pulls[0].state).toBe('closed');
    expect(github.repo('acme/config').comments.map((c) => c.body)).toEqual([expect.stringMatching(/^Closing: the candidate failed/)]);
    expect(() => git(remote, 'rev-parse', '--verify', '--quiet', 'refs/heads/phoenix/promote/drop-pod-labels/dev')).toThrow();
  });

  it('commits the re-synthesized tree when the installation matches the config repo', async () => {
    const outcome = await proposeChange(
      proposal('rollback'),
      await context({
        resynthesize: async (dir) => {
          await mkdir(path.join(dir, 'gitops'), { recursive: true });
          await writeFile(
            path.join(dir, 'gitops', 'tree.yaml'),
            `phase: ${(await readFile(path.join(dir, 'experiments/drop-pod-labels.state.yaml'), 'utf8')).includes('rolled-back') ? 'rolled-back' : 'running'}\n`,
          );
          return true;
        },
      }),
    );
    expect(outcome.status).toBe('opened');
    expect(git(remote, 'show', 'phoenix/rollback/drop-pod-labels/dev:gitops/tree.yaml')).toBe('phase: rolled-back');
    expect(github.repo('acme/config').pulls[0].body).not.toContain('CI must re-synthesize');
  });

  it('merges a rollback at once when the environment opts in to auto-merge', async () => {
    const outcome = await proposeChange(proposal('rollback'), await context({ autoMergeRollbacks: true }));
    expect(outcome.merged).toBe(true);
    expect(github.calls('pulls/merge')).toHaveLength(1);
    expect(github.calls('pulls/merge')[0].body).toMatchObject({
      merge_method: 'squash',
      sha: git(remote, 'rev-parse', 'phoenix/rollback/drop-pod-labels/dev'),
    });
  });

  it('leaves the rollback open when GitHub refuses the merge (required checks pending)', async () => {
    github.failNext('pulls/merge', { status: 405 });
    const outcome = await proposeChange(proposal('rollback'), await context({ autoMergeRollbacks: true }));
    expect(outcome.merged).toBe(false);
    expect(github.repo('acme/config').pulls[0].state).toBe('open');
  });

  it('never auto-merges a promotion', async () => {
    await proposeChange(proposal('promote'), await context({ autoMergeRollbacks: true }));
    expect(github.calls('pulls/merge')).toHaveLength(0);
  });

  it('fails when the proposal changes nothing', async () => {
    const ctx = await context();
    const p: Proposal = {
      experiment: 'drop-pod-labels',
      environment: 'dev',
      action: 'resume',
      reason: 'x',
      decidedAt: '2026-11-25T11:00:00Z',
      decidedBy: 'alice',
    };
    await expect(proposeChange(p, ctx)).rejects.toThrow(/cannot resume: the experiment is running/);
  });
});
