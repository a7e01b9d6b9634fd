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
import { stringify } from 'yaml';
import { componentTypeOf } from '../../analysis/naming/component-types';
import { TELEMETRY_JOB } from '../../constructs/experiment/shadow';
import { collectorBinary } from './collector';
import { freePort } from './prometheus';
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
        if (isRecord(group) && Array.isArray(group.targets)) group.targets = group.targets.map((t: unknown) => (typeof t === 'string' && self.test(t) ? `127.0.0.1:${port}` : t));
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
