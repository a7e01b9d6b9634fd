import fs from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { runRemoteGit, staticGitToken } from './run-git';

/**
 * A local bare mirror per repository, into which the bot fetches a pull request's head
 * (`refs/pull/N/head`, which GitHub keeps in the base repository — so fork pull requests work the
 * same way) and its base branch. Only objects are fetched: no checkout, no hooks, no filters, no
 * submodules. The installation token travels in an HTTP header set through the environment
 * (`GIT_CONFIG_*`, see clients/git/run-git.ts), so it is neither in the URL, nor on the command
 * line, nor on disk.
 */

/** What to fetch. */
export interface FetchPullRequest {
  /** `owner/name`. */
  readonly repository: string;
  readonly cloneUrl: string;
  readonly pullNumber: number;
  readonly baseRef: string;
  /** Installation token for HTTPS remotes. @default - none (local or public remotes) */
  readonly token?: string;
}

/** Refs of the fetched pull request in the mirror. */
export interface FetchedPullRequest {
  readonly mirrorDir: string;
  readonly headRef: string;
  readonly baseRef: string;
  /** The head commit as fetched (may be newer than the webhook's). */
  readonly headSha: string;
}

/** The mirror folder of a repository under `workDir`. */
export function mirrorDirOf(workDir: string, repository: string): string {
  return path.join(workDir, 'mirrors', `${repository.toLowerCase().replace('/', '__')}.git`);
}

async function openMirror(dir: string): Promise<SimpleGit> {
  if (!fs.existsSync(path.join(dir, 'HEAD'))) {
    fs.mkdirSync(dir, { recursive: true });
    await simpleGit({ baseDir: dir }).raw(['init', '--bare', '--quiet']);
  }
  return simpleGit({ baseDir: dir });
}

const mirrorLocks = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier fetch into the same mirror finished (one fetch per mirror at a time). */
function withMirrorLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const previous = mirrorLocks.get(dir) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  mirrorLocks.set(dir, next);
  void next
    .finally(() => {
      if (mirrorLocks.get(dir) === next) mirrorLocks.delete(dir);
    })
    .catch(() => undefined);
  return next;
}

/** Fetches base and head of a pull request into the repository's mirror. */
export function fetchPullRequest(workDir: string, request: FetchPullRequest): Promise<FetchedPullRequest> {
  const mirrorDir = mirrorDirOf(workDir, request.repository);
  return withMirrorLock(mirrorDir, () => fetchInto(mirrorDir, request));
}

async function fetchInto(mirrorDir: string, request: FetchPullRequest): Promise<FetchedPullRequest> {
  const git = await openMirror(mirrorDir);
  const headRef = `refs/phoenix/pull/${request.pullNumber}/head`;
  const baseRef = `refs/phoenix/pull/${request.pullNumber}/base`;
  await runRemoteGit(
    [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-recurse-submodules',
      '--force',
      request.cloneUrl,
      `+refs/pull/${request.pullNumber}/head:${headRef}`,
      `+refs/heads/${request.baseRef}:${baseRef}`,
    ],
    { cwd: mirrorDir, remoteUrl: request.cloneUrl, tokens: request.token ? staticGitToken(request.token) : undefined },
  );
  const headSha = (await git.raw(['rev-parse', '--verify', headRef])).trim();
  return { mirrorDir, headRef, baseRef, headSha };
}

/** The merge base of two commits in the mirror (what GitHub's "Files changed" compares against). */
export async function mergeBase(mirrorDir: string, a: string, b: string): Promise<string> {
  const out = await simpleGit({ baseDir: mirrorDir }).raw(['merge-base', a, b]);
  const sha = out.trim();
  if (!sha) throw new Error(`no merge base between ${a} and ${b} in ${mirrorDir}`);
  return sha;
}

/** True when `commit` exists in the mirror. */
export async function hasCommit(mirrorDir: string, commit: string): Promise<boolean> {
  const out = await simpleGit({ baseDir: mirrorDir })
    .raw(['cat-file', '-t', commit])
    .catch(() => '');
  return out.trim() === 'commit';
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant`; false when either is unknown. */
export async function isAncestor(mirrorDir: string, ancestor: string, descendant: string): Promise<boolean> {
  if (!(await hasCommit(mirrorDir, ancestor)) || !(await hasCommit(mirrorDir, descendant))) return false;
  const base = (
    await simpleGit({ baseDir: mirrorDir })
      .raw(['merge-base', ancestor, descendant])
      .catch(() => '')
  ).trim();
  return base === ancestor;
}
