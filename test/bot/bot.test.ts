import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../clients/github/octokit';
import { upsertStickyComment } from '../../clients/github/upsert-sticky-comment';
import { reviewPullRequest } from '../../app/bot/review-pull-request';
import { BotHarness, FULL_NAME, INSTALLATION_ID, OWNER, REPO, WEBHOOK_SECRET } from './support/bot-harness';
import { collectorConfigMap, secret } from './support/git-fixture';

const HEAD_SECRET = 'correct-horse-battery-staple';

/** A change to prod: drops `pod` no more, changes the Secret's value. */
function change(secretValue = HEAD_SECRET, dropped = ['instance']): Record<string, string> {
  return {
    'gitops/experiments/prod/drop-pod-labels/configmap-collector.yaml': collectorConfigMap(dropped),
    'gitops/experiments/prod/drop-pod-labels/secret-remote-write.yaml': secret(secretValue),
  };
}

describe('phoenix bot (GitHub App) against the fake GitHub', () => {
  let h: BotHarness;

  beforeEach(async () => {
    h = await BotHarness.create();
  });

  afterEach(async () => {
    try {
      h.github.assertValid();
    } finally {
      await h.close();
    }
  });

  it('reviews an opened pull request: one sticky comment and a failing check run with annotations', async () => {
    // GIVEN a pull request whose head changes a Secret in plain text
    const head = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: head });
    const { bot, url } = await h.bot();
    // WHEN GitHub delivers pull_request.opened
    const response = await h.deliver(url, 'opened', 2, head);
    await bot.queue.idle();
    // THEN the delivery was acknowledged with 202 and the review was posted
    expect(response.status).toBe(202);
    const comments = h.stickyComments(2);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(`<!-- phoenix-review head=${head} -->`);
    expect(comments[0].body).toContain('ConfigMap/observability/collector');
    const runs = h.github.repo(FULL_NAME).checkRuns;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ headSha: head, status: 'completed', conclusion: 'failure', name: 'phoenix review' });
    expect(runs[0].annotations).toContainEqual(
      expect.objectContaining({ path: 'gitops/experiments/prod/drop-pod-labels/secret-remote-write.yaml', annotation_level: 'failure' }),
    );
  });

  it('shows no secret value anywhere it writes, and logs no credential', async () => {
    const head = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: head });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 2, head);
    await bot.queue.idle();
    const written = JSON.stringify(h.github.requests.map((r) => r.body)) + JSON.stringify(h.github.repo(FULL_NAME).checkRuns);
    expect(written).not.toContain(HEAD_SECRET);
    expect(written).not.toContain('hunter2-base-secret');
    const logs = h.logs.join('');
    expect(logs).toContain('pull request reviewed');
    expect(logs).not.toContain(WEBHOOK_SECRET);
    expect(logs).not.toContain('PRIVATE KEY');
    expect(logs).not.toMatch(/ghs_fake\d+/);
  });

  it('keeps one comment across redeliveries and restarts, and skips an unchanged update', async () => {
    const head = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: head });
    const first = await h.bot();
    await h.deliver(first.url, 'opened', 2, head);
    await first.bot.queue.idle();
    // WHEN the same head arrives again (another delivery id), then after a restart (fresh memory)
    expect((await h.deliver(first.url, 'reopened', 2, head)).body).toContain('duplicate');
    await first.bot.queue.idle();
    await first.bot.stop();
    const second = await h.bot();
    await h.deliver(second.url, 'synchronize', 2, head);
    await second.bot.queue.idle();
    // THEN there is still one comment, created once and never rewritten with the same text
    expect(h.stickyComments(2)).toHaveLength(1);
    expect(h.github.calls('issues/create-comment')).toHaveLength(1);
    expect(h.github.calls('issues/update-comment')).toHaveLength(0);
  });

  it('updates the comment in place for a new push', async () => {
    const first = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: first });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 2, first);
    await bot.queue.idle();
    // WHEN a new commit is pushed
    const second = h.push('feature', change(HEAD_SECRET, ['instance', 'pod']), 2);
    h.github.pushToPull(FULL_NAME, 2, second);
    await h.deliver(url, 'synchronize', 2, second);
    await bot.queue.idle();
    // THEN the same comment now describes the new head
    const comments = h.stickyComments(2);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(`head=${second}`);
    expect(h.github.calls('issues/update-comment')).toHaveLength(1);
  });

  /** Pull request 2, pushed at `older` and then at `newer`, reviewed at `newer`. */
  async function reviewedAtNewerHead() {
    const older = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: older });
    const newer = h.push('feature', change(HEAD_SECRET, ['pod']), 2);
    h.github.pushToPull(FULL_NAME, 2, newer);
    const { bot, url } = await h.bot();
    await h.deliver(url, 'synchronize', 2, newer);
    await bot.queue.idle();
    return { older, newer, bot };
  }

  it('never lets a run for an older head overwrite the comment of a newer one', async () => {
    // GIVEN the comment already describes the newer head
    const { older, bot } = await reviewedAtNewerHead();
    const before = h.stickyComments(2)[0].body;
    // WHEN a late run for the older head executes
    const outcome = await reviewPullRequest(
      bot.services,
      { repository: FULL_NAME, pullNumber: 2, headSha: older, installationId: INSTALLATION_ID, reason: 'late' },
      new AbortController().signal,
    );
    // THEN it leaves the comment alone
    expect(outcome).toMatch(/skipped/);
    expect(h.stickyComments(2)[0].body).toBe(before);
  });

  it('keeps a comment whose recorded head descends from the one being written', async () => {
    // GIVEN a sticky comment for the newer head, written by the app
    const { older, newer, bot } = await reviewedAtNewerHead();
    const client = await bot.services.clientFor(INSTALLATION_ID);
    // WHEN an upsert for the older head is attempted and the ancestry says the comment is newer
    const result = await upsertStickyComment(client, {
      owner: OWNER,
      repo: REPO,
      issueNumber: 2,
      marker: 'phoenix-review',
      headSha: older,
      body: 'stale',
      isNewer: async (existing) => existing === newer,
    });
    // THEN nothing is written
    expect(result.outcome).toBe('kept-newer');
    expect(h.stickyComments(2)[0].body).not.toContain('stale');
  });

  it('does not duplicate the comment when its create answers 502 after taking effect', async () => {
    const head = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: head });
    h.github.failNext('issues/create-comment', { status: 502, applied: true });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 2, head);
    await bot.queue.idle();
    expect(h.github.calls('issues/create-comment')).toHaveLength(1);
    expect(h.stickyComments(2)).toHaveLength(1);
  });

  it('fails (never neutral) when hostile files sit beside a plaintext Secret: an alias bomb and prototype keys', async () => {
    // GIVEN a head that adds a 787-byte YAML alias bomb and a config with prototype-named components next to a Secret
    const hostile = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'hostile', name), 'utf8');
    const head = h.push(
      'hostile',
      {
        ...change(),
        'gitops/experiments/prod/drop-pod-labels/bomb.yaml': hostile('bomb2.yaml'),
        'gitops/experiments/prod/drop-pod-labels/proto.yaml': hostile('proto.yaml'),
      },
      3,
    );
    h.github.addPull(FULL_NAME, { number: 3, headRef: 'hostile', headSha: head });
    const { bot, url } = await h.bot();
    const started = Date.now();
    await h.deliver(url, 'opened', 3, head);
    await bot.queue.idle();
    // THEN the check run fails within seconds and still reports the Secret
    expect(Date.now() - started).toBeLessThan(30_000);
    const [run] = h.github.repo(FULL_NAME).checkRuns;
    expect(run).toMatchObject({ headSha: head, status: 'completed', conclusion: 'failure' });
  });

  it('concludes failure, not neutral, when the review cannot complete', async () => {
    // GIVEN a pull request whose head commit the repository does not hold
    const missing = 'f'.repeat(40);
    h.github.addPull(FULL_NAME, { number: 4, headRef: 'gone', headSha: missing });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 4, missing);
    await bot.queue.idle();
    // THEN the check run fails and says the review could not complete
    const runs = h.github.repo(FULL_NAME).checkRuns;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ headSha: missing, status: 'completed', conclusion: 'failure' });
    expect(JSON.stringify(runs[0])).toMatch(/could not (complete|review)/);
  });

  it('reviews a pull request from a fork through refs/pull/N/head, running nothing from it', async () => {
    const head = h.push('fork-feature', change(), 7);
    h.github.addRepo({ owner: 'forker', name: REPO, forkOf: FULL_NAME });
    h.github.addPull(FULL_NAME, { number: 7, headRef: 'feature', headSha: head, headRepo: `forker/${REPO}`, author: 'forker' });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 7, head, (payload) => {
      payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: `forker/${REPO}`, fork: true };
    });
    await bot.queue.idle();
    expect(h.stickyComments(7)).toHaveLength(1);
    expect(h.github.repo(FULL_NAME).checkRuns[0].conclusion).toBe('failure');
  });

  it('sends more than 50 annotations in batches of at most 50', async () => {
    // GIVEN a head with 60 plain-text Secrets (one error finding each)
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i += 1)
      files[`gitops/experiments/prod/drop-pod-labels/secret-${i}.yaml`] = secret(`value-${i}`).replace('name: remote-write', `name: s-${i}`);
    const head = h.push('many', files, 3);
    h.github.addPull(FULL_NAME, { number: 3, headRef: 'many', headSha: head });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 3, head);
    await bot.queue.idle();
    const sizes = h.github.calls('checks/update').map((c) => ((c.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(h.github.repo(FULL_NAME).checkRuns[0].annotations.length);
    expect(h.github.repo(FULL_NAME).checkRuns[0].annotations.length).toBeGreaterThan(60);
  });

  it('cuts a comment over GitHub’s limit and points to the check run', async () => {
    const data = Array.from({ length: 60 }, (_, i) => `  key-${i}: value-${i}-${'x'.repeat(20)}`).join('\n');
    const objects = Array.from(
      { length: 40 },
      (_, n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-${n}\n  namespace: observability\ndata:\n${data}\n`,
    ).join('---\n');
    const head = h.push('big', { 'gitops/experiments/prod/drop-pod-labels/configmaps-big.yaml': objects }, 4);
    h.github.addPull(FULL_NAME, { number: 4, headRef: 'big', headSha: head });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 4, head);
    await bot.queue.idle();
    const [comment] = h.stickyComments(4);
    expect(comment.body.length).toBeLessThan(65_535);
    expect(comment.body).toContain('/runs/');
  });

  it('sweeps open pull requests whose head has no review yet, once', async () => {
    // GIVEN a pull request the bot never heard of (a missed delivery)
    const head = h.push('missed', change(), 5);
    h.github.addPull(FULL_NAME, { number: 5, headRef: 'missed', headSha: head });
    const { bot } = await h.bot();
    // WHEN the sweep runs twice
    expect(await bot.sweep()).toBe(1);
    await bot.queue.idle();
    expect(await bot.sweep()).toBe(0);
    // THEN it was reviewed once
    expect(h.stickyComments(5)).toHaveLength(1);
    expect(h.github.calls('checks/create')).toHaveLength(1);
  });

  it('looks the installation up with the app JWT when the delivery names none', async () => {
    const head = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: head });
    const { bot, url } = await h.bot();
    await h.deliver(url, 'opened', 2, head, (payload) => {
      delete payload.installation;
    });
    await bot.queue.idle();
    expect(h.github.calls('apps/get-repo-installation')).toHaveLength(1);
    expect(h.stickyComments(2)).toHaveLength(1);
  });

  it('ignores events it does not review', async () => {
    const head = h.push('feature', change(), 2);
    h.github.addPull(FULL_NAME, { number: 2, headRef: 'feature', headSha: head });
    const { bot, url } = await h.bot();
    const response = await h.deliver(url, 'closed', 2, head);
    await bot.queue.idle();
    expect(response.body).toContain('ignored');
    expect(h.github.calls('checks/create')).toHaveLength(0);
  });
});

describe('composed GitHub client', () => {
  it('fails when the token is unknown to the installation (no credential in the message)', async () => {
    const h = await BotHarness.create();
    try {
      const client = createGitHubClient({ auth: 'ghs_not-issued', baseUrl: h.github.baseUrl, throttle: false, retries: 0 });
      await expect(client.rest.repos.get({ owner: OWNER, repo: REPO })).rejects.toMatchObject({ status: 401 });
    } finally {
      await h.close();
    }
  });
});
