import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDetachedWorktree } from '../../clients/git/worktree';

let repo: string;
let commit: string;
const temps: string[] = [];

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-worktree-repo-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  fs.writeFileSync(path.join(repo, 'a.txt'), 'a\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'one');
  commit = git('rev-parse', 'HEAD');
});

afterAll(() => {
  for (const dir of [repo, ...temps]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('temporary detached worktrees', () => {
  it('survive concurrent runs on the same repository (each removes only its own)', async () => {
    // GIVEN 3 rounds of 6 runs at once on one repository (two `phoenix diff` in one checkout)
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-diff-'));
    temps.push(parent);
    for (let round = 0; round < 3; round += 1) {
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, async () => {
          return withDetachedWorktree(repo, commit, parent, async (dir) => fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'));
        }),
      );
      // THEN every run read its checkout, and its folder is gone
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual(Array(6).fill('a\n'));
    }
    expect(fs.readdirSync(parent)).toEqual([]);
    // AND no worktree is left registered
    expect(execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: repo, encoding: 'utf8' }).match(/^worktree /gm)).toHaveLength(1);
  });
});
