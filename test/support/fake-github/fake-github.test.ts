import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../../clients/github/octokit';
import { FakeGitHub } from './index';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

describe('fake GitHub validated against @octokit/openapi', () => {
  let github: FakeGitHub;
  let client: GitHubClient;

  beforeEach(async () => {
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'acme', name: 'config', installationId: 7 });
    github.setRef('acme/config', 'heads/main', SHA_A);
    client = createGitHubClient({ auth: 'test-token', baseUrl: github.baseUrl, throttle: false, retries: 0 });
  });

  afterEach(async () => {
    await github.stop();
  });

  it('serves pull requests: create, list by head, get, update', async () => {
    // GIVEN a pushed branch
    github.setRef('acme/config', 'heads/phoenix/promote', SHA_B);
    // WHEN a pull request is created, listed by head and closed
    const created = await client.rest.pulls.create({
      owner: 'acme',
      repo: 'config',
      title: 'promote',
      head: 'phoenix/promote',
      base: 'main',
      body: 'evidence',
    });
    const listed = await client.rest.pulls.list({ owner: 'acme', repo: 'config', head: 'acme:phoenix/promote', state: 'open' });
    await client.rest.pulls.update({ owner: 'acme', repo: 'config', pull_number: created.data.number, state: 'closed' });
    const closed = await client.rest.pulls.get({ owner: 'acme', repo: 'config', pull_number: created.data.number });
    const openAfter = await client.rest.pulls.list({ owner: 'acme', repo: 'config', head: 'acme:phoenix/promote' });
    // THEN every answer has GitHub's shape and the state follows
    expect(created.status).toBe(201);
    expect(created.data.head.sha).toBe(SHA_B);
    expect(listed.data.map((p) => p.number)).toEqual([created.data.number]);
    expect(closed.data.state).toBe('closed');
    expect(openAfter.data).toEqual([]);
    github.assertValid();
  });

  it('merges a pull request whose head matches, and refuses a stale sha (409)', async () => {
    const pull = github.addPull('acme/config', { headRef: 'feature', headSha: SHA_B });
    await expect(client.rest.pulls.merge({ owner: 'acme', repo: 'config', pull_number: pull.number, sha: SHA_A })).rejects.toMatchObject({ status: 409 });
    const merged = await client.rest.pulls.merge({ owner: 'acme', repo: 'config', pull_number: pull.number, sha: SHA_B, merge_method: 'squash' });
    expect(merged.data.merged).toBe(true);
    expect(github.repo('acme/config').pulls[0]).toMatchObject({ state: 'closed', merged: true });
    expect(github.repo('acme/config').refs.get('heads/main')).toBe(merged.data.sha);
    github.assertValid();
  });

  it('fails when a second pull request is opened for the same head (422 like GitHub)', async () => {
    github.setRef('acme/config', 'heads/feature', SHA_B);
    await client.rest.pulls.create({ owner: 'acme', repo: 'config', title: 't', head: 'feature', base: 'main' });
    await expect(client.rest.pulls.create({ owner: 'acme', repo: 'config', title: 't', head: 'feature', base: 'main' })).rejects.toThrow(/already exists/);
    github.assertValid();
  });

  it('serves comments, labels, check runs and commit statuses', async () => {
    const pull = github.addPull('acme/config', { headRef: 'feature', headSha: SHA_B });
    const comment = await client.rest.issues.createComment({ owner: 'acme', repo: 'config', issue_number: pull.number, body: 'hello' });
    await client.rest.issues.updateComment({ owner: 'acme', repo: 'config', comment_id: comment.data.id, body: 'edited' });
    const comments = await client.paginate(client.rest.issues.listComments, { owner: 'acme', repo: 'config', issue_number: pull.number, per_page: 100 });
    const labels = await client.rest.issues.addLabels({ owner: 'acme', repo: 'config', issue_number: pull.number, labels: ['phoenix', 'rollback'] });
    const run = await client.rest.checks.create({ owner: 'acme', repo: 'config', name: 'phoenix', head_sha: SHA_B, status: 'in_progress' });
    await client.rest.checks.update({
      owner: 'acme',
      repo: 'config',
      check_run_id: run.data.id,
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: [{ path: 'gitops/a.yaml', start_line: 3, end_line: 3, annotation_level: 'failure', message: 'bad' }] },
    });
    await client.rest.repos.createCommitStatus({ owner: 'acme', repo: 'config', sha: SHA_B, state: 'success', context: 'kustomization/prod' });
    const combined = await client.rest.repos.getCombinedStatusForRef({ owner: 'acme', repo: 'config', ref: 'feature' });
    const statuses = await client.rest.repos.listCommitStatusesForRef({ owner: 'acme', repo: 'config', ref: SHA_B });
    const ref = await client.rest.git.getRef({ owner: 'acme', repo: 'config', ref: 'heads/feature' });
    expect(comments.map((c) => c.body)).toEqual(['edited']);
    expect(labels.data.map((l) => l.name)).toEqual(['phoenix', 'rollback']);
    expect(github.repo('acme/config').checkRuns[0]).toMatchObject({ conclusion: 'failure', status: 'completed' });
    expect(github.repo('acme/config').checkRuns[0].annotations).toHaveLength(1);
    expect(combined.data.state).toBe('success');
    expect(statuses.data[0].context).toBe('kustomization/prod');
    expect(ref.data.object.sha).toBe(SHA_B);
    github.assertValid();
  });

  it('records a violation when a request breaks the OpenAPI description', async () => {
    // GIVEN a check run with 51 annotations (GitHub allows 50 per request)
    const annotations = Array.from({ length: 51 }, (_, i) => ({
      path: 'a.yaml',
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: 'notice' as const,
      message: 'm',
    }));
    // WHEN it is sent THEN the fake rejects it and assertValid fails the test
    await expect(
      client.rest.checks.create({ owner: 'acme', repo: 'config', name: 'x', head_sha: SHA_A, output: { title: 't', summary: 's', annotations } }),
    ).rejects.toThrow();
    expect(() => github.assertValid()).toThrow(/annotations/);
  });

  it('records a violation for routes it does not serve', async () => {
    await expect(client.rest.repos.listBranches({ owner: 'acme', repo: 'config' })).rejects.toThrow();
    expect(() => github.assertValid()).toThrow(/not served/);
  });

  it('injects a 502 on create that still took effect, and the client does not retry the create', async () => {
    // GIVEN a client that retries safe requests, and a create that succeeds server-side but answers 502
    const retrying = createGitHubClient({ auth: 'test-token', baseUrl: github.baseUrl, throttle: false, retries: 3, retryAfterBaseValueMs: 1 });
    github.setRef('acme/config', 'heads/feature', SHA_B);
    github.failNext('pulls/create', { status: 502, applied: true });
    // WHEN the create fails
    await expect(retrying.rest.pulls.create({ owner: 'acme', repo: 'config', title: 't', head: 'feature', base: 'main' })).rejects.toMatchObject({
      status: 502,
    });
    // THEN it was sent once, and the pull request exists for a look-up
    expect(github.calls('pulls/create')).toHaveLength(1);
    const found = await retrying.rest.pulls.list({ owner: 'acme', repo: 'config', head: 'acme:feature' });
    expect(found.data).toHaveLength(1);
    github.assertValid();
  });

  it('retries reads after a 502', async () => {
    const retrying = createGitHubClient({ auth: 'test-token', baseUrl: github.baseUrl, throttle: false, retries: 3, retryAfterBaseValueMs: 1 });
    github.failNext('repos/get', { times: 2 });
    const repo = await retrying.rest.repos.get({ owner: 'acme', repo: 'config' });
    expect(repo.data.full_name).toBe('acme/config');
    expect(github.calls('repos/get').map((c) => c.status)).toEqual([502, 502, 200]);
  });

  it('issues installation tokens to a GitHub App with a valid JWT', async () => {
    // GIVEN an app key pair known to the fake
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appFake = await FakeGitHub.start({ appId: 99, appPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    try {
      appFake.addRepo({ owner: 'acme', name: 'config', installationId: 5 });
      const pull = appFake.addPull('acme/config', { headRef: 'x', headSha: SHA_B });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const app = createGitHubClient({ auth: { appId: 99, privateKey: pem, installationId: 5 }, baseUrl: appFake.baseUrl, throttle: false, retries: 0 });
      // WHEN the app comments
      const comment = await app.rest.issues.createComment({ owner: 'acme', repo: 'config', issue_number: pull.number, body: 'hi' });
      // THEN it did so as its bot user, with an installation token
      expect(comment.data.user?.login).toBe('phoenix[bot]');
      expect(appFake.calls('apps/create-installation-access-token')).toHaveLength(1);
      appFake.assertValid();
    } finally {
      await appFake.stop();
    }
  });

  it('fails when the request carries no credentials (401)', async () => {
    const anonymous = createGitHubClient({ baseUrl: github.baseUrl, throttle: false, retries: 0 });
    await expect(anonymous.rest.repos.get({ owner: 'acme', repo: 'config' })).rejects.toMatchObject({ status: 401 });
  });
});
