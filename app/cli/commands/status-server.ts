import type { Command } from 'commander';
import type { ApiExperiment } from '../../watcher/api/experiment-resources';
import { UsageError } from '../errors';

interface StatusServerFlags {
  readonly server?: string;
  readonly env?: string;
  readonly format: string;
}

/** Pages followed at most (200 experiments each). */
const MAX_PAGES = 100;

/** One row of `phoenix status --server`: an experiment in one environment. */
export interface StatusRow {
  readonly experiment: string;
  readonly environment: string;
  readonly phase: string;
  readonly verdict: string;
  /** Frozen saving of a promotion, else the best candidate's measured saving; `amount currency` per month. */
  readonly saving?: string;
  readonly pullRequests: readonly string[];
}

/**
 * `phoenix status --server URL`: every experiment × environment as a running watcher's API
 * (`/api/v1`, docs/api/openapi.yaml) reports it — no checkout, no credentials needed.
 */
export function register(program: Command): void {
  program
    .command('status')
    .description("show every experiment in every environment: phase, verdict, saving and open pull requests (from a watcher's API)")
    .option('--server <url>', 'base URL of a running watcher, e.g. http://phoenix-watcher.phoenix:9464')
    .option('--env <name>', 'only this environment')
    .option('--format <format>', 'text or json', 'text')
    .action(async (flags: StatusServerFlags) => {
      if (!flags.server) throw new UsageError('give --server URL: the address of a running watcher (phoenix watch serves its API on its port)');
      if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format ${flags.format}: use text or json`);
      const rows = statusRows(await fetchExperiments(flags.server, flags.env));
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : renderRows(rows));
    });
}

/** Reads every page of `GET /api/v1/experiments` from a watcher. */
export async function fetchExperiments(server: string, environment?: string, fetchImpl: typeof fetch = fetch): Promise<ApiExperiment[]> {
  let base: URL;
  try {
    base = new URL(server.endsWith('/') ? server : `${server}/`);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--server ${server}: give an http:// or https:// URL of a watcher`);
  }
  const experiments: ApiExperiment[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const url = new URL('api/v1/experiments', base);
    url.searchParams.set('limit', '200');
    if (environment) url.searchParams.set('environment', environment);
    if (cursor) url.searchParams.set('cursor', cursor);
    let response: Response;
    try {
      response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new UsageError(`cannot reach the watcher at ${base.origin}: ${(error as Error).message} — check --server and that the watcher runs`);
    }
    const body = (await response.json().catch(() => undefined)) as
      { experiments?: ApiExperiment[]; nextCursor?: string; error?: { message?: string } } | undefined;
    if (!response.ok || !body?.experiments) {
      throw new UsageError(
        `the watcher at ${base.origin} answered ${response.status}${body?.error?.message ? `: ${body.error.message}` : ' without the API (is it a Phoenix watcher?)'}`,
      );
    }
    experiments.push(...body.experiments);
    cursor = body.nextCursor;
    if (!cursor) return experiments;
  }
  throw new UsageError(`the watcher at ${base.origin} kept paging past ${MAX_PAGES} pages: stopping`);
}

/** The rows of the status table, one per experiment and environment. */
export function statusRows(experiments: readonly ApiExperiment[]): StatusRow[] {
  return experiments.flatMap((experiment) =>
    experiment.environments.map((env) => {
      const frozen = env.savings.frozen;
      const best = env.savings.best;
      const saving = frozen
        ? `${frozen.monthlySaving} ${frozen.currency}`
        : best
          ? `${best.monthlySaving} ${best.currency} (${best.variant}, measured)`
          : undefined;
      return {
        experiment: experiment.name,
        environment: env.environment,
        phase: env.phase,
        verdict: env.verdict,
        ...(saving ? { saving } : {}),
        pullRequests: env.pullRequests.map((p) => p.url),
      };
    }),
  );
}

function renderRows(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return 'no experiments\n';
  const table = [
    ['EXPERIMENT', 'ENV', 'PHASE', 'VERDICT', 'SAVING/MONTH', 'PULL REQUEST'],
    ...rows.map((r) => [r.experiment, r.environment, r.phase, r.verdict, r.saving ?? '-', r.pullRequests.join(' ') || '-']),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
