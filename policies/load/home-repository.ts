/** What identifies the checked repository among Flux Git sources: its remotes and their default branches. */
export interface HomeRepository {
  /** Remote URLs, normalised with {@link normalizeGitUrl}. */
  readonly urls: readonly string[];
  /** Branches a remote's `HEAD` names (`refs/remotes/origin/HEAD` → `main`). */
  readonly branches: readonly string[];
}

export const UNKNOWN_HOME: HomeRepository = { urls: [], branches: [] };

/**
 * The checked repository as rules compare it (ADR 0193): remote URLs in one spelling each, and their
 * default branches. The remotes are read by the caller (`gitRemotes` in clients/git).
 */
export function homeRepositoryOf(remotes: { readonly urls: readonly string[]; readonly branches: readonly string[] }): HomeRepository {
  return { urls: [...new Set(remotes.urls.map(normalizeGitUrl))], branches: [...new Set(remotes.branches)] };
}

/**
 * One spelling per repository: `https://github.com/OWNER/repo`, `ssh://git@github.com/OWNER/repo.git` and
 * `git@github.com:OWNER/repo` all give `github.com/OWNER/repo` (host lower-cased, credentials, port,
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
