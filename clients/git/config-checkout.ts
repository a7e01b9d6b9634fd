import { isAncestor } from './local-git';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { InputError } from '../../analysis/input-error';
import { redactMessage, runRemoteGit, type GitTokenSource } from './run-git';

/**
 * The watcher's read-only clone of the config repo: fetched each cycle and moved to the tip of
 * the watched branch. The work dir belongs to the watcher alone (it is reset, never committed to).
 */
export class ConfigCheckout {
  /**
   * Clones `url` into `dir` (or fetches into an existing clone) and checks out `origin/<branch>`.
   * An HTTPS remote gets a current token from `tokens` in each command's environment (never on disk).
   */
  static async sync(url: string, branch: string, dir: string, tokens?: GitTokenSource): Promise<ConfigCheckout> {
    await mkdir(dir, { recursive: true });
    const hasClone = await stat(path.join(dir, '.git')).then(
      () => true,
      () => false,
    );
    const git = simpleGit({ baseDir: dir });
    try {
      if (!hasClone) await runRemoteGit(['clone', '--quiet', '--branch', branch, '--no-tags', url, dir], { cwd: dir, remoteUrl: url, tokens });
      else await git.remote(['set-url', 'origin', url]);
      await runRemoteGit(['fetch', '--quiet', '--prune', '--no-tags', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`], {
        cwd: dir,
        remoteUrl: url,
        tokens,
      });
      await git.checkout(['--force', '--detach', `origin/${branch}`]);
    } catch (error) {
      throw new InputError(`cannot fetch the config repo ${redact(url)} (branch ${branch}) into ${dir}: ${redactMessage((error as Error).message)}`);
    }
    const head = (await git.revparse(['HEAD'])).trim();
    return new ConfigCheckout(dir, git, head);
  }

  private readonly ancestry = new Map<string, Promise<boolean | undefined>>();

  private constructor(
    /** The work dir. */
    readonly dir: string,
    private readonly git: SimpleGit,
    /** The commit checked out. */
    readonly head: string,
  ) {}

  /**
   * The newest commit touching each direct sub-folder of `folder` (repo-relative), from one
   * `git log` walk instead of one per sub-folder: sub-folder name → commit.
   */
  async lastChangesUnder(folder: string): Promise<Map<string, string>> {
    const prefix = folder.replace(/\/+$/, '') + '/';
    const out = await this.git.raw(['log', '--format=>%H', '--name-only', 'HEAD', '--', prefix]);
    const newest = new Map<string, string>();
    let commit = '';
    for (const line of out.split('\n')) {
      if (line.startsWith('>')) commit = line.slice(1).trim();
      else if (line.startsWith(prefix)) {
        const name = line.slice(prefix.length).split('/')[0]!;
        if (name && !newest.has(name)) newest.set(name, commit);
      }
    }
    return newest;
  }

  private history?: Promise<string[]>;

  /** Whether `descendant` contains `ancestor`; `undefined` when either commit is unknown here. */
  contains(ancestor: string, descendant: string): Promise<boolean | undefined> {
    const key = `${ancestor}..${descendant}`;
    let pending = this.ancestry.get(key);
    if (!pending) {
      // simple-git reports exit code 1 without stderr as success, so ask git by exit code.
      pending = isAncestor(this.dir, ancestor, descendant);
      this.ancestry.set(key, pending);
    }
    return pending;
  }

  /** Commits from HEAD back to `sha` inclusive, newest first, at most `limit`. */
  async commitsSince(sha: string, limit = 50): Promise<string[]> {
    this.history ??= this.git.raw(['rev-list', `--max-count=${limit}`, 'HEAD']).then((out) => out.split('\n').filter(Boolean));
    const list = await this.history;
    const index = list.indexOf(sha);
    return index >= 0 ? list.slice(0, index + 1) : list;
  }
}

/** Removes credentials from a URL or a message that quotes one. */
export function redact(text: string): string {
  return redactMessage(text);
}
