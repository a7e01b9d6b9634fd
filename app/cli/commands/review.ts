import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { costEstimatorFor } from '../../bot/review/cost-source';
import { renderReviewMarkdown } from '../../bot/review/render-markdown';
import { renderReviewText } from '../../bot/review/render-text';
import { reviewRefs } from '../../bot/review/review-refs';
import { ExitCode, UsageError } from '../errors';
import { loadSnapshotFile } from '../../snapshot/load-snapshot';

interface ReviewFlags {
  readonly base?: string;
  readonly head: string;
  readonly format: string;
  readonly output?: string;
  readonly repoRoot?: string;
  /** Former name of `repoRoot`. */
  readonly repo?: string;
  readonly tree: string;
  readonly costSnapshot?: string;
  readonly snapshot?: string;
  readonly seriesSnapshot?: string;
  readonly prometheus?: string;
  readonly failOn: string;
}

const FORMATS = ['text', 'markdown', 'json'] as const;

/** `phoenix review`: what a change does to each cluster, from the committed trees of two refs. */
export function register(program: Command): void {
  program
    .command('review')
    .description(
      'review the committed gitops/ trees of two refs: objects added/changed/removed per environment, policy findings on head, cost change, guardrails at risk (runs no code from the refs)',
    )
    .requiredOption('--base <ref>', 'the ref the change goes into (e.g. origin/main)')
    .option('--head <ref>', 'the ref holding the change', 'HEAD')
    .option('--format <format>', `output format: ${FORMATS.join(' | ')} (markdown: what the bot posts)`, 'text')
    .option('-o, --output <path>', 'write the report to a file instead of stdout')
    .option('--repo-root <dir>', 'the git repository to read, as in check and synth (default: .)')
    .addOption(new Option('--repo <dir>', 'former name of --repo-root').hideHelp())
    .option('--tree <folder>', 'folder of the synthesized tree in the repository', 'gitops')
    .option('--cost-snapshot <file>', 'measured monthly cost per experiment variant (JSON, see docs/bot.md)')
    .option(
      '--snapshot <file>',
      'active series (Prometheus / OpenMetrics text) to simulate the base and head collector configs over, as in estimate and recommend',
    )
    .addOption(new Option('--series-snapshot <file>', 'former name of --snapshot').hideHelp())
    .option('--prometheus <url>', 'Prometheus-compatible API to read the active series from, for the cost estimate')
    .option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists: error | warning | never', 'error')
    .action(async (flags: ReviewFlags) => {
      process.exitCode = await runReview(flags);
    });
}

async function runReview(flags: ReviewFlags): Promise<number> {
  if (!FORMATS.includes(flags.format as (typeof FORMATS)[number])) throw new UsageError(`--format '${flags.format}' is not one of ${FORMATS.join(', ')}`);
  if (!['error', 'warning', 'never'].includes(flags.failOn)) throw new UsageError(`--fail-on '${flags.failOn}' is not one of error, warning, never`);
  const repo = flags.repoRoot ?? flags.repo ?? '.';
  if (!fs.existsSync(path.resolve(repo))) throw new UsageError(`--repo-root ${repo} does not exist`);
  const seriesFile = flags.snapshot ?? flags.seriesSnapshot;
  const report = await reviewRefs({
    repoDir: path.resolve(repo),
    base: flags.base as string,
    head: flags.head,
    treeFolder: flags.tree,
    estimateCost: costEstimatorFor({
      costSnapshot: flags.costSnapshot,
      seriesSnapshot: flags.snapshot ?? flags.seriesSnapshot,
      prometheusUrl: flags.prometheus,
    }),
    // the guardrails at risk are judged over the same series as the cost, when a series snapshot is given
    ...(seriesFile ? { assessmentSeries: (await loadSnapshotFile(seriesFile)).series } : {}),
  });
  const text =
    flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : flags.format === 'markdown' ? renderReviewMarkdown(report) : renderReviewText(report);
  if (flags.output) writeAtomic(flags.output, text);
  else process.stdout.write(text);
  const failing = flags.failOn === 'never' ? 0 : flags.failOn === 'warning' ? report.summary.errors + report.summary.warnings : report.summary.errors;
  return failing > 0 ? ExitCode.findings : ExitCode.ok;
}

function writeAtomic(file: string, text: string): void {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, target);
}
