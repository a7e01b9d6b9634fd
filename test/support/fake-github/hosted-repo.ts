/**
 * The git side of a repository the fake hosts: a bare remote whose `main` holds a few files (the
 * actuation tests' config repository), and its branches told to the fake as GitHub knows a branch
 * as soon as it is pushed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { git } from '../git';
import type { FakeGitHub } from './fake-github';

/** The state file of the experiment the actuation tests act on: drop-pod-labels, running in dev. */
export const RUNNING_IN_DEV = { 'experiments/drop-pod-labels.state.yaml': 'version: 1\nenvironments:\n  dev:\n    phase: running\n' };

/** The seeded repository: the bare remote (`<root>/remote.git`) and the clone that committed `main` (`<root>/seed`). */
export interface SeededConfigRepo {
  readonly remote: string;
  readonly seed: string;
}

/** Options of {@link seedConfigRepo}. */
export interface SeedOptions {
  /** What `main` holds: path → text. @default RUNNING_IN_DEV */
  readonly files?: Readonly<Record<string, string>>;
  /** Where the bare remote goes (a git server's folder). @default '<root>/remote.git' */
  readonly remote?: string;
}

/** Creates a bare remote with one commit on `main` holding the files, pushed from `<root>/seed`. */
export function seedConfigRepo(root: string, options: SeedOptions = {}): SeededConfigRepo {
  const remote = options.remote ?? path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  mkdirSync(path.dirname(remote), { recursive: true });
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(root, 'clone', '--quiet', remote, seed);
  for (const [file, text] of Object.entries(options.files ?? RUNNING_IN_DEV)) {
    mkdirSync(path.dirname(path.join(seed, file)), { recursive: true });
    writeFileSync(path.join(seed, file), text);
  }
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
  return { remote, seed };
}

/** Tells the GitHub fake every branch of `bare`, as GitHub knows a branch as soon as it is pushed (a `GitHttpServer` `afterPush`). */
export function syncBranchesToGitHub(github: FakeGitHub, repository: string, bare: string): void {
  for (const line of git(bare, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads').split('\n').filter(Boolean)) {
    const [ref, sha] = line.split(' ');
    github.setRef(repository, ref!.replace(/^refs\//, ''), sha!);
  }
}

/**
 * Gives git a person's identity (Alice Operator, alice@example.invalid; `main` as the default branch)
 * through `<root>/gitconfig` and `GIT_CONFIG_GLOBAL`, as a person running `phoenix experiment` has;
 * the test restores `process.env` after.
 */
export function usePersonGitIdentity(root: string): void {
  const gitconfig = path.join(root, 'gitconfig');
  writeFileSync(gitconfig, '[user]\n\tname = Alice Operator\n\temail = alice@example.invalid\n[init]\n\tdefaultBranch = main\n');
  process.env.GIT_CONFIG_GLOBAL = gitconfig;
}

/** A `fetch` that tells the fake the branches of `bare` before every GitHub call (for pushes that bypass a git server). */
export function syncingFetch(github: FakeGitHub, repository: string, bare: string): typeof fetch {
  return async (input, init) => {
    syncBranchesToGitHub(github, repository, bare);
    return fetch(input, init);
  };
}
