import type { Command } from 'commander';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assessGuardrail, estimateExperiment, type ExperimentEstimate } from '../../../analysis/cost';
import { DEFAULT_BYTES_PER_SAMPLE } from '../../../analysis/simulate/rates';
import type { SeriesSnapshot } from '../../../analysis/series';
import { loadEnvironments } from '../../../environments/load-environments';
import { loadExperiments } from '../../../generators';
import { experimentsForEstimate } from '../../snapshot/experiment-variants';
import * as snapshots from '../../snapshot/load-snapshot';
import { UsageError } from '../errors';
import { renderEstimateJson, renderEstimateMarkdown, renderEstimateText, type EstimateReport } from './estimate-report';

interface EstimateFlags {
  readonly snapshot?: string;
  readonly prometheus?: string;
  readonly experiment?: string;
  readonly env?: string;
  readonly format: string;
  readonly experiments: string;
  readonly bytesPerSample: string;
  readonly output?: string;
  readonly failOn: string;
}

const FORMATS = ['text', 'json', 'markdown'] as const;
const FAIL_ON = ['changed', 'never'] as const;

/** `phoenix estimate`: what each experiment's candidates would save, before anything runs. */
export function register(program: Command): void {
  program
    .command('estimate')
    .description(
      'simulate each experiment variant over a series snapshot: series, samples/min and money per month before/after, shadow cost, guardrail verdicts',
    )
    .option('--snapshot <file>', 'Prometheus / OpenMetrics text file of the active series (e.g. experiments/snapshots/example.prom)')
    .option('--prometheus <url>', 'Prometheus-compatible API to read the active series from')
    .option('--experiment <name>', 'only this experiment')
    .option('--env <name>', 'environment whose price model and scrape interval apply (default: the first in promotion order)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--experiments <dir>', 'folder of the experiment definitions', 'experiments')
    .option('--bytes-per-sample <n>', 'bytes per sample for the bytes estimate', String(DEFAULT_BYTES_PER_SAMPLE))
    .option('-o, --output <path>', 'write the report to a file (atomically) instead of stdout')
    .option('--fail-on <verdict>', `exit 1 when a guardrail's answer changes under a candidate: ${FAIL_ON.join(' | ')}`, 'changed')
    .action(async (flags: EstimateFlags) => {
      if (!(FAIL_ON as readonly string[]).includes(flags.failOn)) throw new UsageError(`unknown --fail-on '${flags.failOn}': use one of ${FAIL_ON.join(', ')}`);
      const report = await estimate(flags);
      const rendered = renderEstimate(report, flags.format);
      if (flags.output) writeAtomically(flags.output, rendered);
      else process.stdout.write(rendered);
      process.exitCode = flags.failOn === 'changed' && breaksAGuardrail(report) ? 1 : 0;
    });
}

function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
  }
}

/** True when some candidate changes some guardrail's answer. */
export function breaksAGuardrail(report: EstimateReport): boolean {
  return report.estimates.some((estimate) => estimate.candidates.some((candidate) => candidate.guardrails.some(({ verdict }) => verdict.status === 'changed')));
}

function renderEstimate(report: EstimateReport, format: string): string {
  return { text: renderEstimateText, json: renderEstimateJson, markdown: renderEstimateMarkdown }[format as (typeof FORMATS)[number]](report);
}

/** Runs the estimate and returns the report. */
export async function estimate(flags: EstimateFlags): Promise<EstimateReport> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`unknown --format '${flags.format}': use one of ${FORMATS.join(', ')}`);
  if ((flags.snapshot === undefined) === (flags.prometheus === undefined)) {
    throw new UsageError('give exactly one of --snapshot FILE or --prometheus URL (an example snapshot ships as experiments/snapshots/example.prom)');
  }
  const bytesPerSample = Number(flags.bytesPerSample);
  if (!Number.isFinite(bytesPerSample) || bytesPerSample < 0) throw new UsageError(`--bytes-per-sample must be a number ≥ 0, got '${flags.bytesPerSample}'`);

  const environments = loadEnvironments();
  const env = flags.env === undefined ? environments[0] : environments.find((e) => e.name === flags.env);
  if (!env) throw new UsageError(`unknown --env '${flags.env}': use one of ${environments.map((e) => e.name).join(', ') || '(no environments found)'}`);

  const loaded = loadExperiments(path.resolve(flags.experiments));
  const selected = flags.experiment === undefined ? loaded : loaded.filter((e) => e.definition.name === flags.experiment);
  if (selected.length === 0) {
    const known = loaded.map((e) => e.definition.name).join(', ') || 'none';
    throw new UsageError(
      flags.experiment === undefined ? `no experiments in ${flags.experiments}` : `unknown --experiment '${flags.experiment}': known experiments: ${known}`,
    );
  }

  const snapshot: SeriesSnapshot =
    flags.snapshot !== undefined ? await snapshots.loadSnapshotFile(flags.snapshot) : await snapshots.loadSnapshotFromPrometheus(flags.prometheus!);
  if (snapshot.series.length === 0) throw new UsageError(`the snapshot from ${snapshot.source} holds no series: nothing to estimate`);

  const estimates: ExperimentEstimate[] = [];
  for (const experiment of selected) {
    for (const built of experimentsForEstimate(experiment, env)) {
      estimates.push(
        estimateExperiment({
          experiment: built.experiment,
          series: snapshot.series,
          variants: built.variants,
          guardrails: built.guardrails,
          priceModel: env.priceModel,
          intervalSeconds: built.intervalSeconds,
          bytesPerSample,
          assess: assessGuardrail,
        }),
      );
    }
  }
  return {
    environment: env.name,
    snapshot: { source: snapshot.source, series: snapshot.series.length, ...(snapshot.takenAt ? { takenAt: snapshot.takenAt } : {}) },
    bytesPerSample,
    estimates,
  };
}
