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
  /** The tree's folder relative to the repository root, for Flux paths. @default - outDir relative to the current folder */
  readonly fluxPath?: string;
}

/** Loads and synthesizes the tree in memory (no writes); every problem is an exit-2 error. */
export function synthesizeFromSources(options: SynthTreeOptions): SynthesizedTree {
  const environments = selectEnvironments(loadEnvironments(options.environmentsDir), options.environments);
  const experiments = loadExperiments(options.experimentsDir);
  return synthesizeTree({ environments, experiments, fluxPath: options.fluxPath ?? fluxPathFor(options.outDir) });
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

/**
 * The Flux path of a tree written to `outDir`: its path relative to the current folder (the
 * repository root under `npm run synth`), or its folder name when it lies elsewhere.
 */
export function fluxPathFor(outDir: string): string {
  const relative = path.relative(process.cwd(), path.resolve(outDir));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return path.basename(path.resolve(outDir));
  return relative.split(path.sep).join('/');
}

function scopeOf(options: SynthTreeOptions) {
  return options.environments && options.environments.length > 0 ? environmentsScope(options.environments) : wholeTree;
}
