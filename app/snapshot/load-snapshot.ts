import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ApiSnapshotBuilder, ExpositionParser, type SeriesSnapshot } from '../../analysis/series';
import { PrometheusClient, type PrometheusClientOptions } from '../../clients/prometheus';
import { UsageError } from '../cli/errors';

/**
 * Reads a Prometheus / OpenMetrics text file line by line (any size; memory bounded by its
 * distinct series) into a snapshot.
 */
export async function loadSnapshotFile(file: string): Promise<SeriesSnapshot> {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new UsageError(`snapshot file ${file} does not exist: give a Prometheus text exposition or OpenMetrics file`);
  const parser = new ExpositionParser(file);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) parser.push(line);
  return parser.finish(statSync(file).mtime.toISOString());
}

/** Options of {@link loadSnapshotFromPrometheus}. */
export interface PrometheusSnapshotOptions extends Omit<PrometheusClientOptions, 'baseUrl'> {
  /** End of the lookup window. @default - now */
  readonly at?: Date;
  /** Series seen within this many seconds before `at` count as active. @default 300 */
  readonly lookbackSeconds?: number;
}

/**
 * The active series of a Prometheus-compatible API: names from `/api/v1/label/__name__/values`,
 * then `/api/v1/series` one metric name at a time (bounded memory), types from `/api/v1/metadata`.
 */
export async function loadSnapshotFromPrometheus(baseUrl: string, options: PrometheusSnapshotOptions = {}): Promise<SeriesSnapshot> {
  const client = new PrometheusClient({ ...options, baseUrl });
  const end = options.at ?? new Date();
  const start = new Date(end.getTime() - (options.lookbackSeconds ?? 300) * 1000);
  const builder = new ApiSnapshotBuilder(client.baseUrl, await client.metadata());
  for await (const page of client.seriesByName(start, end)) builder.add(page.series);
  return builder.finish(end.toISOString());
}
