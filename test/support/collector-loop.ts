/**
 * Points a rendered collector config at loopback: every Prometheus receiver scrapes the targets
 * listed in a file (`file_sd_configs`, rewritten by the test to add or replace pods) at a short
 * interval, every remote-write exporter writes to the test Prometheus, and OTLP receivers listen on
 * free loopback ports. Everything else — processors, pipelines, connectors, component ids — stays
 * exactly as Phoenix rendered it.
 */
import fs from 'node:fs';
import { TELEMETRY_JOB } from '../../constructs/experiment/shadow';
import { freePort } from './prometheus';

type Config = Record<string, any>;

/** Where the loop's data comes from and goes. */
export interface LoopEndpoints {
  /** JSON file of `[{ "targets": ["127.0.0.1:port"], "labels": {…} }]` (Prometheus file SD). */
  readonly targetsFile: string;
  /** The test Prometheus's remote-write receiver, e.g. `http://127.0.0.1:9090/api/v1/write`. */
  readonly remoteWriteUrl: string;
  /** @default 1 */
  readonly scrapeIntervalSeconds?: number;
}

const typeOf = (id: string): string => id.split('/')[0]!.replace(/_/g, '');

/** A copy of `config` wired to the loop's endpoints. */
export async function loopbackConfig(config: Config, endpoints: LoopEndpoints): Promise<Config> {
  const out = structuredClone(config) as Config;
  const interval = `${endpoints.scrapeIntervalSeconds ?? 1}s`;
  for (const [id, receiver] of Object.entries<Config>(out.receivers ?? {})) {
    if (typeOf(id) === 'prometheus') {
      for (const job of receiver?.config?.scrape_configs ?? []) {
        if (job.job_name === TELEMETRY_JOB) continue; // the collector's own metrics: collector-run points it at the test port
        for (const key of Object.keys(job)) if (key.endsWith('_sd_configs') || key === 'static_configs') delete job[key];
        job.file_sd_configs = [{ files: [endpoints.targetsFile], refresh_interval: '1s' }];
        job.scrape_interval = interval;
        job.scrape_timeout = interval;
      }
    }
    if (typeOf(id) === 'otlp') {
      for (const protocol of Object.keys(receiver?.protocols ?? {}))
        receiver.protocols[protocol] = { ...(receiver.protocols[protocol] ?? {}), endpoint: `127.0.0.1:${await freePort()}` };
    }
  }
  for (const [id, exporter] of Object.entries<Config>(out.exporters ?? {})) {
    if (typeOf(id) === 'prometheusremotewrite') out.exporters[id] = { ...(exporter ?? {}), endpoint: endpoints.remoteWriteUrl };
  }
  return out;
}

/** Writes the file-SD targets file atomically (the receiver reloads it on change). */
export function writeTargets(file: string, targets: ReadonlyArray<{ readonly target: string; readonly labels?: Readonly<Record<string, string>> }>): void {
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(targets.map((t) => ({ targets: [t.target], labels: t.labels ?? {} }))));
  fs.renameSync(temporary, file);
}
