/**
 * The real loop shared by the real-collector tests: node-exporter-like pods exposing counters over
 * loopback HTTP, the pinned collector running a config Phoenix rendered, and a real Prometheus
 * receiving its remote writes. Instant queries read the answers per variant.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { injectVariant } from '../../analysis/promql';
import { startCollector, type TestCollector } from '../support/collector-run';
import { loopbackConfig, writeTargets } from '../support/collector-loop';
import { startSampleExposition, type ExposedSeries, type SampleExposition } from '../support/exposition';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The collector config of an experiment's OpenTelemetryCollector as `phoenix synth` wrote it. */
export function renderedCollectorConfig(environment: string, experiment: string): Record<string, any> {
  const folder = path.join(repoRoot, 'gitops', 'experiments', environment, experiment);
  const file = fs.readdirSync(folder).find((f) => f.startsWith('opentelemetrycollector-'));
  if (!file) throw new Error(`no OpenTelemetryCollector in ${folder}: run npm run synth`);
  return parse(fs.readFileSync(path.join(folder, file), 'utf8')).spec.config;
}

/** One simulated pod: an exposition endpoint whose counters move on every scrape. */
export interface Pod {
  readonly name: string;
  server: SampleExposition;
  /** Series at scrape n (0-based, since the process started) of process generation g (0 first, +1 per restart). */
  readonly series: (scrape: number, generation: number) => ExposedSeries[];
  /** Added to the scrape count: a restart sets it so counters start again from scrape 0. */
  offset: number;
  generation: number;
  /** Unix seconds of the first scrape of the current endpoint and of the current process generation. */
  firstScrapeAt?: number;
  generationScrapeAt?: number;
}

export interface Loop {
  readonly prometheus: TestPrometheus;
  readonly collector: TestCollector;
  readonly pods: Pod[];
  /** Replaces a pod's endpoint by a new one (new instance), as when Kubernetes replaces the pod. */
  replacePod(name: string): Promise<void>;
  /** Restarts a pod's process: its counters start again from 0 (same endpoint). */
  resetPod(name: string): void;
  /** Waits until every pod was scraped `count` more times, plus the batch timeout. */
  settle(count: number): Promise<void>;
  /** Instant query; `variant` injects the experiment's shadow matchers. */
  raw(query: string, at: number): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  /** Instant query; `variant` injects the experiment's shadow matchers. */
  query(expr: string, at: number, variant?: { experiment: string; variant: string }): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  stop(): Promise<void>;
}

export async function startLoop(
  config: Record<string, any>,
  pods: ReadonlyArray<Omit<Pod, 'server' | 'offset' | 'generation'>>,
  types: ReadonlyMap<string, string>,
  /** A last change to the loopback config (e.g. break one exporter). */
  adjust: (config: Record<string, any>) => void = () => undefined,
): Promise<Loop> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-loop-'));
  const targetsFile = path.join(dir, 'targets.json');
  const prometheus = await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '1m' });
  const running: Pod[] = [];
  let collector: TestCollector | undefined;
  const cleanup = async () => {
    await collector?.stop();
    await Promise.all(running.map((pod) => pod.server.close()));
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const serve = async (pod: Pod | Omit<Pod, 'server' | 'offset' | 'generation'>): Promise<SampleExposition> => {
      let scrape = 0;
      let seenGeneration = -1;
      const server = await startSampleExposition(() => {
        const entry = pod as Pod;
        const now = Date.now() / 1000;
        if (scrape === 0) entry.firstScrapeAt = now;
        if (seenGeneration !== entry.generation) {
          seenGeneration = entry.generation;
          entry.generationScrapeAt = now;
        }
        return pod.series(scrape++ + (entry.offset ?? 0), entry.generation ?? 0);
      }, types);
      return server;
    };
    for (const pod of pods) {
      const entry = { ...pod, offset: 0, generation: 0 } as Pod;
      entry.server = await serve(entry);
      running.push(entry);
    }
    const publish = () =>
      writeTargets(
        targetsFile,
        running.map((pod) => ({ target: pod.server.target })),
      );
    publish();
    const wired = await loopbackConfig(config, { targetsFile, remoteWriteUrl: `${prometheus.url}/api/v1/write` });
    adjust(wired);
    collector = await startCollector({ config: wired });
    const loop: Loop = {
      prometheus,
      collector,
      pods: running,
      async replacePod(name) {
        const pod = running.find((p) => p.name === name)!;
        const old = pod.server;
        pod.offset = 0;
        pod.generation = 0;
        pod.server = await serve(pod);
        publish();
        await old.close();
      },
      resetPod(name) {
        const pod = running.find((p) => p.name === name)!;
        pod.offset = -pod.server.scrapes();
        pod.generation += 1;
      },
      async settle(count) {
        await Promise.all(running.map((pod) => pod.server.waitForScrapes(count)));
        await new Promise((resolve) => setTimeout(resolve, 6_500)); // the batch processor's 5 s timeout, and the remote write
      },
      raw(query, at) {
        return loop.query(query, at);
      },
      async query(expr, at, variant) {
        const query = variant ? injectVariant(expr, variant.experiment, variant.variant) : expr;
        const response = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query, time: String(at) })}`);
        const body = (await response.json()) as {
          status: string;
          error?: string;
          data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
        };
        if (body.status !== 'success') throw new Error(`query ${query} failed: ${body.error}`);
        return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
      },
      stop: cleanup,
    };
    return loop;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
