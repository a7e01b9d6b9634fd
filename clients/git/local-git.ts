import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Small local git questions (no remote, no credentials): a setting, a remote's URL, ancestry.
 * Every git process Phoenix runs is started in `clients/git`.
 */

/** What `git <args>` prints (trimmed), run in `cwd`; `undefined` when git fails (unset setting, no such remote, not a repository). */
export function localGitOutput(args: readonly string[], cwd: string = process.cwd()): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Whether `descendant` contains `ancestor` in the repository at `repoDir`; `undefined` when either commit is unknown there. */
export function isAncestor(repoDir: string, ancestor: string, descendant: string): Promise<boolean | undefined> {
  // `git merge-base --is-ancestor` answers by exit code: 0 yes, 1 no, anything else unknown.
  return new Promise((resolve) => {
    execFile('git', ['merge-base', '--is-ancestor', '--end-of-options', ancestor, descendant], { cwd: repoDir }, (error) => {
      if (!error) resolve(true);
      else resolve((error as { code?: unknown }).code === 1 ? false : undefined);
    });
  });
}

/** Makes `dir` a new git repository whose first branch is `branch`. */
export function initRepository(dir: string, branch: string): void {
  execFileSync('git', ['init', '--quiet', '--initial-branch', branch, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * The remote URLs of the git repository whose top folder is `root`, as configured, and the branches
 * their `HEAD` names (`refs/remotes/origin/HEAD` → `main`). Nothing when `root` holds no `.git` (a
 * folder inside another repository is not that repository) or git cannot answer.
 */
export function gitRemotes(root: string): { urls: string[]; branches: string[] } {
  if (!fs.existsSync(path.join(root, '.git'))) return { urls: [], branches: [] };
  const remotes = (localGitOutput(['-C', root, 'config', '--get-regexp', '^remote\\..*\\.url$'], root) ?? '')
    .split('\n')
    .map((line) => /^remote\.(.+)\.url (.+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const branches = remotes
    .map(([, name]) => /^refs\/remotes\/[^/]+\/(.+)$/.exec(localGitOutput(['-C', root, 'symbolic-ref', '-q', `refs/remotes/${name}/HEAD`], root) ?? '')?.[1])
    .filter((branch): branch is string => branch !== undefined);
  return { urls: remotes.map(([, , url]) => url!), branches };
}
