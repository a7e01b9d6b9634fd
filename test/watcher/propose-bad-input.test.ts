import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFetch } from '../support/api-contract';
import { installationMayPush, RIG_REPOSITORY, startProposeRig, type ProposeRig } from '../support/propose-rig';

const TOKEN_MINTS = 'apps/create-installation-access-token';

/**
 * What a team meets when the watcher's GitHub setup is wrong: each case is one clear line naming
 * the cause and what to do — in the log, on the status page and in the API's decision entries —
 * a bounded number of requests per cycle (no retry storm), no pull request, and the next cycle
 * tries again. Two experiments both decide to promote, so "no other proposal is tried" shows.
 */
describe('propose mode with bad GitHub credentials or rights', { timeout: 240_000 }, () => {
  let rig: ProposeRig;

  beforeAll(async () => {
    rig = await startProposeRig({ win: 'clear-win', also: 'clear-win' }, { privateRepo: true });
  });

  afterAll(async () => {
    await rig?.stop();
  });

  /** Runs one cycle of `watcher` and returns its new log lines, the status page and the API's answers. */
  async function cycle(watcher: ReturnType<ProposeRig['watcher']>) {
    const before = rig.logLines.length;
    await watcher.service.runOnce();
    const url = await watcher.service.http.listen('127.0.0.1', 0);
    try {
      const page = await (await fetch(`${url}/`)).text();
      // (apiFetch checks each answer against docs/api/openapi.yaml)
      const list = (
        await apiFetch<{ problems?: string[]; experiments: Array<{ name: string; environments: Array<{ proposalError?: string }> }> }>(
          url,
          '/api/v1/experiments',
        )
      ).body;
      const history = (await apiFetch<{ decisions: Array<{ action: string; proposalError?: string }> }>(url, '/api/v1/experiments/win/decisions')).body;
      return { log: rig.logLines.slice(before), page, list, history };
    } finally {
      await watcher.service.http.close();
    }
  }

  const logged = (lines: readonly string[], pattern: RegExp) => lines.filter((line) => pattern.test(line));
  const receivePacks = () => rig.server.requests.filter((r) => r.service === 'receive-pack').length;
  const gitRequests = () => rig.server.requests.length;

  it('a wrong or revoked App key: one line naming the key, one token request per cycle, nothing read or pushed', async () => {
    // GIVEN the watcher signs with a key GitHub does not know
    const watcher = rig.watcher({ keyFile: 'wrong.pem' });
    const mints = rig.github.calls(TOKEN_MINTS).length;
    const requests = gitRequests();
    // WHEN two cycles run
    const first = await cycle(watcher);
    const second = await cycle(watcher);
    // THEN each cycle asked GitHub once for a token, reached git not at all, and pushed and opened nothing
    expect(rig.github.calls(TOKEN_MINTS).length - mints).toBe(2);
    expect(gitRequests()).toBe(requests);
    expect(rig.github.calls('pulls/create')).toHaveLength(0);
    for (const { log, page, list } of [first, second]) {
      const cause = /GitHub App 4242: GitHub refused the App(?:'|&#39;)s signed token \(HTTP 401\): the private key is wrong or was revoked/;
      expect(logged(log, cause)).toHaveLength(1);
      expect(logged(log, /will try again next cycle/)).toHaveLength(1);
      expect(page).toMatch(cause);
      expect(list.problems?.filter((p) => cause.test(p))).toHaveLength(1);
      expect(log.join('')).not.toMatch(/did not answer|looks like a bug|PRIVATE KEY/);
    }
  });

  it('the App not installed on the repository: one line saying so, one git request per cycle', async () => {
    // GIVEN the App's installation exists but does not cover the private config repository
    rig.github.addRepo({ owner: 'acme', name: 'elsewhere', installationId: 8, private: true });
    const watcher = rig.watcher({ installationId: 8 });
    const requests = gitRequests();
    const first = await cycle(watcher);
    const second = await cycle(watcher);
    // THEN git was asked once per cycle and answered 404, which the line explains
    expect(rig.server.requests.slice(requests).map((r) => r.decision)).toEqual(['not-found', 'not-found']);
    expect(rig.github.calls('pulls/create')).toHaveLength(0);
    for (const { log, page, list } of [first, second]) {
      const cause =
        /the remote has no such repository, or the credentials may not see it: check the URL and that the GitHub App is installed on the repository/;
      expect(logged(log, cause)).toHaveLength(1);
      expect(page).toMatch(cause);
      expect(list.problems?.some((p) => cause.test(p))).toBe(true);
      expect(log.join('')).not.toMatch(/did not answer|looks like a bug/);
    }
  });

  it('a protected branch: one refused push per cycle, the line names the protection, then the next cycle tries again', async () => {
    // GIVEN the server declines Phoenix's branches as GitHub's branch protection does
    const hook = path.join(rig.bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "error: GH006: Protected branch update failed for refs/heads/phoenix/promote/win/dev." >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    try {
      const watcher = rig.watcher();
      const before = receivePacks();
      const first = await cycle(watcher);
      const afterFirst = receivePacks();
      const second = await cycle(watcher);
      // THEN one push reached the server per cycle (the second experiment's proposal was not tried) and none landed
      expect(afterFirst - before).toBe(2); // git's ref advertisement and its one refused POST
      expect(receivePacks() - afterFirst).toBe(2);
      expect(rig.git('branch', '--list', 'phoenix/*')).toBe('');
      expect(rig.github.calls('pulls/create')).toHaveLength(0);
      for (const { log, page, list, history } of [first, second]) {
        const cause =
          /the branch is protected on the remote \(a rule or hook declined the push\): exempt Phoenix's branches \(phoenix\/\*\) from branch protection/;
        expect(logged(log, cause)).toHaveLength(1);
        expect(logged(log, /no other proposal is tried this cycle/)).toHaveLength(1);
        expect(page).toMatch(/not proposed: [^<]*branch is protected/);
        expect(list.problems?.filter((p) => cause.test(p))).toHaveLength(1);
        expect(list.experiments.find((e) => e.name === 'win')?.environments[0]?.proposalError).toMatch(cause);
        expect(history.decisions.find((d) => d.action === 'promote')?.proposalError).toMatch(cause);
        expect(log.join('')).not.toMatch(/did not answer|looks like a bug|keeps moving/);
      }
    } finally {
      rmSync(hook, { force: true });
    }
  });

  it('a token without push rights: one refused push per cycle; once granted, one pull request per experiment and no duplicate', async () => {
    // GIVEN the App may read the repository but not write to it (Contents: read)
    rig.policy = (installationId, service) =>
      service === 'receive-pack' && installationId !== undefined ? 'forbidden' : installationMayPush(installationId, service);
    const watcher = rig.watcher();
    const before = receivePacks();
    const refused = await cycle(watcher);
    // THEN the one push attempt was refused with 403 and the line says which permission to grant
    expect(
      rig.server.requests
        .filter((r) => r.service === 'receive-pack')
        .slice(before)
        .map((r) => r.decision),
    ).toEqual(['forbidden']);
    const cause = /the token may read but not push \(HTTP 403\): give the GitHub App \\?"Contents: read and write\\?" on the config repository/;
    expect(logged(refused.log, cause)).toHaveLength(1);
    expect(refused.page).toMatch(/not proposed: [^<]*may read but not push/);
    expect(refused.list.problems?.filter((p) => cause.test(p))).toHaveLength(1);
    expect(refused.history.decisions.find((d) => d.action === 'promote')?.proposalError).toMatch(cause);
    expect(rig.github.calls('pulls/create')).toHaveLength(0);
    // WHEN the permission is granted, the next cycle proposes both, and a later one opens nothing new
    rig.policy = installationMayPush;
    const granted = await cycle(watcher);
    expect(
      rig.github
        .repo(RIG_REPOSITORY)
        .pulls.map((p) => p.headRef)
        .sort(),
    ).toEqual(['phoenix/promote/also/dev', 'phoenix/promote/win/dev']);
    expect(granted.list.problems ?? []).toEqual([]);
    expect(granted.page).not.toMatch(/not proposed/);
    await cycle(watcher);
    expect(rig.github.calls('pulls/create')).toHaveLength(2);
    expect(rig.github.repo(RIG_REPOSITORY).pulls).toHaveLength(2);
    rig.github.assertValid();
  });
});
