import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repositoryRoot, resolveCommitSync, withDetachedWorktree } from '../clients/git/worktree';
import { OWNED_LIST } from './owned-tree';

/** Where to synthesize a side of a diff from. */
export interface SynthSide {
  /** A git revision, or `undefined` for the working tree (uncommitted changes included). */
  readonly ref?: string;
}

/**
 * Synthesizes the sources in `cwd` into `outDir`. The caller decides how: `phoenix diff` runs each
 * revision's own `phoenix synth`, so each side is exactly what its sources produce.
 */
export type RevisionSynth = (cwd: string, outDir: string, experimentsDir: string, label: string) => Promise<void>;

/**
 * Synthesizes the tree of `side` with `synth`: a revision in a temporary detached worktree, the
 * working tree in place (written to a temporary folder). Returns the files (tree-relative).
 * An unknown ref is an input error.
 */
export async function synthesizeSide(repoRoot: string, side: SynthSide, experimentsDir: string, synth: RevisionSynth): Promise<Map<string, string>> {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-diff-'));
  const out = path.join(temp, 'gitops');
  try {
    if (side.ref === undefined) {
      await synth(repoRoot, out, experimentsDir, 'the working tree');
    } else {
      const commit = resolveCommit(repoRoot, side.ref);
      await withDetachedWorktree(repoRoot, commit, temp, (dir) => synth(dir, out, experimentsDir, side.ref!));
    }
    return readTree(out);
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** The commit `ref` names; an input error naming the ref when git does not know it. */
export function resolveCommit(repoRoot: string, ref: string): string {
  return resolveCommitSync(repoRoot, ref);
}

export { repositoryRoot };

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
