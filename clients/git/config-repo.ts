import { spawnSync } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { GitCommandError, runRemoteGit, type GitTokenSource } from './run-git';

/** The author and committer of commits Phoenix makes. */
export interface GitIdentity {
  readonly name: string;
  readonly email: string;
}

/** A commit on a branch, as far as ownership checks need it. */
export interface BranchCommit {
  readonly sha: string;
  readonly authorEmail: string;
  readonly subject: string;
}

/** Result of a push guarded by `--force-with-lease`. */
export type PushResult = 'pushed' | 'rejected';

/** Options for {@link ConfigRepo.open}. */
export interface OpenConfigRepoOptions {
  /** Name of the branch pull requests target. @default 'main' */
  readonly baseBranch?: string;
  /** Token for HTTPS remotes, asked before every clone, fetch and push. @default - none (local or public remotes) */
  readonly tokens?: GitTokenSource;
}

/**
 * A thin adapter over simple-git for the config repository Phoenix reads and proposes changes to:
 * clone or fetch into a work dir, build a branch from the base, commit, push with a lease.
 * It never pushes to the base branch and never force-pushes over commits it did not expect.
 */
export class ConfigRepo {
  /** Clones `remoteUrl` into `workDir`, or fetches when the work dir already holds a clone. */
  static async open(workDir: string, remoteUrl: string, options: OpenConfigRepoOptions = {}): Promise<ConfigRepo> {
    await mkdir(workDir, { recursive: true });
    const hasClone = await stat(path.join(workDir, '.git')).then(
      () => true,
      () => false,
    );
    const git = simpleGit({ baseDir: workDir });
    if (!hasClone) {
      await runRemoteGit(['clone', '--quiet', '--no-tags', remoteUrl, workDir], { cwd: workDir, remoteUrl, tokens: options.tokens });
    } else {
      await git.remote(['set-url', 'origin', remoteUrl]);
    }
    const repo = new ConfigRepo(workDir, git, options.baseBranch ?? 'main', remoteUrl, options.tokens);
    await repo.fetch();
    return repo;
  }

  private constructor(
    /** The work dir holding the clone. */
    readonly dir: string,
    private readonly git: SimpleGit,
    /** The branch pull requests target. */
    readonly baseBranch: string,
    private readonly remoteUrl: string,
    private readonly tokens: GitTokenSource | undefined,
  ) {}

  /** Runs a git command that talks to origin, with a current token in its environment. */
  private remote(args: readonly string[]): Promise<string> {
    return runRemoteGit(args, { cwd: this.dir, remoteUrl: this.remoteUrl, tokens: this.tokens });
  }

  /** Fetches every branch of origin, pruning deleted ones. */
  async fetch(): Promise<void> {
    await this.remote(['fetch', '--quiet', '--prune', '--no-tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
  }

  /** The commit a ref points at, or undefined when it does not exist. */
  async resolve(ref: string): Promise<string | undefined> {
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The commit origin's `branch` points at (as of the last fetch), or undefined. */
  async remoteBranch(branch: string): Promise<string | undefined> {
    return this.resolve(`refs/remotes/origin/${branch}`);
  }

  /** The commit origin's base branch points at. Throws when the base branch does not exist. */
  async baseHead(): Promise<string> {
    const sha = await this.remoteBranch(this.baseBranch);
    if (!sha) throw new Error(`the config repository has no branch '${this.baseBranch}': check the watcher's baseBranch setting`);
    return sha;
  }

  /** Checks out a local `branch` reset to `startPoint` (default: origin's base), discarding local changes. */
  async checkoutFresh(branch: string, startPoint?: string): Promise<void> {
    const start = startPoint ?? `refs/remotes/origin/${this.baseBranch}`;
    await this.git.raw(['checkout', '--force', '-B', branch, start]);
    await this.git.raw(['clean', '-fdq']);
  }

  /**
   * Stages everything under `paths` (additions, changes, deletions) and commits it.
   * Returns the new commit, or undefined when nothing changed.
   */
  async commit(paths: readonly string[], message: string, identity: GitIdentity): Promise<string | undefined> {
    await this.git.raw(['add', '--all', '--', ...paths]);
    const staged = (await this.git.raw(['diff', '--cached', '--name-only'])).trim();
    if (!staged) return undefined;
    await this.git.raw(['-c', `user.name=${identity.name}`, '-c', `user.email=${identity.email}`, 'commit', '--quiet', '--no-verify', '-m', message]);
    return (await this.git.raw(['rev-parse', 'HEAD'])).trim();
  }

  /**
   * Pushes the local `branch` to origin only if origin's branch is still at `expectedRemote`
   * (undefined: the branch must not exist yet). A moved branch is `rejected`, never overwritten.
   * Anything else (credentials refused, no push rights, a protected branch) throws a
   * {@link GitCommandError} saying what to do.
   */
  async push(branch: string, expectedRemote: string | undefined): Promise<PushResult> {
    if (branch === this.baseBranch) throw new Error(`refusing to push to the base branch '${branch}'`);
    const lease = `--force-with-lease=refs/heads/${branch}:${expectedRemote ?? ''}`;
    try {
      await this.remote(['push', '--porcelain', lease, 'origin', `refs/heads/${branch}:refs/heads/${branch}`]);
      return 'pushed';
    } catch (error) {
      if (error instanceof GitCommandError && error.kind === 'rejected') return 'rejected';
      throw error;
    }
  }

  /** Commits on origin's `branch` that are not on origin's base branch, newest first. */
  async branchCommits(branch: string): Promise<BranchCommit[]> {
    const out = await this.git.raw(['log', '--format=%H%x09%ae%x09%s', `refs/remotes/origin/${this.baseBranch}..refs/remotes/origin/${branch}`]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, authorEmail, ...subject] = line.split('\t');
        return { sha, authorEmail, subject: subject.join('\t') };
      });
  }

  /** True when `ancestor` is `descendant` or one of its ancestors. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    // simple-git treats a non-zero exit without stderr as success, so ask git directly.
    const result = spawnSync('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd: this.dir });
    if (result.status === 0) return true;
    if (result.status === 1) return false;
    throw new Error(`git merge-base failed in ${this.dir}: ${result.stderr.toString().trim()}`);
  }

  /** The last commit reachable from `ref` that touched any of `paths`, or undefined. */
  async lastCommitTouching(ref: string, paths: readonly string[]): Promise<string | undefined> {
    const out = (await this.git.raw(['log', '-1', '--format=%H', ref, '--', ...paths])).trim();
    return out || undefined;
  }

  /** True when two commits hold the same tree (a rebuilt branch that changes nothing). */
  async sameTree(a: string, b: string): Promise<boolean> {
    const [treeA, treeB] = await Promise.all([this.git.raw(['rev-parse', `${a}^{tree}`]), this.git.raw(['rev-parse', `${b}^{tree}`])]);
    return treeA.trim() === treeB.trim();
  }

  /** Deletes origin's `branch` (used when a reversed verdict closes its pull request). */
  async deleteRemoteBranch(branch: string): Promise<void> {
    if (branch === this.baseBranch) throw new Error(`refusing to delete the base branch '${branch}'`);
    await this.remote(['push', '--quiet', 'origin', `:refs/heads/${branch}`]);
  }
}
