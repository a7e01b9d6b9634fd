/**
 * What an experiment costs to run: the REAL collector (the pinned build, PHOENIX_OTELCOL or
 * `npm run collector:build`) scrapes one loopback exposition of 50,000 counter series
 * (PHOENIX_BENCH_OVERHEAD_SERIES) every 2 s, with the production pipeline alone and with 1, 2 and
 * 4 shadow variants of a synthesized experiment (the baseline shadow, then candidates that merge
 * between delta conversions). Remote write goes to a loopback sink that discards the payload, so
 * only the collector is measured. Per case: CPU seconds (utime + stime from /proc/<pid>/stat) per
 * million scraped points over the measured scrapes, and peak RSS (VmHWM from /proc/<pid>/status).
 * The floor is production-only, measured in the same run; the last line is the 4-variant ratio.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { Chart, Testing } from 'cdk8s';
import { CollectorPipeline, Processor } from '../constructs/collector';
import { Experiment } from '../constructs/experiment/experiment';
import { startCollector } from '../test/support/collector-run';
import { renderExposition, startExposition, type ExpositionFamily } from '../test/support/exposition';

const SERIES = Number(process.env.PHOENIX_BENCH_OVERHEAD_SERIES ?? 50_000);
const WARMUP_SCRAPES = 3;
const MEASURED_SCRAPES = Number(process.env.PHOENIX_BENCH_OVERHEAD_SCRAPES ?? 8);
const METRIC = 'bench_requests_total';
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function families(scrape: number): ExpositionFamily[] {
  const samples = new Array(SERIES);
  for (let i = 0; i < SERIES; i++) {
    samples[i] = {
      name: METRIC,
      labels: { route: `/r${i % 100}`, method: `m${Math.floor(i / 100) % 5}`, user: `u${Math.floor(i / 500)}` },
      value: 1000 + i + scrape * ((i % 7) + 1),
    };
  }
  return [{ name: METRIC, type: 'counter', samples }];
}

function experimentConfig(sink: string, target: string): Record<string, any> {
  const chart = new Chart(Testing.app(), 'bench');
  const baseline = CollectorPipeline.fromYaml(`${__dirname}/../experiments/baselines/node-exporter.yaml`);
  const candidate = (name: string, keep: string[]) => ({
    name,
    processors: [
      Processor.cumulativeToDelta({ name, metrics: [METRIC] }),
      Processor.keepAttributes({ name, metrics: [{ name: METRIC, type: 'sum' as const }], keep }),
      Processor.deltaToCumulative({ name }),
    ],
  });
  const experiment = new Experiment(chart, 'overhead', {
    baseline,
    scope: [METRIC],
    candidates: [candidate('route-method', ['route', 'method']), candidate('route', ['route']), candidate('method', ['method'])],
    guardrails: { queries: [{ name: 'rate by route', expr: `sum by (route) (rate(${METRIC}[5m]))` }] },
    target: {
      environment: 'dev',
      namespace: 'bench',
      remoteWriteUrl: sink.replace('127.0.0.1', 'localhost'),
      shadowRemoteWriteUrl: sink,
      scrapeIntervalSeconds: 60,
      lifecycle: { phase: 'running' },
    },
  });
  const config = structuredClone(experiment.renderedConfig()) as Record<string, any>;
  for (const job of config.receivers.prometheus.config.scrape_configs as Array<Record<string, unknown>>) {
    job.scrape_interval = '2s';
    job.scrape_timeout = '2s';
    job.static_configs = [{ targets: [target] }];
  }
  return config;
}

function withShadows(full: Record<string, any>, shadows: number): Record<string, any> {
  const config = structuredClone(full);
  const pipelines = Object.keys(config.service.pipelines);
  const shadow = pipelines.filter((id) => id.startsWith('metrics/phoenix-') && !id.endsWith('-telemetry'));
  for (const id of shadow.slice(shadows)) delete config.service.pipelines[id];
  return config;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
}

function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

interface Case {
  readonly shadows: number;
  readonly cpuPerMillion: number;
  readonly peakMiB: number;
}

export async function run(): Promise<void> {
  const sink = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', () => resolve()));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/api/v1/write`;
  const cache = new Map<number, ExpositionFamily[]>();
  const exposition = await startExposition({
    timestamps: false,
    record: false,
    targets: { node: (n) => cache.get(n % 4) ?? (cache.set(n % 4, families(n % 4)), cache.get(n % 4)!) },
  });
  process.stdout.write(
    `exposition: ${SERIES} series, ${(renderExposition(families(0)).length / 1e6).toFixed(1)} MB per scrape, every 2 s; ${os.cpus().length} cores\n`,
  );
  const full = experimentConfig(sinkUrl, exposition.addresses.get('node')!);
  const cases: Case[] = [];
  try {
    for (const shadows of [0, 1, 2, 4]) {
      const collector = await startCollector({
        config: withShadows(full, shadows),
        env: { PHOENIX_REMOTE_WRITE_URL: sinkUrl.replace('127.0.0.1', 'localhost') },
      });
      try {
        const first = exposition.count('node');
        await exposition.waitForScrapes('node', first + WARMUP_SCRAPES, 60_000);
        const cpu0 = cpuSeconds(collector.pid);
        const from = exposition.count('node');
        await exposition.waitForScrapes('node', from + MEASURED_SCRAPES, 120_000);
        const cpu = cpuSeconds(collector.pid) - cpu0;
        const points = (exposition.count('node') - from) * SERIES;
        const result = { shadows, cpuPerMillion: cpu / (points / 1e6), peakMiB: peakRssMiB(collector.pid) };
        cases.push(result);
        process.stdout.write(
          `production + ${shadows} shadow variant(s): ${result.cpuPerMillion.toFixed(2)} cpu-s per million scraped points, peak RSS ${result.peakMiB.toFixed(0)} MiB\n`,
        );
      } finally {
        await collector.stop();
      }
    }
  } finally {
    await exposition.stop();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
  const floor = cases[0]!;
  for (const c of cases.slice(1))
    process.stdout.write(
      `  ${c.shadows} shadow variant(s) / production-only: CPU ${(c.cpuPerMillion / floor.cpuPerMillion).toFixed(2)}×, peak RSS ${(c.peakMiB / floor.peakMiB).toFixed(2)}×\n`,
    );
  process.stdout.write(
    `collector-overhead: ${(cases[cases.length - 1]!.cpuPerMillion / floor.cpuPerMillion).toFixed(2)}× production-only (4 shadow variants, CPU per scraped point)\n`,
  );
}
