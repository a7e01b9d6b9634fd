import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../../analysis/input-error';

const run = promisify(execFile);

/** The top folder of the git repository containing `dir`; an input error outside a repository. */
export function repositoryRoot(dir: string, why = 'this command compares git revisions'): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new InputError(`${dir} is not inside a git repository: ${why}`);
  }
}

/** The commit `ref` names in `repoRoot`; an input error naming the ref when git does not know it. */
export function resolveCommitSync(repoRoot: string, ref: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new InputError(`unknown git revision '${ref}': give a branch, tag or commit of ${repoRoot} (git rev-parse ${ref} fails)`);
  }
}

/**
 * Checks `commit` out into a temporary detached worktree at `dir` (sharing the installed
 * node_modules through a symlink), runs `use(dir)`, and removes the worktree afterwards, also on failure.
 */
export async function withDetachedWorktree<T>(repoRoot: string, commit: string, dir: string, use: (dir: string) => Promise<T>): Promise<T> {
  await run('git', ['worktree', 'add', '--detach', '--quiet', dir, commit], { cwd: repoRoot });
  try {
    const modules = path.join(repoRoot, 'node_modules');
    if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
    return await use(dir);
  } finally {
    await run('git', ['worktree', 'remove', '--force', dir], { cwd: repoRoot }).catch(() => undefined);
    await run('git', ['worktree', 'prune'], { cwd: repoRoot }).catch(() => undefined);
  }
}
