import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigRepo } from './config-repo';

const bot = { name: 'Phoenix', email: 'phoenix@example.invalid' };

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

describe('ConfigRepo', () => {
  let root: string;
  let remote: string;
  let seed: string;

  beforeEach(async () => {
    // GIVEN a bare remote with one commit on main
    root = await mkdtemp(path.join(tmpdir(), 'phoenix-git-'));
    remote = path.join(root, 'remote.git');
    seed = path.join(root, 'seed');
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
    git(root, 'clone', '--quiet', remote, seed);
    await writeFile(path.join(seed, 'state.yaml'), 'version: 1\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'init');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('clones, commits on a fresh branch and pushes it', async () => {
    const repo = await ConfigRepo.open(path.join(root, 'work'), remote);
    await repo.checkoutFresh('phoenix/promote/x/dev');
    await writeFile(path.join(repo.dir, 'state.yaml'), 'version: 1\nphase: promoted\n');
    const sha = await repo.commit(['state.yaml'], 'promote x in dev', bot);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await repo.push('phoenix/promote/x/dev', undefined)).toBe('pushed');
    expect(git(remote, 'rev-parse', 'refs/heads/phoenix/promote/x/dev')).toBe(sha);
    expect(git(remote, 'log', '-1', '--format=%ae', 'phoenix/promote/x/dev')).toBe(bot.email);
  });

  it('returns undefined when there is nothing to commit', async () => {
    const repo = await ConfigRepo.open(path.join(root, 'work'), remote);
    await repo.checkoutFresh('b');
    expect(await repo.commit(['state.yaml'], 'noop', bot)).toBeUndefined();
  });

  it('rejects a push when the remote branch moved since the lease', async () => {
    // GIVEN our branch is pushed, then someone else pushes to it
    const repo = await ConfigRepo.open(path.join(root, 'work'), remote);
    await repo.checkoutFresh('b');
    await writeFile(path.join(repo.dir, 'a.txt'), 'ours\n');
    const ours = await repo.commit(['a.txt'], 'ours', bot);
    expect(await repo.push('b', undefined)).toBe('pushed');
    git(seed, 'fetch', '--quiet', 'origin');
    git(seed, 'checkout', '--quiet', '-b', 'b', 'origin/b');
    await writeFile(path.join(seed, 'a.txt'), 'theirs\n');
    git(seed, 'commit', '--quiet', '-am', 'theirs');
    git(seed, 'push', '--quiet', 'origin', 'b');
    // WHEN we push again expecting our own commit
    await writeFile(path.join(repo.dir, 'a.txt'), 'ours again\n');
    await repo.commit(['a.txt'], 'ours again', bot);
    // THEN the push is rejected and their commit survives
    expect(await repo.push('b', ours)).toBe('rejected');
    await repo.fetch();
    const commits = await repo.branchCommits('b');
    expect(commits.map((c) => c.authorEmail)).toEqual(['alice@example.invalid', bot.email]);
  });

  it('refuses to push to the base branch', async () => {
    const repo = await ConfigRepo.open(path.join(root, 'work'), remote);
    await expect(repo.push('main', undefined)).rejects.toThrow(/refusing to push to the base branch/);
  });

  it('fetches into an existing clone and sees new commits on the base', async () => {
    const work = path.join(root, 'work');
    const first = await ConfigRepo.open(work, remote);
    const before = await first.baseHead();
    await writeFile(path.join(seed, 'state.yaml'), 'version: 2\n');
    git(seed, 'commit', '--quiet', '-am', 'bump');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    const again = await ConfigRepo.open(work, remote);
    const after = await again.baseHead();
    expect(after).not.toBe(before);
    expect(await again.isAncestor(before, after)).toBe(true);
    expect(await again.isAncestor(after, before)).toBe(false);
    expect(await again.lastCommitTouching(after, ['state.yaml'])).toBe(after);
    await again.checkoutFresh('x');
    expect(await readFile(path.join(work, 'state.yaml'), 'utf8')).toBe('version: 2\n');
  });

  it('fails with a clear message when the base branch is missing', async () => {
    const repo = await ConfigRepo.open(path.join(root, 'work'), remote, { baseBranch: 'trunk' });
    await expect(repo.baseHead()).rejects.toThrow(/no branch 'trunk'/);
  });
});
