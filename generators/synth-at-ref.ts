import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { OWNED_LIST } from './owned-tree';
import { SynthError } from './errors';

const run = promisify(execFile);

/** Where to synthesize a side of a diff from. */
export interface SynthSide {
  /** A git revision, or `undefined` for the working tree (uncommitted changes included). */
  readonly ref?: string;
}

/**
 * Synthesizes the tree of `side` in a temporary `git worktree` (the working tree is synthesized
 * in place, written to a temporary folder) by running that revision's own `phoenix synth`, so
 * each side is exactly what its sources produce. The worktree reuses the installed
 * node_modules through a symlink and is removed afterwards. Returns the files (tree-relative).
 * An unknown ref is an exit-2 error.
 */
export async function synthesizeSide(repoRoot: string, side: SynthSide, experimentsDir = 'experiments'): Promise<Map<string, string>> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-diff-'));
  const out = path.join(temp, 'gitops');
  let worktree: string | undefined;
  try {
    let cwd = repoRoot;
    if (side.ref !== undefined) {
      const commit = resolveCommit(repoRoot, side.ref);
      worktree = path.join(temp, 'worktree');
      await run('git', ['worktree', 'add', '--detach', '--quiet', worktree, commit], { cwd: repoRoot });
      fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(worktree, 'node_modules'), 'dir');
      cwd = worktree;
    }
    await runSynth(cwd, out, experimentsDir, side.ref ?? 'the working tree');
    return readTree(out);
  } finally {
    if (worktree) {
      await run('git', ['worktree', 'remove', '--force', worktree], { cwd: repoRoot }).catch(() => undefined);
      await run('git', ['worktree', 'prune'], { cwd: repoRoot }).catch(() => undefined);
    }
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** The commit `ref` names; an exit-2 error naming the ref when git does not know it. */
export function resolveCommit(repoRoot: string, ref: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new SynthError([`unknown git revision '${ref}': give a branch, tag or commit of ${repoRoot} (git rev-parse ${ref} fails)`]);
  }
}

/** The top folder of the git repository containing `dir`; an exit-2 error outside a repository. */
export function repositoryRoot(dir: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new SynthError([`${dir} is not inside a git repository: phoenix diff compares git revisions`]);
  }
}

/** Reads every file under `root` into a map of tree-relative paths, leaving out the owned-files list. */
export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative);
      else if (entry.isFile() && relative !== OWNED_LIST) files.set(relative, fs.readFileSync(path.join(dir, entry.name), 'utf8'));
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return files;
}

function runSynth(cwd: string, out: string, experimentsDir: string, label: string): Promise<void> {
  const tsx = require.resolve('tsx/cli');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, 'app/cli/index.ts', 'synth', '-o', out, '--experiments', experimentsDir], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PHOENIX_DEBUG: '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new SynthError([`cannot synthesize ${label}: ${error.message}`])));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new SynthError([`synthesizing ${label} failed (exit ${code}):\n${stderr.trim()}`]));
    });
  });
}
