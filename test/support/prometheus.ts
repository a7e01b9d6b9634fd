/**
 * A real Prometheus for tests: backfill series with `promtool tsdb create-blocks-from openmetrics`,
 * start the Debian `prometheus` on a free 127.0.0.1 port with a temporary storage dir, wait for
 * `/-/ready`, and stop (or kill and restart) it mid-test.
 *
 * Backfilled samples must lie in the past (e.g. now-3h … now-1h) and queries must name explicit
 * times; remember the lookback delta (5 m by default): an instant query sees a sample up to
 * `lookbackDelta` before the evaluation time.
 *
 * With `remoteWriteReceiver: true` it also accepts remote write (`--web.enable-remote-write-receiver`)
 * at {@link TestPrometheus.remoteWriteUrl}, e.g. from the real collector's `prometheusremotewrite`.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One series to backfill: Prometheus name, labels (without `__name__`) and `[unixSeconds, value]` samples. */
export interface BackfillSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: ReadonlyArray<readonly [number, number]>;
}

/** OpenMetrics metric types, keyed by metric family name in {@link toOpenMetrics}. */
export type OpenMetricsType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'stateset' | 'gaugehistogram' | 'unknown';

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** OpenMetrics text (ending in `# EOF`) to backfill before the server starts. @default - no data */
  readonly openMetrics?: string;
  /** `--storage.tsdb.retention.time`. @default '3650d' (so old backfilled samples are never deleted) */
  readonly retention?: string;
  /** `--query.lookback-delta`. @default '5m' (Prometheus' own default) */
  readonly lookbackDelta?: string;
  /** How long to wait for `/-/ready`. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** Accept remote write on `/api/v1/write` (`--web.enable-remote-write-receiver`). @default false */
  readonly remoteWriteReceiver?: boolean;
}

/** A running (or killed) test Prometheus. */
export interface TestPrometheus {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** `${url}/api/v1/write`: where remote write lands (only with `remoteWriteReceiver`). */
  readonly remoteWriteUrl: string;
  /** The port it listens on (kept across {@link TestPrometheus.restart}). */
  readonly port: number;
  /** The TSDB storage dir (a temp dir owned by the handle). */
  readonly dataDir: string;
  /** The server's process id while it runs (benchmarks read its CPU time). @default - undefined when killed or stopped */
  readonly pid: number | undefined;
  /** Kills the server and removes its storage dir. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server but keeps its data, to simulate an outage; {@link restart} brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port with the same data (kills it first if running). */
  restart(): Promise<void>;
  /** Backfills more OpenMetrics text: kills the server, creates blocks, restarts it. */
  backfill(openMetrics: string): Promise<void>;
}

/**
 * Starts a real Prometheus with no scrape targets on a free loopback port, after backfilling
 * `openMetrics` (if given). The caller must `stop()` it in `afterAll`.
 */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<TestPrometheus> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'phoenix-prometheus-'));
  const dataDir = path.join(root, 'data');
  const configFile = path.join(root, 'prometheus.yml');
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(configFile, 'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs: []\n');
  if (options.openMetrics !== undefined) await createBlocks(root, dataDir, options.openMetrics);

  let port = await freePort();
  let child: ChildProcess | undefined;
  let stopped = false;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;

  const launch = async (): Promise<void> => {
    for (let attempt = 0; ; attempt += 1) {
      const started = spawnPrometheus(dataDir, configFile, port, options);
      try {
        await waitReady(started, `http://127.0.0.1:${port}`, readyTimeoutMs);
        child = started.child;
        return;
      } catch (error) {
        await killChild(started.child);
        if (attempt < 3 && /address already in use/.test(started.stderr())) {
          port = await freePort();
          continue;
        }
        throw error;
      }
    }
  };
  await launch();

  const handle: TestPrometheus = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get remoteWriteUrl() {
      return `http://127.0.0.1:${port}/api/v1/write`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child?.pid;
    },
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killChild(child);
      child = undefined;
      await fs.rm(root, { recursive: true, force: true });
    },
    async kill() {
      await killChild(child);
      child = undefined;
    },
    async restart() {
      if (stopped) throw new Error('test Prometheus was stopped: start a new one');
      await killChild(child);
      child = undefined;
      await launch();
    },
    async backfill(openMetrics: string) {
      if (stopped) throw new Error('test Prometheus was stopped: start a new one');
      await killChild(child);
      child = undefined;
      await createBlocks(root, dataDir, openMetrics);
      await launch();
    },
  };
  return handle;
}

/**
 * Renders series as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`:
 * one family per metric name (grouped, samples in time order), `# TYPE` lines for the
 * families named in `types` (keyed by family name: `http_requests` for `http_requests_total`),
 * timestamps in seconds, and the closing `# EOF`.
 */
export function toOpenMetrics(series: readonly BackfillSeries[], types: Readonly<Record<string, OpenMetricsType>> = {}): string {
  const families = new Map<string, BackfillSeries[]>();
  const familyOf = (name: string): string => {
    if (types[name]) return name;
    for (const suffix of ['_total', '_created', '_bucket', '_sum', '_count', '_info', '_gsum', '_gcount']) {
      if (name.endsWith(suffix) && types[name.slice(0, -suffix.length)]) return name.slice(0, -suffix.length);
    }
    return name;
  };
  for (const s of series) {
    const family = familyOf(s.name);
    let list = families.get(family);
    if (!list) families.set(family, (list = []));
    list.push(s);
  }
  const lines: string[] = [];
  for (const [family, members] of families) {
    if (types[family]) lines.push(`# TYPE ${family} ${types[family]}`);
    for (const s of members) {
      const labelText = Object.keys(s.labels)
        .sort()
        .map((key) => `${key}="${escapeLabelValue(s.labels[key]!)}"`)
        .join(',');
      const head = labelText ? `${s.name}{${labelText}}` : s.name;
      const sorted = [...s.samples].sort((a, b) => a[0] - b[0]);
      for (const [ts, value] of sorted) lines.push(`${head} ${formatValue(value)} ${formatTimestamp(ts)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Unix seconds, aligned down to `stepSeconds` (so queries at the scrape step land on samples). */
export function alignedNowSeconds(stepSeconds = 60): number {
  const now = Math.floor(Date.now() / 1000);
  return now - (now % stepSeconds);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatTimestamp(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(3);
}

async function createBlocks(root: string, dataDir: string, openMetrics: string): Promise<void> {
  if (!openMetrics.trimEnd().endsWith('# EOF')) throw new Error('OpenMetrics backfill text must end with "# EOF" (use toOpenMetrics)');
  const file = path.join(root, `backfill-${Date.now()}-${Math.random().toString(36).slice(2)}.om`);
  await fs.writeFile(file, openMetrics);
  try {
    await execFileAsync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, dataDir], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`promtool could not backfill ${file}: ${stderr.trim() || String(error)}`, { cause: error });
  } finally {
    await fs.rm(file, { force: true });
  }
}

interface Started {
  readonly child: ChildProcess;
  stderr(): string;
}

function spawnPrometheus(dataDir: string, configFile: string, port: number, options: StartPrometheusOptions): Started {
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--storage.tsdb.retention.time=${options.retention ?? '3650d'}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--query.lookback-delta=${options.lookbackDelta ?? '5m'}`,
    '--log.level=warn',
    ...(options.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
  ];
  const child = spawn('prometheus', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8192);
  });
  child.on('error', (error) => {
    stderr += `\n${error.message}`;
  });
  return { child, stderr: () => stderr };
}

async function waitReady(started: Started, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`prometheus exited before it was ready: ${started.stderr().trim()}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus at ${url} was not ready within ${timeoutMs} ms: ${started.stderr().trim()}`);
}

async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
