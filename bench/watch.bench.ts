/**
 * One watcher cycle over many experiments × 3 environments against a real Prometheus holding
 * their shadow series. Prints queries per cycle (shared, guardrail batched, guardrail per
 * variant), the time spent in the decision functions (excluding Prometheus; target ≤ 1 s CPU),
 * the cycle's wall time (target ≤ 2 s) with the CPU the watcher and Prometheus spent in it, memory,
 * and the same figures for a baseline cycle over 1% of the experiments in the same run.
 * The floor: the same queries sent straight to Prometheus at the same concurrency, without the
 * watcher (what a cycle cannot beat); the last line is the full cycle's wall time over it.
 *
 * Sizes (env vars): PHOENIX_BENCH_WATCH_EXPERIMENTS (default 1000), PHOENIX_BENCH_WATCH_GUARDRAILS
 * (0–2, default 1), PHOENIX_BENCH_WATCH_ROUTES and _PODS (default 2 × 2).
 */
import * as fs from 'node:fs';
import os from 'node:os';
import { runCycle, type CycleInputs, type CycleReport } from '../app/watcher/cycle';
import { PrometheusClient } from '../clients/prometheus/client';
import { startPrometheus, toOpenMetrics } from '../test/support/prometheus';
import { buildScenarioSet, scenarioInputs, type ScenarioKind, type ScenarioSet } from '../test/support/watcher-scenarios';

const COUNTERS = {
  http_requests: 'counter',
  http_errors: 'counter',
  otelcol_exporter_sent_metric_points: 'counter',
  otelcol_exporter_send_failed_metric_points: 'counter',
} as const;

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
      await prometheus.backfill(
        toOpenMetrics(
          built.series.filter((s) => s.labels.phoenix_env === env),
          COUNTERS,
        ),
      );
    }
    // Keep only what the watcher reads, so the generated samples do not weigh on its heap.
    const set: ScenarioSet = { ...built, series: [] };
    built = undefined;
    process.stdout.write(`backfill: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    prometheusPid = prometheus.pid;

    const small = { ...set, experiments: set.experiments.slice(0, Math.max(1, Math.floor(experiments / 100))) } as ScenarioSet;
    const baseline = await measure(small, prometheus.url, prometheus.pid);
    // The full cycle three times (the first warms Prometheus' caches); the median by wall time is reported.
    const runs = [
      await measure(set, prometheus.url, prometheus.pid),
      await measure(set, prometheus.url, prometheus.pid),
      await measure(set, prometheus.url, prometheus.pid),
    ];
    const full = runs.sort((a, b) => a.wallMillis - b.wallMillis)[1]!;
    const floor = await replay(full.sent, prometheus.url, 8);
    const line = (label: string, m: Measured) =>
      `${label}: ${m.report.decisions.length} decisions, queries ${m.report.queries} (shared ${m.report.sharedQueries}, guardrail ${m.report.guardrailQueries} of which per variant ${m.report.perVariantGuardrailQueries}, failed ${m.report.queryFailures}), ` +
      `decide ${m.report.decideMillis.toFixed(0)} ms wall / ${m.report.decideCpuMillis.toFixed(0)} ms CPU, cycle ${m.wallMillis.toFixed(0)} ms wall (watcher CPU ${m.cpuMillis.toFixed(0)} ms, Prometheus CPU ${m.prometheusCpuMillis.toFixed(0)} ms), heap used ${m.heapMiB.toFixed(0)} MiB, rss ${m.rssMiB.toFixed(0)} MiB\n`;
    process.stdout.write(line(`baseline (${small.experiments.length} experiments)`, baseline));
    process.stdout.write(`full cycles, wall: ${runs.map((r) => `${r.wallMillis.toFixed(0)} ms`).join(', ')} (sorted)\n`);
    process.stdout.write(line(`full (${experiments} experiments, median)`, full));
    process.stdout.write(
      `floor: the same ${full.sent.length} queries straight to Prometheus, 8 at a time: ${floor.wallMillis.toFixed(0)} ms wall (Prometheus CPU ${floor.prometheusCpuMillis.toFixed(0)} ms)\n`,
    );
    const actions = full.report.decisions.reduce<Record<string, number>>(
      (acc, d) => ((acc[`${d.action}/${d.verdict}`] = (acc[`${d.action}/${d.verdict}`] ?? 0) + 1), acc),
      {},
    );
    process.stdout.write(`decisions: ${JSON.stringify(actions)}\n`);
    process.stdout.write(
      `ratio full/baseline: experiments ×${(experiments / small.experiments.length).toFixed(0)}, shared queries ×${(full.report.sharedQueries / baseline.report.sharedQueries).toFixed(2)}, ` +
        `guardrail queries ×${(full.report.guardrailQueries / Math.max(1, baseline.report.guardrailQueries)).toFixed(1)}, decide time ×${(full.report.decideMillis / Math.max(0.001, baseline.report.decideMillis)).toFixed(1)}\n`,
    );
    const [load] = os.loadavg();
    const cores = os.cpus().length;
    process.stdout.write(
      `decision time target ≤ 1000 ms (CPU): ${full.report.decideCpuMillis <= 1000 ? 'met' : 'MISSED'} (${full.report.decideCpuMillis.toFixed(0)} ms CPU, ${full.report.decideMillis.toFixed(0)} ms wall)\n` +
        `cycle target ≤ 2000 ms (wall): ${full.wallMillis <= 2000 ? 'met' : 'MISSED'} (${full.wallMillis.toFixed(0)} ms; watcher + Prometheus CPU ${(full.cpuMillis + full.prometheusCpuMillis).toFixed(0)} ms on ${cores} cores; machine load average ${load!.toFixed(1)})\n`,
    );
    process.stdout.write(
      `watch: ${(full.wallMillis / floor.wallMillis).toFixed(2)}× floor (the cycle's queries sent straight to Prometheus; wall time, lower is better)\n`,
    );
  } finally {
    await prometheus.stop();
  }
}

interface Sent {
  readonly expr: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

interface Measured {
  readonly report: CycleReport;
  readonly wallMillis: number;
  /** CPU of this process during the cycle (the watcher: HTTP, JSON, splitting, deciding). */
  readonly cpuMillis: number;
  readonly prometheusCpuMillis: number;
  readonly heapMiB: number;
  readonly rssMiB: number;
  readonly sent: readonly Sent[];
}

async function measure(set: ScenarioSet, url: string, pid: number | undefined): Promise<Measured> {
  const sent: Sent[] = [];
  const inputs = scenarioInputs(set, url, { timeoutMs: 120_000 });
  const recording: CycleInputs = {
    ...inputs,
    environments: inputs.environments.map((e) => ({
      ...e,
      query: (expr: string, start: number, end: number, step: number) => (sent.push({ expr, start, end, step }), e.query(expr, start, end, step)),
    })),
  };
  const prometheusBefore = processCpuMillis(pid);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const report = await runCycle(recording, set.now, { attempts: 2, concurrency: 8 });
  const wallMillis = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const memory = process.memoryUsage();
  return {
    report,
    wallMillis,
    cpuMillis: (used.user + used.system) / 1000,
    prometheusCpuMillis: processCpuMillis(pid) - prometheusBefore,
    heapMiB: memory.heapUsed / 2 ** 20,
    rssMiB: memory.rss / 2 ** 20,
    sent,
  };
}

/** Sends `queries` straight to Prometheus, `concurrency` at a time, and times it. */
async function replay(queries: readonly Sent[], url: string, concurrency: number): Promise<{ wallMillis: number; prometheusCpuMillis: number }> {
  const client = new PrometheusClient({ baseUrl: url, timeoutMs: 120_000 });
  const queue = [...queries];
  const started = performance.now();
  const before = processCpuMillis(prometheusPid);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await client.queryRange(next.expr, next.start, next.end, next.step);
    }),
  );
  return { wallMillis: performance.now() - started, prometheusCpuMillis: processCpuMillis(prometheusPid) - before };
}

let prometheusPid: number | undefined;

/** User + system CPU of a process in milliseconds, from /proc (Linux); NaN elsewhere. */
function processCpuMillis(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Linux reports process times in clock ticks of USER_HZ, 100 per second on every mainstream architecture. */
const CLOCK_TICKS = 100;
