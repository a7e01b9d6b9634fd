/**
 * A config repository for the actuation tests: a bare remote whose `main` holds a few files, and
 * its branches mirrored into the GitHub fake as a push to GitHub would make them known there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeGitHub } from './fake-github';
import { git } from './watcher-repo';

/** The state file of the experiment the actuation tests act on: drop-pod-labels, running in dev. */
export const RUNNING_IN_DEV = { 'experiments/drop-pod-labels.state.yaml': 'version: 1\nenvironments:\n  dev:\n    phase: running\n' };

/** The seeded repository: the bare remote (`<root>/remote.git`) and the clone that committed `main` (`<root>/seed`). */
export interface SeededConfigRepo {
  readonly remote: string;
  readonly seed: string;
}

/** Creates `<root>/remote.git` with one commit on `main` holding `files` (path → text), pushed from `<root>/seed`. */
export function seedConfigRepo(root: string, files: Readonly<Record<string, string>> = RUNNING_IN_DEV): SeededConfigRepo {
  const remote = path.join(root, 'remote.git');
  const seed = path.join(root, 'seed');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(root, 'clone', '--quiet', remote, seed);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(seed, file)), { recursive: true });
    writeFileSync(path.join(seed, file), text);
  }
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
  return { remote, seed };
}

/** Makes every branch of the bare `remote` a ref of `repository` in the GitHub fake. */
export function mirrorBranches(remote: string, github: FakeGitHub, repository = 'acme/config'): void {
  for (const line of git(remote, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads').split('\n').filter(Boolean)) {
    const [ref, sha] = line.split(' ');
    github.setRef(repository, ref!.replace(/^refs\//, ''), sha!);
  }
}

/** A `fetch` that mirrors the remote's branches into the fake before every GitHub call. */
export function mirroringFetch(remote: string, github: FakeGitHub, repository = 'acme/config'): typeof fetch {
  return async (input, init) => {
    mirrorBranches(remote, github, repository);
    return fetch(input, init);
  };
}
