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
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    throw new InputError(`unknown git revision '${ref}': give a branch, tag or commit of ${repoRoot} (git rev-parse ${ref} fails)`);
  }
}

/** Attempts of `git worktree add` when another run's worktree was half-created. */
const WORKTREE_ADD_ATTEMPTS = 8;

/**
 * Checks `commit` out into a temporary detached worktree in a new folder under `parent` (sharing
 * the installed node_modules through a symlink), runs `use(dir)`, and removes the worktree
 * afterwards, also on failure. Concurrent runs on one repository are safe: git names a worktree's
 * admin folder after the checkout's base name, and two runs picking the same one race, so each
 * checkout gets a unique name; `git worktree add` reads every registered worktree and fails on
 * another run's half-created one, so that failure is retried (bounded, with jitter); and only this
 * worktree is removed (a repository-wide `git worktree prune` could remove another run's
 * half-created admin folder).
 */
export async function withDetachedWorktree<T>(repoRoot: string, commit: string, parent: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(parent, 'phoenix-worktree-'));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await run('git', ['worktree', 'add', '--detach', '--quiet', dir, commit], { cwd: repoRoot });
      break;
    } catch (error) {
      const concurrent = /failed to read \.git\/worktrees\/|\.git\/worktrees\/[^ ]*\.lock/.test(String((error as { stderr?: unknown }).stderr ?? ''));
      if (!concurrent || attempt >= WORKTREE_ADD_ATTEMPTS) throw error;
      await removeWorktree(repoRoot, dir);
      fs.mkdirSync(dir);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * attempt));
    }
  }
  try {
    const modules = path.join(repoRoot, 'node_modules');
    if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
    return await use(dir);
  } finally {
    await removeWorktree(repoRoot, dir);
  }
}

/** `git worktree remove`, retried like `add` (it too reads the other worktrees), then the folder. */
async function removeWorktree(repoRoot: string, dir: string): Promise<void> {
  for (let attempt = 1; attempt <= WORKTREE_ADD_ATTEMPTS; attempt += 1) {
    const removed = await run('git', ['worktree', 'remove', '--force', dir], { cwd: repoRoot }).then(
      () => true,
      () => false,
    );
    if (removed) break;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * attempt));
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
