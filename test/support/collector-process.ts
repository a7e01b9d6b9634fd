/**
 * Runs the real collector (the pinned distribution, see `collector.ts`) on a config in a temporary
 * folder: the health_check extension and the collector's own telemetry are moved to free loopback
 * ports, the process is started in its own process group, `start` resolves once health_check
 * answers, and `stop` ends the whole group (SIGTERM, then SIGKILL) and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { TELEMETRY_JOB } from '../../constructs/experiment/shadow';
import { collectorBinary } from './collector';
import { freePort } from './prometheus';
import { stopProcessGroup } from './process-group';

/** A running collector. */
export interface RunningCollector {
  readonly pid: number;
  /** Where the collector serves its own metrics (Prometheus text), e.g. `http://127.0.0.1:41234/metrics`. */
  readonly telemetryUrl: string;
  /** The last 64 KiB of the collector's log, for assertion messages. */
  log(): string;
  stop(): Promise<void>;
}

type Config = Record<string, any>;

/** Starts the collector on `config` (a parsed collector config; not modified). */
export async function startCollector(config: Config, options: { readonly readyTimeoutMs?: number } = {}): Promise<RunningCollector> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-otelcol-'));
  const healthPort = await freePort();
  const telemetryPort = await freePort();
  const prepared = structuredClone(config) as Config;
  prepared.extensions = { ...(prepared.extensions ?? {}) };
  const healthId = Object.keys(prepared.extensions).find((id) => id.split('/')[0] === 'health_check') ?? 'health_check';
  prepared.extensions[healthId] = { ...(prepared.extensions[healthId] ?? {}), endpoint: `127.0.0.1:${healthPort}` };
  prepared.service = { ...(prepared.service ?? {}) };
  prepared.service.extensions = [...new Set([...(prepared.service.extensions ?? []), healthId])];
  prepared.service.telemetry = {
    ...(prepared.service.telemetry ?? {}),
    logs: { level: 'info', encoding: 'console' },
    metrics: {
      level: prepared.service.telemetry?.metrics?.level ?? 'normal',
      readers: [{ pull: { exporter: { prometheus: { host: '127.0.0.1', port: telemetryPort, without_scope_info: true } } } }],
    },
  };
  // The telemetry shadow's scrape of the collector's own metrics follows them to their test port.
  for (const receiver of Object.values<Config>(prepared.receivers ?? {})) {
    for (const job of receiver?.config?.scrape_configs ?? []) {
      if (job.job_name === TELEMETRY_JOB) {
        job.static_configs = [{ targets: [`127.0.0.1:${telemetryPort}`] }];
        job.scrape_interval = '1s';
        job.scrape_timeout = '1s';
      }
    }
  }
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(file, stringify(prepared));
  const child = spawn(collectorBinary(), ['--config', file], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-65536);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.on('error', (error) => append(Buffer.from(`\n${error.message}\n`)));
  const stop = async () => {
    await stopProcessGroup(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(child, `http://127.0.0.1:${healthPort}/`, options.readyTimeoutMs ?? 30_000, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, telemetryUrl: `http://127.0.0.1:${telemetryPort}/metrics`, log: () => log, stop };
}

async function waitHealthy(child: ChildProcess, url: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the collector exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${log().slice(-4000)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the collector was not healthy at ${url} within ${timeoutMs} ms:\n${log().slice(-4000)}`);
}

