import * as fs from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import * as policies from '../../../policies';
import type { CheckMode, ReportFormat } from '../../../policies';
import { openCollectorBinary } from '../../../clients/collector/otelcol';
import { gitRemotes } from '../../../clients/git/local-git';
import { COLLECTOR_RELEASE } from '../../../constructs/collector/release';
import { ExitCode, UsageError } from '../errors';

interface CheckFlags {
  readonly format: ReportFormat;
  readonly output?: string;
  readonly waivers?: string;
  readonly repoRoot?: string;
  readonly failOn: 'error' | 'warning' | 'never';
  readonly mode?: CheckMode;
  readonly maxFileSize: string;
  readonly fluxInterval?: string;
  readonly listRules?: boolean;
  readonly collector?: string;
  readonly collectorTimeout: string;
}

/** `phoenix check`: policies over the GitOps tree, or any manifests and collector configs. */
export function register(program: Command): void {
  program
    .command('check')
    .description('check manifests and collector configs against the policy packs (default: gitops/)')
    .argument('[paths...]', 'files or folders (*.yaml, *.yml, *.json, recursively)')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'sarif', 'junit', 'markdown']).default('text'))
    .option('-o, --output <path>', 'write the report to this file instead of stdout')
    .option('--waivers <file>', 'waivers file (default: .phoenix/waivers.yaml of the repository root, when present)')
    .option(
      '--repo-root <dir>',
      'the repository root that Flux paths and the default waivers file are relative to (default: the git repository holding the first path)',
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse remains (never: report only)')
        .choices(['error', 'warning', 'never'])
        .default('error'),
    )
    .addOption(new Option('--mode <mode>', 'former spelling: enforce = --fail-on error, audit = --fail-on never').choices(['enforce', 'audit']).hideHelp())
    .option('--max-file-size <MiB>', 'larger input files are an input error', '64')
    .option('--flux-interval <min..max>', 'allowed Flux reconcile intervals (Go durations)', '30s..24h')
    .option('--list-rules', 'list the rules and exit')
    .option(
      '--collector <path>',
      `also run rule collector/loads: the pinned collector (${COLLECTOR_RELEASE}) validates every collector config (default: $PHOENIX_OTELCOL)`,
    )
    .option('--collector-timeout <seconds>', 'a collector validate that takes longer is killed and reported', '20')
    .action((paths: string[], flags: CheckFlags) => {
      process.exitCode = runCheck(paths, flags);
    });
}

function runCheck(paths: string[], flags: CheckFlags): number {
  if (flags.listRules) {
    policies.registerBuiltinPacks();
    const lines = policies.allRules().map((rule) => `${rule.id.padEnd(40)} ${rule.severity.padEnd(8)} ${rule.description}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.ok;
  }
  const maxFileSizeMiB = Number(flags.maxFileSize);
  if (!Number.isFinite(maxFileSizeMiB) || maxFileSizeMiB <= 0) throw new UsageError(`--max-file-size '${flags.maxFileSize}' must be a positive number of MiB`);
  const inputs = paths.length > 0 ? paths : defaultPaths();
  const failOn = flags.mode === 'audit' ? 'never' : flags.mode === 'enforce' ? 'error' : flags.failOn;
  const collectorPath = flags.collector ?? process.env.PHOENIX_OTELCOL;
  policies.registerBuiltinPacks();
  const timeoutSeconds = Number(flags.collectorTimeout);
  if (!(timeoutSeconds > 0)) throw new UsageError(`--collector-timeout '${flags.collectorTimeout}' must be a positive number of seconds`);
  const collectorRule = collectorPath
    ? policies.createCollectorLoadsRule(openCollectorBinary(collectorPath, COLLECTOR_RELEASE, timeoutSeconds * 1000))
    : undefined;
  if (!collectorRule)
    process.stderr.write('info: collector/loads skipped: give --collector PATH (or PHOENIX_OTELCOL) to have the pinned collector validate every config\n');
  const repoRoot = policies.resolveRepoRoot(path.resolve(inputs[0] ?? '.'), flags.repoRoot);
  const report = policies.checkPaths(inputs, {
    ...(collectorRule ? { rules: [...policies.allRules(), collectorRule] } : {}),
    mode: failOn === 'never' ? 'audit' : 'enforce',
    waiversFile: flags.waivers,
    repoRoot,
    maxFileSizeBytes: maxFileSizeMiB * 2 ** 20,
    ruleOptions: {
      ...parseIntervalRange(policies.parseGoDuration, flags.fluxInterval ?? '30s..24h'),
      // the repository's remotes tell its own Flux Git sources from other repositories' (ADR 0193)
      homeRepository: policies.homeRepositoryOf(gitRemotes(repoRoot)),
    },
  });
  const color = !flags.output && flags.format === 'text' && policies.shouldColor(process.stdout);
  const rendered = policies.renderReport(report, flags.format, { color });
  if (flags.output) {
    writeAtomically(flags.output, rendered);
    process.stderr.write(`${policies.summaryLine(report)}; report written to ${flags.output}\n`);
  } else {
    process.stdout.write(rendered);
  }
  const failing = failOn === 'warning' ? report.counts.error + report.counts.warning : failOn === 'error' ? report.counts.error : 0;
  return failing > 0 ? ExitCode.findings : ExitCode.ok;
}

function defaultPaths(): string[] {
  if (fs.existsSync('gitops')) return ['gitops'];
  throw new UsageError('no paths given and no gitops/ folder here: pass files or folders to check, or run `npm run synth` first');
}

function parseIntervalRange(goSeconds: (text: string) => number | undefined, text: string): { fluxIntervalMinSeconds: number; fluxIntervalMaxSeconds: number } {
  const match = /^(\S+)\.\.(\S+)$/.exec(text);
  const [min, max] = match ? [goSeconds(match[1]), goSeconds(match[2])] : [undefined, undefined];
  if (min === undefined || max === undefined || min > max) {
    throw new UsageError(`--flux-interval '${text}' must be MIN..MAX with Go durations and MIN <= MAX, e.g. 30s..24h`);
  }
  return { fluxIntervalMinSeconds: min, fluxIntervalMaxSeconds: max };
}

function writeAtomically(file: string, content: string): void {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}
