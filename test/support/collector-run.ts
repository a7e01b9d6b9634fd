/**
 * Runs the real collector ({@link collectorBinary}) on a config for a test: writes the config to a
 * temp file, moves every listening endpoint it knows (the `health_check` extension, `otlp`
 * receiver protocols, `prometheus` exporters, the collector's own telemetry, and scrape jobs aimed
 * at that telemetry's default `127.0.0.1:8888`, or named as the telemetry shadow's job) to free
 * 127.0.0.1 ports, starts the binary in its own process group, waits for the health check, and
 * captures its log (level info). The one harness for the real collector in tests. `stop()` kills the whole process group (SIGTERM, then SIGKILL) and is safe to call
 * twice; call it in `afterAll`/`finally` so a failing test never leaves a collector behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { componentTypeOf } from '../../analysis/naming/component-types';
import type { RenderedCollectorConfig, SeriesWithSamples } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { CollectorPipeline } from '../../constructs/collector';
import type { ExperimentTarget } from '../../constructs/experiment/definition';
import { Experiment, type ExperimentProps } from '../../constructs/experiment/experiment';
import { TELEMETRY_JOB } from '../../constructs/experiment/shadow';
import { experiments } from '../../experiments';
import { collectorBinary } from './collector';
import { startExposition, type ExpositionServer, type ExpositionSource } from './exposition';
import { freePort, startPrometheus, type TestPrometheus } from './prometheus';
import { stopProcessGroup } from './process-group';

/** Options of {@link startCollector}. */
export interface StartCollectorOptions {
  /** The collector config (a rendered `CollectorConfig` or any object of that shape); not modified. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Extra environment for `${env:…}` placeholders. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the health check. @default 30000 */
  readonly readyTimeoutMs?: number;
}

/** A running collector. */
export interface TestCollector {
  readonly pid: number;
  /** The config as written (endpoints moved to loopback). */
  readonly config: Record<string, unknown>;
  /** `http://127.0.0.1:P` of the collector's own Prometheus telemetry (`/metrics`). */
  readonly telemetryUrl: string;
  /** Listening endpoints chosen, by component id and protocol (`otlp/grpc`, `health_check`). */
  readonly endpoints: ReadonlyMap<string, string>;
  /** The log so far (stdout and stderr, last 256 KiB). */
  log(): string;
  /** Kills the process group and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

const LOG_LIMIT = 256 * 1024;

/** Starts the real collector on `config`; see the module comment. */
export async function startCollector(options: StartCollectorOptions): Promise<TestCollector> {
  const binary = collectorBinary();
  const config = structuredClone(options.config) as Record<string, unknown>;
  const endpoints = new Map<string, string>();
  const healthPort = await moveEndpoints(config, endpoints);
  const telemetryPort = await freePort();
  setTelemetry(config, telemetryPort);
  pointSelfScrapes(config, telemetryPort);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'phoenix-otelcol-'));
  const file = path.join(dir, 'config.yaml');
  await fs.writeFile(file, stringify(config));
  const child = spawn(binary, ['--config', file], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('error', (error) => append(Buffer.from(`\nspawn failed: ${error.message}\n`)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcessGroup(child);
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(child, `http://127.0.0.1:${healthPort}/`, options.readyTimeoutMs ?? 30_000, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, config, telemetryUrl: `http://127.0.0.1:${telemetryPort}`, endpoints, log: () => log, stop };
}

/** The last `lines` lines of a collector log, for assertion messages. */
export function logTail(collector: TestCollector, lines = 30): string {
  return collector.log().trimEnd().split('\n').slice(-lines).join('\n');
}

/** A rendered collector config as the tests change it (`config.receivers[id]`, …). */
export type TestCollectorConfig = RenderedCollectorConfig & Record<string, any>;

/** Where an experiment rendered for a test writes: dev, production and shadow both into `prometheus` (production by `localhost`, so the two URLs differ). */
export function loopbackTarget(prometheus: { readonly remoteWriteUrl: string }): ExperimentTarget {
  return {
    environment: 'dev',
    namespace: 'observability',
    remoteWriteUrl: productionWriteUrl(prometheus),
    shadowRemoteWriteUrl: prometheus.remoteWriteUrl,
    scrapeIntervalSeconds: 60,
    lifecycle: { phase: 'running' },
  };
}

/** Starts the collector on a config rendered for {@link loopbackTarget}: production writes to `prometheus` too. */
export function startRenderedCollector(config: Readonly<Record<string, unknown>>, prometheus: { readonly remoteWriteUrl: string }): Promise<TestCollector> {
  return startCollector({ config, env: { PHOENIX_REMOTE_WRITE_URL: productionWriteUrl(prometheus) } });
}

function productionWriteUrl(prometheus: { readonly remoteWriteUrl: string }): string {
  return prometheus.remoteWriteUrl.replace('127.0.0.1', 'localhost');
}

/** The production baseline of the shipped examples that scrape node-exporter (`experiments/baselines/node-exporter.yaml`). */
export function nodeExporterBaseline(): CollectorPipeline {
  return CollectorPipeline.fromYaml(path.join(__dirname, '..', '..', 'experiments', 'baselines', 'node-exporter.yaml'));
}

/** A copy of the experiment's rendered config whose batch processors flush every 200 ms. */
export function testConfigOf(experiment: Experiment): TestCollectorConfig {
  const config = structuredClone(experiment.renderedConfig()) as unknown as TestCollectorConfig;
  fastBatches(config);
  return config;
}

/** Every batch processor of `config` flushes every 200 ms (in place). */
export function fastBatches(config: Record<string, any>): void {
  for (const [id, processor] of Object.entries<any>(config.processors ?? {})) if (componentTypeOf('processor', id) === 'batch') processor.timeout = '200ms';
}

/** Every otlp receiver of `config` also listens on HTTP (in place); {@link startCollector} gives it a port. */
export function otlpOverHttp(config: Record<string, any>): void {
  for (const [id, receiver] of Object.entries<any>(config.receivers ?? {})) if (componentTypeOf('receiver', id) === 'otlp') receiver.protocols.http ??= {};
}

/** The shipped example `name` rendered into {@link loopbackTarget}, its otlp receivers also on HTTP, its batches fast. */
export function renderShippedExample(name: string, prometheus: { readonly remoteWriteUrl: string }): { config: TestCollectorConfig; experiment: Experiment } {
  const chart = new Chart(Testing.app(), name);
  experiments.find((d) => d.name === name)!.build(chart, loopbackTarget(prometheus));
  const experiment = Experiment.findAll(chart)[0]!;
  const config = testConfigOf(experiment);
  otlpOverHttp(config);
  return { config, experiment };
}

/** Production's prometheus receivers of `config` scrape `targets` every second, as one job named `job` (in place). */
export function scrapeEverySecond(config: TestCollectorConfig, job: string, targets: readonly string[]): void {
  const production = config.service.pipelines.metrics!.receivers as string[];
  for (const [id, receiver] of Object.entries<any>(config.receivers ?? {})) {
    if (componentTypeOf('receiver', id) !== 'prometheus' || !production.includes(id)) continue;
    receiver.config.scrape_configs = [{ job_name: job, scrape_interval: '1s', static_configs: [{ targets: [...targets] }] }];
  }
}

/** Options of {@link startScrapedExperiment}. */
export interface ScrapedExperimentOptions {
  /** The experiment's name (and its chart's). */
  readonly name: string;
  /** Its scope, candidates and guardrails: the baseline is {@link nodeExporterBaseline}, the target {@link loopbackTarget}. */
  readonly experiment: Omit<ExperimentProps, 'baseline' | 'target'>;
  /** Target name → what it serves at each scrape. */
  readonly targets: Readonly<Record<string, ExpositionSource>>;
  /** The name of the one scrape job (the `job` label). */
  readonly job: string;
  /** Returns once every target was scraped this many times. */
  readonly scrapes: number;
}

/** An experiment running in the real collector over a scraped exposition, writing into a real Prometheus. */
export interface ScrapedExperiment {
  readonly prometheus: TestPrometheus;
  readonly client: PrometheusClient;
  readonly exposition: ExpositionServer;
  readonly collector: TestCollector;
  /** The config the collector runs (as rendered, scraping the exposition every second, batches fast). */
  readonly config: TestCollectorConfig;
  /** Unix seconds of the last scrape served when every target had been scraped `scrapes` times. */
  readonly end: number;
  /** Stops the collector, the exposition and Prometheus. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a real Prometheus (remote-write receiver, 3 s lookback), the exposition and the collector
 * running the experiment rendered into {@link loopbackTarget}, and waits for `scrapes` scrapes of every
 * target. The caller must `stop()` it (in `afterAll`); on failure everything started is stopped.
 */
export async function startScrapedExperiment(options: ScrapedExperimentOptions): Promise<ScrapedExperiment> {
  const prometheus = await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '3s' });
  let exposition: ExpositionServer | undefined;
  let collector: TestCollector | undefined;
  const stop = async () => {
    await collector?.stop();
    await exposition?.stop();
    await prometheus.stop();
  };
  try {
    exposition = await startExposition({ targets: options.targets });
    const experiment = new Experiment(new Chart(Testing.app(), options.name), options.name, {
      ...options.experiment,
      baseline: nodeExporterBaseline(),
      target: loopbackTarget(prometheus),
    });
    const config = testConfigOf(experiment);
    scrapeEverySecond(config, options.job, [...exposition.addresses.values()]);
    collector = await startRenderedCollector(config, prometheus);
    for (const target of exposition.addresses.keys()) await exposition.waitForScrapes(target, options.scrapes, 40_000);
    const end = Math.max(...exposition.scrapes.map((s) => s.timestampMs)) / 1000;
    return { prometheus, client: new PrometheusClient({ baseUrl: prometheus.url }), exposition, collector, config, end, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Queries `expr` at `at` until its first sample reaches `atLeast`; fails after 20 s with `what` and the collector's log. */
export async function waitForValue(
  client: PrometheusClient,
  expr: string,
  at: number,
  atLeast: number,
  collector: TestCollector | undefined,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await client.query(expr, at);
    const n = r.resultType === 'vector' && r.result[0] ? r.result[0].value[1] : 0;
    if (n >= atLeast) return;
    if (Date.now() > deadline) throw new Error(`${what} (${expr} is ${n}, not ${atLeast}):\n${collector ? logTail(collector) : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A series' identity: its name and its labels in name order. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/**
 * What landed for a range `selector` at `at`: samples by {@link seriesKey}, labels without `__name__`
 * and, unless `keepScope`, without the `otel_scope_*` labels the prometheus receiver adds.
 */
export async function landedSeries(
  client: PrometheusClient,
  selector: string,
  at: number,
  options: { readonly keepScope?: boolean } = {},
): Promise<Map<string, Array<[number, number]>>> {
  const r = await client.query(selector, at);
  if (r.resultType !== 'matrix') throw new Error(`expected a matrix for ${selector}, got ${r.resultType}`);
  const kept = (label: string) => label !== '__name__' && (options.keepScope === true || !label.startsWith('otel_scope_'));
  return new Map(
    r.result.map((s) => [
      seriesKey(s.metric.__name__!, Object.fromEntries(Object.entries(s.metric).filter(([k]) => kept(k)))),
      s.values.map(([t, v]) => [t, v] as [number, number]),
    ]),
  );
}

/**
 * Where `landed` differs from the `predicted` series: a series missing or extra, other timestamps,
 * or a value off by more than `1e-9` relative. Empty when the collector landed what was predicted.
 */
export function landedDifferences(landed: ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>, predicted: readonly SeriesWithSamples[]): string[] {
  const out: string[] = [];
  const keys = new Set(predicted.map((p) => seriesKey(p.name, p.labels)));
  for (const k of landed.keys()) if (!keys.has(k)) out.push(`extra ${k}`);
  for (const p of predicted) {
    const k = seriesKey(p.name, p.labels);
    const actual = landed.get(k);
    if (actual === undefined) out.push(`missing ${k}`);
    else {
      const difference = samplesDifference(actual, p.samples);
      if (difference !== undefined) out.push(`${k}: ${difference}`);
    }
  }
  return out;
}

/** How `actual` differs from `expected` (other timestamps, or a value off by more than 1e-9 relative); undefined when it does not. */
export function samplesDifference(actual: ReadonlyArray<readonly [number, number]>, expected: ReadonlyArray<readonly [number, number]>): string | undefined {
  const times = (samples: ReadonlyArray<readonly [number, number]>) => samples.map(([t]) => t).join(',');
  if (times(actual) !== times(expected)) return `timestamps ${times(actual)} are not ${times(expected)}`;
  const i = actual.findIndex(([, v], j) => !(Math.abs(v - expected[j]![1]) <= 1e-9 * Math.abs(expected[j]![1])));
  return i < 0 ? undefined : `at ${actual[i]![0]}: ${actual[i]![1]} is not ${expected[i]![1]}`;
}

async function moveEndpoints(config: Record<string, unknown>, endpoints: Map<string, string>): Promise<number> {
  const extensions = record(config, 'extensions');
  let healthPort: number | undefined;
  for (const [id, raw] of Object.entries(extensions)) {
    if (componentTypeOf('extension', id) !== 'health_check') continue;
    const port = await freePort();
    extensions[id] = { ...(isRecord(raw) ? raw : {}), endpoint: `127.0.0.1:${port}` };
    endpoints.set(id, `127.0.0.1:${port}`);
    healthPort ??= port;
  }
  if (healthPort === undefined) {
    healthPort = await freePort();
    extensions.health_check = { endpoint: `127.0.0.1:${healthPort}` };
    const service = record(config, 'service');
    const list = Array.isArray(service.extensions) ? (service.extensions as string[]) : [];
    service.extensions = [...list, 'health_check'];
    endpoints.set('health_check', `127.0.0.1:${healthPort}`);
  }
  for (const [id, raw] of Object.entries(record(config, 'receivers'))) {
    if (componentTypeOf('receiver', id) !== 'otlp' || !isRecord(raw) || !isRecord(raw.protocols)) continue;
    for (const protocol of ['grpc', 'http']) {
      if (!(protocol in raw.protocols)) continue;
      const port = await freePort();
      const current = raw.protocols[protocol];
      raw.protocols[protocol] = { ...(isRecord(current) ? current : {}), endpoint: `127.0.0.1:${port}` };
      endpoints.set(`${id}/${protocol}`, `127.0.0.1:${port}`);
    }
  }
  for (const [id, raw] of Object.entries(record(config, 'exporters'))) {
    if (componentTypeOf('exporter', id) !== 'prometheus' || !isRecord(raw)) continue;
    const port = await freePort();
    raw.endpoint = `127.0.0.1:${port}`;
    endpoints.set(id, `127.0.0.1:${port}`);
  }
  return healthPort;
}

function setTelemetry(config: Record<string, unknown>, port: number): void {
  const service = record(config, 'service');
  const telemetry = record(service, 'telemetry');
  const metrics = record(telemetry, 'metrics');
  metrics.readers = [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port, without_scope_info: true } } } }];
  delete metrics.address;
  telemetry.logs = { ...record(telemetry, 'logs'), level: 'info', encoding: 'console' };
}

/** Scrape jobs aimed at the collector's own default telemetry address follow it to its free port. */
function pointSelfScrapes(config: Record<string, unknown>, port: number): void {
  const self = /^(127\.0\.0\.1|localhost|0\.0\.0\.0):8888$/;
  for (const [id, raw] of Object.entries(record(config, 'receivers'))) {
    if (componentTypeOf('receiver', id) !== 'prometheus' || !isRecord(raw) || !isRecord(raw.config) || !Array.isArray(raw.config.scrape_configs)) continue;
    for (const job of raw.config.scrape_configs) {
      if (isRecord(job) && job.job_name === TELEMETRY_JOB) {
        // The telemetry shadow scrapes the collector's own metrics: follow them, at a test pace.
        job.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
        job.scrape_interval = '1s';
        job.scrape_timeout = '1s';
        continue;
      }
      if (!isRecord(job) || !Array.isArray(job.static_configs)) continue;
      for (const group of job.static_configs) {
        if (isRecord(group) && Array.isArray(group.targets))
          group.targets = group.targets.map((t: unknown) => (typeof t === 'string' && self.test(t) ? `127.0.0.1:${port}` : t));
      }
    }
  }
}

async function waitHealthy(child: ChildProcess, url: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the collector exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail(log())}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the collector was not healthy at ${url} within ${timeoutMs} ms:\n${tail(log())}`);
}

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-20).join('\n');
}

function record(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = parent[key];
  if (isRecord(value)) return value;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
