/**
 * One watcher cycle over many experiments × 3 environments against a real Prometheus holding
 * their shadow series. Prints queries per cycle (shared vs guardrail), the time spent in the
 * decision functions (excluding Prometheus; target ≤ 1 s), the cycle's wall time and memory,
 * and the same figures for a baseline cycle over 1% of the experiments in the same run.
 *
 * Sizes (env vars): PHOENIX_BENCH_WATCH_EXPERIMENTS (default 1000), PHOENIX_BENCH_WATCH_GUARDRAILS
 * (0–2, default 1), PHOENIX_BENCH_WATCH_ROUTES and _PODS (default 2 × 2).
 */
import os from 'node:os';
import { runCycle, type CycleReport } from '../app/watcher/cycle';
import { startPrometheus, toOpenMetrics } from '../test/support/prometheus';
import { buildScenarioSet, scenarioInputs, type ScenarioKind, type ScenarioSet } from '../test/support/watcher-scenarios';

const COUNTERS = { http_requests: 'counter', http_errors: 'counter', otelcol_processor_dropped_metric_points: 'counter', otelcol_exporter_send_failed_metric_points: 'counter', otelcol_receiver_refused_metric_points: 'counter' } as const;

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, got ${process.env[name]}`);
  return value;
}

export async function run(): Promise<void> {
  const experiments = envInt('PHOENIX_BENCH_WATCH_EXPERIMENTS', 1000);
  const guardrails = envInt('PHOENIX_BENCH_WATCH_GUARDRAILS', 1);
  const routes = envInt('PHOENIX_BENCH_WATCH_ROUTES', 2);
  const pods = envInt('PHOENIX_BENCH_WATCH_PODS', 2);
  const kinds: Record<string, ScenarioKind> = {};
  const cycle: ScenarioKind[] = ['clear-win', 'noisy-fine', 'guardrail-broken', 'clear-win'];
  for (let i = 0; i < experiments; i += 1) kinds[`exp-${String(i).padStart(5, '0')}`] = cycle[i % cycle.length]!;
  const options = { environments: ['dev', 'staging', 'prod'], scrapeIntervalSeconds: 120, routes, pods, guardrails, windowsBefore: 7, windowsAfter: 0 };

  const started = performance.now();
  let built: ScenarioSet | undefined = buildScenarioSet(kinds, options);
  const seriesPerVariant = { baseline: routes * pods + 1, candidate: routes + 1, health: 4 };
  const samples = built.series.reduce((n, s) => n + s.samples.length, 0);
  process.stdout.write(
    `series: ${built.series.length} (${experiments} experiments × 3 environments; per experiment and environment: baseline ${seriesPerVariant.baseline} + candidate ${seriesPerVariant.candidate} shadow series + ${seriesPerVariant.health} collector series per variant), ${samples} samples at a 120 s scrape\n`,
  );
  const prometheus = await startPrometheus();
  try {
    // Backfill per environment so no single OpenMetrics text grows too large.
    for (const env of options.environments) {
      await prometheus.backfill(toOpenMetrics(built.series.filter((s) => s.labels.phoenix_env === env), COUNTERS));
    }
    // Keep only what the watcher reads, so the generated samples do not weigh on its heap.
    const set: ScenarioSet = { ...built, series: [] };
    built = undefined;
    process.stdout.write(`backfill: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

    const small = { ...set, experiments: set.experiments.slice(0, Math.max(1, Math.floor(experiments / 100))) } as ScenarioSet;
    const baseline = await measure(small, prometheus.url);
    const full = await measure(set, prometheus.url);
    const line = (label: string, m: Measured) =>
      `${label}: ${m.report.decisions.length} decisions, queries ${m.report.queries} (shared ${m.report.sharedQueries}, guardrail ${m.report.guardrailQueries}, failed ${m.report.queryFailures}), ` +
      `decide ${m.report.decideMillis.toFixed(0)} ms wall / ${m.report.decideCpuMillis.toFixed(0)} ms CPU, cycle ${m.wallMillis.toFixed(0)} ms, heap used ${m.heapMiB.toFixed(0)} MiB, rss ${m.rssMiB.toFixed(0)} MiB\n`;
    process.stdout.write(line(`baseline (${small.experiments.length} experiments)`, baseline));
    process.stdout.write(line(`full (${experiments} experiments)`, full));
    const actions = full.report.decisions.reduce<Record<string, number>>((acc, d) => ((acc[`${d.action}/${d.verdict}`] = (acc[`${d.action}/${d.verdict}`] ?? 0) + 1), acc), {});
    process.stdout.write(`decisions: ${JSON.stringify(actions)}\n`);
    process.stdout.write(
      `ratio full/baseline: experiments ×${(experiments / small.experiments.length).toFixed(0)}, shared queries ×${(full.report.sharedQueries / baseline.report.sharedQueries).toFixed(2)}, ` +
        `guardrail queries ×${(full.report.guardrailQueries / Math.max(1, baseline.report.guardrailQueries)).toFixed(1)}, decide time ×${(full.report.decideMillis / Math.max(0.001, baseline.report.decideMillis)).toFixed(1)}\n`,
    );
    const [load] = os.loadavg();
    process.stdout.write(
      `decision time target ≤ 1000 ms (CPU): ${full.report.decideCpuMillis <= 1000 ? 'met' : 'MISSED'} (${full.report.decideCpuMillis.toFixed(0)} ms CPU, ${full.report.decideMillis.toFixed(0)} ms wall; machine load average ${load!.toFixed(1)} on ${os.cpus().length} cores)\n`,
    );
  } finally {
    await prometheus.stop();
  }
}

interface Measured {
  readonly report: CycleReport;
  readonly wallMillis: number;
  readonly heapMiB: number;
  readonly rssMiB: number;
}

async function measure(set: ScenarioSet, url: string): Promise<Measured> {
  const started = performance.now();
  const report = await runCycle(scenarioInputs(set, url, { timeoutMs: 120_000 }), set.now, { attempts: 2, concurrency: 8 });
  const wallMillis = performance.now() - started;
  const memory = process.memoryUsage();
  return { report, wallMillis, heapMiB: memory.heapUsed / 2 ** 20, rssMiB: memory.rss / 2 ** 20 };
}
