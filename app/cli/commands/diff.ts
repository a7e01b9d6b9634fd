import type { Command } from 'commander';
import * as generators from '../../../generators';
import { loadEnvironments } from '../../../environments/load-environments';
import { UsageError } from '../errors';
import { runRevisionSynth } from '../run-revision-synth';
import { withProgress } from '../progress';

interface DiffFlags {
  readonly base: string;
  readonly head?: string;
  readonly format: string;
  readonly experiments: string;
}

const FORMATS = ['text', 'markdown', 'json'] as const;

/** `phoenix diff`: what each cluster gets from a change, object by object. */
export function register(program: Command): void {
  program
    .command('diff')
    .description('synthesize two revisions and show per environment the objects added, changed and removed (exit 1 when they differ)')
    .option('--base <ref>', 'base revision', 'HEAD')
    .option('--head <ref>', 'head revision (default: the working tree, uncommitted changes included)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--experiments <dir>', 'folder of the experiment definitions, relative to the repository root', 'experiments')
    .action(async (flags: DiffFlags) => {
      process.exitCode = await runDiff(flags);
    });
}

async function runDiff(flags: DiffFlags): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) {
    throw new UsageError(`unknown --format '${flags.format}': use one of ${FORMATS.join(', ')}`);
  }
  const root = generators.repositoryRoot(process.cwd(), 'phoenix diff compares git revisions');
  const baseCommit = generators.resolveCommit(root, flags.base);
  const headCommit = flags.head === undefined ? undefined : generators.resolveCommit(root, flags.head);
  const diff = await withProgress('diff', async (progress) => {
    progress.step(`synthesizing ${flags.base} (${baseCommit.slice(0, 12)}) and ${flags.head ?? 'the working tree'}`);
    const baseSide = generators.synthesizeSide(root, { ref: baseCommit }, flags.experiments, runRevisionSynth);
    // One commit on both sides gives one tree: synthesize it once.
    const headSide = headCommit === baseCommit ? baseSide : generators.synthesizeSide(root, { ref: headCommit }, flags.experiments, runRevisionSynth);
    const [baseFiles, headFiles] = await Promise.all([baseSide, headSide]);
    progress.step('comparing the trees');
    const order = loadEnvironments().map((env) => env.name);
    return generators.diffTrees(baseFiles, headFiles, order);
  });
  const render = { text: generators.renderDiffText, markdown: generators.renderDiffMarkdown, json: generators.renderDiffJson }[
    flags.format as (typeof FORMATS)[number]
  ];
  process.stdout.write(render(diff));
  return generators.isEmptyDiff(diff) ? 0 : 1;
}
