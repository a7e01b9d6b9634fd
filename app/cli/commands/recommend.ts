import type { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import {
  analyzeQueries,
  findConfigMapDashboards,
  findDashboardQueries,
  findRuleQueries,
  formatQueryProblem,
  type AnalyzedQuery,
  type FoundQuery,
} from '../../../analysis/promql';
import {
  recommendReductions,
  renderExperimentSource,
  renderRecommendationJson,
  renderRecommendationMarkdown,
  renderRecommendationText,
  type InlineGuardrail,
  type UnreadableSource,
} from '../../../analysis/recommend';
import { metricsInputNaming } from '../../../analysis/naming';
import { DEFAULT_BYTES_PER_SAMPLE } from '../../../analysis/simulate/rates';
import { CollectorPipeline } from '../../../constructs/collector';
import type { SeriesSnapshot } from '../../../analysis/series';
import { loadEnvironments } from '../../../environments/load-environments';
import { startProgress } from '../progress';
import * as snapshots from '../../snapshot/load-snapshot';
import { UsageError } from '../errors';

interface RecommendFlags {
  readonly snapshot?: string;
  readonly prometheus?: string;
  readonly rules?: string;
  readonly dashboards?: string;
  readonly minSavingsPercent: string;
  readonly dropUnused?: boolean;
  readonly output?: string;
  readonly force?: boolean;
  readonly format: string;
  readonly env?: string;
  readonly baseline?: string;
  readonly bytesPerSample: string;
}

const FORMATS = ['text', 'json', 'markdown'] as const;

/** `phoenix recommend`: the lossless reductions the queries allow, ranked, and the experiment that tries them. */
export function register(program: Command): void {
  program
    .command('recommend')
    .description('find, per metric, the cheapest pipeline change that keeps every rule and dashboard answer; rank them and write the experiment')
    .option('--snapshot <file>', 'Prometheus / OpenMetrics text file of the active series')
    .option('--prometheus <url>', 'Prometheus-compatible API to read the active series from')
    .option('--rules <dir>', 'folder of Prometheus rule files / PrometheusRule objects (*.yaml, *.yml)')
    .option('--dashboards <dir>', 'folder of Grafana dashboards (*.json)')
    .option('--min-savings-percent <n>', 'list, but do not recommend, changes saving less than this share of their metric', '10')
    .option('--drop-unused', 'drop metrics that no query reads')
    .option('-o, --output <file>', 'write the experiment here (e.g. experiments/recommended.ts)')
    .option('--force', 'overwrite the --output file')
    .option('--baseline <file>', 'production collector config (YAML) the experiment shadows (default: a built OTLP gateway placeholder)')
    .option('--env <name>', 'environment whose price model and scrape interval apply (default: the first in promotion order)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--bytes-per-sample <n>', 'bytes per sample for the bytes estimate', String(DEFAULT_BYTES_PER_SAMPLE))
    .action(async (flags: RecommendFlags) => {
      process.stdout.write(await runRecommend(flags));
      process.exitCode = 0;
    });
}

/** Runs the command: returns the rendered report and writes the experiment when `output` is set. */
export async function runRecommend(flags: RecommendFlags): Promise<string> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`unknown --format '${flags.format}': use one of ${FORMATS.join(', ')}`);
  if ((flags.snapshot === undefined) === (flags.prometheus === undefined)) throw new UsageError('give exactly one of --snapshot FILE or --prometheus URL');
  if (flags.rules === undefined && flags.dashboards === undefined) {
    throw new UsageError('give --rules DIR and/or --dashboards DIR: without the queries that read the metrics nothing can be proved lossless');
  }
  const minSavingsPercent = Number(flags.minSavingsPercent);
  if (!Number.isFinite(minSavingsPercent) || minSavingsPercent < 0 || minSavingsPercent > 100)
    throw new UsageError(`--min-savings-percent must be a number from 0 to 100, got '${flags.minSavingsPercent}'`);
  const bytesPerSample = Number(flags.bytesPerSample);
  if (!Number.isFinite(bytesPerSample) || bytesPerSample < 0) throw new UsageError(`--bytes-per-sample must be a number ≥ 0, got '${flags.bytesPerSample}'`);
  const experimentName = flags.output === undefined ? undefined : experimentNameOf(flags.output);
  if (flags.output !== undefined && fs.existsSync(flags.output) && !flags.force)
    throw new UsageError(`${flags.output} exists: pass --force to overwrite it, or choose another -o file`);
  if (flags.baseline !== undefined && !fs.existsSync(flags.baseline))
    throw new UsageError(`--baseline ${flags.baseline} does not exist: give the production collector config (YAML)`);

  // The processors must name metrics as the baseline's receivers deliver them (OTLP: OpenTelemetry names).
  const baselineInput =
    flags.baseline === undefined
      ? 'otel'
      : metricsInputNaming(CollectorPipeline.fromYaml(flags.baseline).render() as unknown as Readonly<Record<string, unknown>>);
  const naming = baselineInput === 'none' ? 'scraped' : baselineInput;

  const environments = loadEnvironments();
  const env = flags.env === undefined ? environments[0] : environments.find((e) => e.name === flags.env);
  if (!env) throw new UsageError(`unknown --env '${flags.env}': use one of ${environments.map((e) => e.name).join(', ') || '(no environments found)'}`);

  const progress = startProgress('recommend');
  let sources: ReturnType<typeof readQuerySources>;
  let snapshot: SeriesSnapshot;
  let report: ReturnType<typeof recommendReductions>;
  try {
    progress.step('reading rules and dashboards');
    sources = readQuerySources(flags.rules, flags.dashboards);
    progress.step(`reading the snapshot${flags.prometheus !== undefined ? ' from Prometheus' : ''}`);
    snapshot = flags.snapshot !== undefined ? await snapshots.loadSnapshotFile(flags.snapshot) : await snapshots.loadSnapshotFromPrometheus(flags.prometheus!);
    if (snapshot.series.length === 0) throw new UsageError(`the snapshot from ${snapshot.source} holds no series: nothing to recommend`);
    progress.step(`searching lossless reductions over ${snapshot.series.length} series`);
    report = recommendReductions({
      series: snapshot.series,
      families: snapshot.families,
      queries: sources.analyzed,
      unreadable: sources.unreadable,
      problems: sources.problems,
      priceModel: env.priceModel,
      intervalSeconds: env.metrics.scrapeIntervalSeconds,
      bytesPerSample,
      minSavingsPercent,
      dropUnused: flags.dropUnused ?? false,
    });
  } finally {
    progress.done();
  }

  let written = '';
  if (flags.output !== undefined && !report.metrics.some((m) => m.recommended)) {
    // Nothing worth a change is an answer, not an input error: the table above says why per family (exit 0, ADR 0130).
    written = `nothing written to ${flags.output}: no metric has a recommended change (the reason for each is above)\n`;
  } else if (flags.output !== undefined) {
    const outDir = path.dirname(path.resolve(flags.output));
    const source = renderExperimentSource({
      name: experimentName!,
      metrics: report.metrics,
      ...(flags.baseline ? { baselineFile: path.relative(outDir, path.resolve(flags.baseline)) } : {}),
      baseDirectory: path.relative(outDir, process.cwd()) || '.',
      ruleFiles: sources.wholeRuleFiles,
      dashboards: sources.wholeDashboards,
      inlineQueries: sources.inline,
      minSavingsPercent,
      naming,
      provenance: `Written by \`phoenix recommend\` from ${snapshot.source}: ${report.seriesBefore} → ${report.seriesAfter} series, ${report.queriesAnalysed} queries.`,
    });
    writeAtomically(flags.output, source);
    written = `wrote ${flags.output} (experiment '${experimentName}'): run phoenix synth, then phoenix check\n`;
  }
  const render = { text: renderRecommendationText, json: renderRecommendationJson, markdown: renderRecommendationMarkdown }[
    flags.format as (typeof FORMATS)[number]
  ];
  return render(report) + (flags.format === 'json' ? '' : written);
}

function experimentNameOf(output: string): string {
  if (!output.endsWith('.ts')) throw new UsageError(`-o ${output}: the experiment is TypeScript, give a file ending in .ts (e.g. experiments/recommended.ts)`);
  const name = path.basename(output, '.ts');
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name))
    throw new UsageError(`-o ${output}: the file name '${name}' is the experiment name and must be a DNS label (lowercase letters, digits, '-')`);
  return name;
}

interface QuerySources {
  readonly analyzed: readonly AnalyzedQuery[];
  readonly unreadable: readonly UnreadableSource[];
  readonly problems: readonly string[];
  readonly wholeRuleFiles: readonly string[];
  readonly wholeDashboards: readonly string[];
  readonly inline: readonly InlineGuardrail[];
}

/** Reads every rule file and dashboard, parses their queries, and sorts them into what the experiment can reference whole and what it inlines. */
function readQuerySources(rulesDir: string | undefined, dashboardsDir: string | undefined): QuerySources {
  const analyzed: AnalyzedQuery[] = [];
  const unreadable: UnreadableSource[] = [];
  const problems: string[] = [];
  const wholeRuleFiles: string[] = [];
  const wholeDashboards: string[] = [];
  const inline: InlineGuardrail[] = [];
  const names = new Set<string>();
  const read = (
    dir: string | undefined,
    pattern: RegExp,
    find: (
      file: string,
      text: string,
    ) => { queries: readonly FoundQuery[]; problems: readonly { file: string; line: number; column: number; message: string }[] },
    whole: string[],
    kind: string,
  ) => {
    if (dir === undefined) return;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${kind} folder ${dir} does not exist`);
    for (const file of listFiles(dir, pattern)) {
      const shown = path.relative(process.cwd(), file) || file;
      const text = fs.readFileSync(file, 'utf8');
      const found = find(shown, text);
      const result = analyzeQueries(found.queries);
      for (const p of found.problems) problems.push(formatQueryProblem(p));
      if (found.problems.length > 0) unreadable.push({ where: `${shown}`, text });
      for (const p of result.problems) {
        problems.push(formatQueryProblem(p));
        unreadable.push({ where: `${p.file}:${p.line}:${p.column}`, text: p.query.original });
      }
      analyzed.push(...result.analyzed);
      if (result.analyzed.length === 0) continue;
      const referencable =
        found.problems.length === 0 &&
        result.problems.length === 0 &&
        (kind === 'dashboards' || result.analyzed.every((a) => a.query.origin.source === 'rule-file'));
      if (referencable) {
        whole.push(shown);
        continue;
      }
      for (const a of result.analyzed) {
        let name = `${a.query.origin.name ?? 'query'} (${a.query.origin.file}:${a.query.origin.line})`;
        for (let i = 2; names.has(name); i++) name = `${name} #${i}`;
        names.add(name);
        inline.push({ name, expr: a.query.expr });
      }
    }
  };
  read(rulesDir, /\.ya?ml$/, findRuleQueries, wholeRuleFiles, 'rules');
  if (dashboardsDir !== undefined) refuseConfigMapDashboards(dashboardsDir);
  read(dashboardsDir, /\.json$/, (file, text) => findDashboardQueries(file, text), wholeDashboards, 'dashboards');
  return { analyzed, unreadable, problems, wholeRuleFiles, wholeDashboards, inline };
}

/**
 * Dashboards shipped in ConfigMaps (Helm charts, Grafana's sidecar) are not read; left in the
 * dashboards folder they would be skipped silently and their queries would protect nothing, so they
 * are an input error naming each one (ADR 0195).
 */
function refuseConfigMapDashboards(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return;
  const found = listFiles(dir, /\.ya?ml$/).flatMap((file) =>
    findConfigMapDashboards(path.relative(process.cwd(), file) || file, fs.readFileSync(file, 'utf8')),
  );
  if (found.length === 0) return;
  const shown = found.slice(0, 5).map((d) => `${d.file}:${d.line}:${d.column}: ConfigMap ${d.configMap} holds dashboard ${d.key}`);
  if (found.length > shown.length) shown.push(`… and ${found.length - shown.length} more`);
  throw new UsageError(
    `--dashboards ${dir} holds Grafana dashboards inside ConfigMaps, which Phoenix does not read (it reads *.json files): ` +
      `write each data entry to its own .json file (for example yq '.data["${found[0]!.key}"]' ${found[0]!.file}) and pass that folder\n` +
      shown.join('\n'),
  );
}

function listFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, pattern));
    else if (pattern.test(entry.name)) out.push(full);
  }
  return out;
}

function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
