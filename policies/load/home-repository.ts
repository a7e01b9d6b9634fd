import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What identifies the checked repository among Flux Git sources: its remotes and their default branches. */
export interface HomeRepository {
  /** Remote URLs, normalised with {@link normalizeGitUrl}. */
  readonly urls: readonly string[];
  /** Branches a remote's `HEAD` names (`refs/remotes/origin/HEAD` → `main`). */
  readonly branches: readonly string[];
}

export const UNKNOWN_HOME: HomeRepository = { urls: [], branches: [] };

/**
 * The remotes of the git repository whose top folder is `root` (ADR 0193). Nothing when `root` holds
 * no `.git` (a folder inside another repository is not that repository) or git cannot answer.
 */
export function readHomeRepository(root: string): HomeRepository {
  if (!fs.existsSync(path.join(root, '.git'))) return UNKNOWN_HOME;
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    } catch {
      return '';
    }
  };
  const remotes = git(['config', '--get-regexp', '^remote\\..*\\.url$'])
    .split('\n')
    .map((line) => /^remote\.(.+)\.url (.+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null);
  const urls = remotes.map(([, , url]) => normalizeGitUrl(url));
  const branches = remotes
    .map(([, name]) => /^refs\/remotes\/[^/]+\/(.+)$/.exec(git(['symbolic-ref', '-q', `refs/remotes/${name}/HEAD`]).trim())?.[1])
    .filter((branch): branch is string => branch !== undefined);
  return { urls: [...new Set(urls)], branches: [...new Set(branches)] };
}

/**
 * One spelling per repository: `https://github.com/org/repo`, `ssh://git@github.com/org/repo.git` and
 * `git@github.com:org/repo` all give `github.com/org/repo` (host lower-cased, credentials, port,
 * scheme and `.git` dropped).
 */
export function normalizeGitUrl(url: string): string {
  let rest = url.trim();
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.*)$/.exec(rest);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) rest = `${scp[1]}/${scp[2]}`;
  else rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const host = authority
    .slice(authority.lastIndexOf('@') + 1)
    .replace(/:\d*$/, '')
    .toLowerCase();
  const repoPath = slash === -1 ? '' : rest.slice(slash + 1);
  return `${host}/${repoPath.replace(/\/+$/, '').replace(/\.git$/, '')}`;
}
