import path from 'node:path';
import { loadEnvironments, selectEnvironments } from '../environments/load-environments';
import { loadExperiments } from './load-experiments';
import { checkTree, environmentsScope, wholeTree, writeTree, type TreeDifferences, type WriteReport } from './owned-tree';
import { synthesizeTree, type SynthesizedTree } from './synthesize';

/** Where `phoenix synth` reads and writes. */
export interface SynthTreeOptions {
  /** Output folder. */
  readonly outDir: string;
  /** Folder of the experiment definitions. */
  readonly experimentsDir: string;
  /** Folder of the environments. @default - the repository's environments/ */
  readonly environmentsDir?: string;
  /** Only these environments (others' files are left as they are). @default - every environment */
  readonly environments?: readonly string[];
  /** The repository root the tree belongs to. @default - the current folder */
  readonly repoRoot?: string;
  /** The tree's folder relative to the repository root, for Flux paths. @default - see fluxPathFor */
  readonly fluxPath?: string;
}

/** Loads and synthesizes the tree in memory (no writes); every problem is an exit-2 error. */
export function synthesizeFromSources(options: SynthTreeOptions): SynthesizedTree {
  const environments = selectEnvironments(loadEnvironments(options.environmentsDir), options.environments);
  const experiments = loadExperiments(options.experimentsDir);
  return synthesizeTree({ environments, experiments, fluxPath: options.fluxPath ?? fluxPathFor(options.outDir, options.repoRoot) });
}

/** Synthesizes and writes the tree (see `writeTree` for the safety rules). */
export function synthToDisk(options: SynthTreeOptions): { tree: SynthesizedTree; report: WriteReport } {
  const tree = synthesizeFromSources(options);
  return { tree, report: writeTree(options.outDir, tree.files, scopeOf(options)) };
}

/** Synthesizes and compares with the tree on disk, writing nothing. */
export function synthCheck(options: SynthTreeOptions): { tree: SynthesizedTree; differences: TreeDifferences } {
  const tree = synthesizeFromSources(options);
  return { tree, differences: checkTree(options.outDir, tree.files, scopeOf(options)) };
}

/** Where the tree lives in a config repository unless told otherwise (`phoenix synth`'s default output). */
export const DEFAULT_FLUX_PATH = 'gitops';

/**
 * The Flux path of a tree written to `outDir`: its path relative to the repository root when it lies
 * inside the repository; when it lies outside (a preview in a temporary folder), the path the tree
 * has in the repository, `gitops`, so every output folder gets the same, resolvable Flux paths.
 */
export function fluxPathFor(outDir: string, repoRoot: string = process.cwd()): string {
  const relative = path.relative(path.resolve(repoRoot), path.resolve(outDir));
  if (relative === '') return '.';
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return DEFAULT_FLUX_PATH;
  return relative.split(path.sep).join('/');
}

function scopeOf(options: SynthTreeOptions) {
  return options.environments && options.environments.length > 0 ? environmentsScope(options.environments) : wholeTree;
}
