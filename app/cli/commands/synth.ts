import path from 'node:path';
import type { Command } from 'commander';
import { isFresh, synthCheck, synthToDisk, type SynthSummary, type SynthTreeOptions } from '../../../generators';
import { resolveRepoRoot } from '../../../policies/context';
import { ExitCode, UsageError } from '../errors';
import { startProgress, type Progress } from '../progress';

interface SynthFlags {
  readonly output: string;
  readonly env?: string[];
  readonly check?: boolean;
  readonly experiments: string;
  readonly repoRoot?: string;
  readonly fluxPath?: string;
}

/** `phoenix synth`: experiments × environments → the GitOps tree Flux reconciles. */
export function register(program: Command): void {
  program
    .command('synth')
    .description('synthesize the experiments into the GitOps tree (gitops/): Flux objects per cluster, collector objects per experiment')
    .option('-o, --output <path>', 'output folder', 'gitops')
    .option('--env <name...>', 'only these environments (the others are left as they are)')
    .option('--check', 'write nothing; exit 1 and list the differences when the tree on disk is stale')
    .option('--experiments <dir>', 'folder of the experiment definitions', 'experiments')
    .option('--repo-root <dir>', 'the config repository the tree belongs to (default: the git repository holding the experiments folder)')
    .option(
      '--flux-path <path>',
      "the tree's folder relative to the repository root, as Flux sees it (default: the output folder's path in the repository, or gitops when it lies outside)",
    )
    .action((flags: SynthFlags) => {
      process.exitCode = runSynth(flags);
    });
}

function runSynth(flags: SynthFlags): number {
  const progress = startProgress('synth');
  try {
    progress.step(flags.check ? 'synthesizing and comparing with the tree on disk' : 'synthesizing and writing the tree');
    return synth(flags, progress);
  } finally {
    progress.done();
  }
}

function synth(flags: SynthFlags, progress: Progress): number {
  const repoRoot = resolveRepoRoot(path.resolve(flags.experiments), flags.repoRoot);
  const fluxPath = flags.fluxPath === undefined ? undefined : checkedFluxPath(flags.fluxPath);
  const options: SynthTreeOptions = {
    outDir: flags.output,
    experimentsDir: flags.experiments,
    environments: flags.env,
    repoRoot,
    ...(fluxPath ? { fluxPath } : {}),
  };
  const shown = displayPath(flags.output);
  if (flags.check) {
    const { tree, differences } = synthCheck(options);
    progress.done();
    if (isFresh(differences)) {
      process.stdout.write(`${shown}/ is up to date (${tree.files.size} files, ${tree.summaries.length} experiment × environment pairs)\n`);
      return ExitCode.ok;
    }
    const lines = [
      ...differences.missing.map((file) => `missing  ${shown}/${file}`),
      ...differences.changed.map((file) => `stale    ${shown}/${file}`),
      ...differences.extra.map((file) => `extra    ${shown}/${file}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    process.stderr.write(`phoenix: ${shown}/ is stale (${lines.length} files differ): run 'npm run synth' and commit the result\n`);
    return ExitCode.findings;
  }
  const { tree, report } = synthToDisk(options);
  progress.done();
  for (const summary of tree.summaries) process.stdout.write(`${summaryLine(summary, shown)}\n`);
  if (report.repaired) process.stdout.write('repaired the tree left by an interrupted synth\n');
  process.stdout.write(
    `${shown}/: ${tree.files.size} files, ${tree.objectCount} objects (${report.written.length} written, ${report.unchanged} unchanged, ${report.removed.length} removed)\n`,
  );
  return ExitCode.ok;
}

function summaryLine(summary: SynthSummary, shown: string): string {
  const head = `${summary.environment.padEnd(8)} ${summary.experiment.padEnd(28)} ${summary.phase.padEnd(11)} ${String(summary.objects).padStart(3)} objects → ${shown}/${summary.folder}/`;
  if (!summary.detail) return head;
  // The Experiment's line repeats name, environment and phase ("experiment x (dev, running): …"): keep what follows.
  return `${head}  ${summary.detail.replace(/^experiment \S+ \([^)]*\): /, '')}`;
}

function checkedFluxPath(given: string): string {
  const normalized = path.posix.normalize(given.replace(/^\.\//, ''));
  if (given.startsWith('/') || normalized === '..' || normalized.startsWith('../')) {
    throw new UsageError(`--flux-path '${given}' must be a folder inside the repository, relative to its root (for example gitops)`);
  }
  return normalized.replace(/\/+$/, '') || '.';
}

function displayPath(output: string): string {
  const relative = path.relative(process.cwd(), path.resolve(output));
  return (relative && !relative.startsWith('..') ? relative : path.resolve(output)).replace(/\/$/, '');
}
