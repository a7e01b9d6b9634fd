import type { Command } from 'commander';
import pino from 'pino';
import { buildExperiments, PROPOSAL_ACTIONS, type ApiExperiment } from '../../watcher/api/experiment-resources';
import { findOpenPullRequest } from '../../watcher/actuation/propose';
import { proposalBranch } from '../../watcher/actuation/proposal';
import { loadWatcherConfig } from '../../watcher/config';
import type { PullRequestView } from '../../watcher/status-page/view-model';
import { InputError } from '../../../analysis/input-error';
import { UsageError } from '../errors';
import { createWatcher, createWatcherLog } from './watch';

interface StatusFlags {
  readonly server?: string;
  readonly config?: string;
  readonly env?: string;
  readonly format: string;
  readonly logLevel: string;
}

/** Pages followed at most (200 experiments each). */
const MAX_PAGES = 100;

/** One row of `phoenix status`: an experiment in one environment. */
export interface StatusRow {
  readonly experiment: string;
  readonly environment: string;
  readonly phase: string;
  /** `none` where no verdict was made (pending, promoted, rolled back, or not measured yet). */
  readonly verdict: string;
  /** What the best candidate would save per month, measured on the shadow pipelines (`amount currency (variant)`); running and paused only. */
  readonly projectedSaving?: string;
  /** What the promotion saves per month, measured at promotion and frozen in the state file (`amount currency`). */
  readonly realizedSaving?: string;
  /** Open pull requests proposing its next step. */
  readonly pullRequests: readonly string[];
}

/**
 * `phoenix status`: every experiment × environment with its phase, verdict, projected and realized
 * saving and open pull requests. `--config watcher.yaml` reads the config repository and Prometheus
 * itself (one observe cycle: nothing is changed; open pull requests are looked up on GitHub when the
 * config has a `github` section); `--server URL` asks a running watcher's API (`/api/v1`), with no
 * checkout and no credentials.
 */
export function register(program: Command): void {
  program
    .command('status')
    .description('show every experiment in every environment: phase, verdict, projected and realized saving, open pull requests')
    .option('--config <file>', 'watcher config (YAML): read the config repository and Prometheus from here, as the watcher would')
    .option('--server <url>', 'base URL of a running watcher instead, e.g. http://phoenix-watcher.phoenix-system:9464')
    .option('--env <name>', 'only this environment')
    .option('--format <format>', 'text or json', 'text')
    .option('--log-level <level>', 'with --config: pino log level of the cycle (logs go to stderr)', 'warn')
    .action(async (flags: StatusFlags) => {
      if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format ${flags.format}: use text or json`);
      if (flags.server && flags.config)
        throw new UsageError('give --config (read the repository and Prometheus here) or --server (ask a running watcher), not both');
      if (!flags.server && !flags.config)
        throw new UsageError(
          'give --config watcher.yaml (read the repository and Prometheus here) or --server URL (a running watcher, e.g. http://phoenix-watcher.phoenix-system:9464)',
        );
      const experiments = flags.server ? await fetchExperiments(flags.server, flags.env) : await measureExperiments(flags.config!, flags.env, flags.logLevel);
      const rows = statusRows(experiments);
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : renderRows(rows));
    });
}

/** One observe cycle over the config repository and Prometheus, as the watcher's API would answer it. */
async function measureExperiments(configFile: string, environment: string | undefined, logLevel: string): Promise<ApiExperiment[]> {
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    throw new UsageError(`--log-level ${logLevel}: use one of fatal, error, warn, info, debug, trace, silent`);
  const config = loadWatcherConfig(configFile);
  if (environment !== undefined && !Object.hasOwn(config.environments, environment)) {
    throw new UsageError(`--env ${environment}: ${configFile} watches ${Object.keys(config.environments).join(', ')}`);
  }
  const log = createWatcherLog(logLevel, pino.destination({ fd: 2, sync: true }));
  const { service, source, access, loadError } = createWatcher(config, { mode: 'observe', log });
  const report = await service.runOnce();
  if (loadError() || !report) await service.stop();
  if (loadError()) throw loadError();
  if (!report) throw new InputError('the cycle failed (see the log above): nothing was measured');
  const view = await source.view();
  const pullRequests = new Map<string, PullRequestView>();
  if (access && config.github) {
    const context = { github: access.client, owner: config.github.owner, repoName: config.github.repo };
    for (const experiment of view.environments.flatMap((e) => e.experiments)) {
      for (const action of PROPOSAL_ACTIONS) {
        const branch = proposalBranch({ experiment: experiment.name, environment: experiment.environment, action });
        const pull = await findOpenPullRequest(context, branch);
        if (pull) pullRequests.set(branch, { url: pull.url, state: 'open', title: pull.title });
      }
    }
  }
  await service.stop();
  const all = buildExperiments(view, report.decisions, pullRequests);
  return environment === undefined
    ? all
    : all.map((e) => ({ ...e, environments: e.environments.filter((env) => env.environment === environment) })).filter((e) => e.environments.length > 0);
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
    const malformed = body.experiments.findIndex((e) => !isApiExperiment(e));
    if (malformed >= 0)
      throw new UsageError(
        `the watcher at ${base.origin} answered an experiment (#${malformed + 1} of ${url.pathname}) that is not in the API's shape (is it a Phoenix watcher of API v1?)`,
      );
    experiments.push(...body.experiments);
    cursor = body.nextCursor;
    if (!cursor) return experiments;
  }
  throw new UsageError(`the watcher at ${base.origin} kept paging past ${MAX_PAGES} pages: stopping`);
}

/** Whether a value has the fields of an `Experiment` that the status rows read (docs/api/openapi.yaml). */
function isApiExperiment(value: unknown): value is ApiExperiment {
  const e = value as ApiExperiment | null;
  return (
    typeof e?.name === 'string' &&
    Array.isArray(e.environments) &&
    e.environments.every(
      (env) =>
        typeof env?.environment === 'string' &&
        typeof env.phase === 'string' &&
        typeof env.verdict === 'string' &&
        typeof env.savings === 'object' &&
        env.savings !== null &&
        Array.isArray(env.pullRequests) &&
        env.pullRequests.every((p: { url?: unknown } | null) => typeof p?.url === 'string'),
    )
  );
}

/** The rows of the status table, one per experiment and environment. */
export function statusRows(experiments: readonly ApiExperiment[]): StatusRow[] {
  return experiments.flatMap((experiment) =>
    experiment.environments.map((env) => {
      const frozen = env.phase === 'promoted' ? env.savings.frozen : undefined;
      const best = env.phase === 'running' || env.phase === 'paused' ? env.savings.best : undefined;
      return {
        experiment: experiment.name,
        environment: env.environment,
        phase: env.phase,
        verdict: env.verdict,
        ...(best ? { projectedSaving: `${best.monthlySaving} ${best.currency} (${best.variant})` } : {}),
        ...(frozen ? { realizedSaving: `${frozen.monthlySaving} ${frozen.currency}` } : {}),
        pullRequests: env.pullRequests.map((p) => p.url),
      };
    }),
  );
}

function renderRows(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return 'no experiments\n';
  const table = [
    ['EXPERIMENT', 'ENV', 'PHASE', 'VERDICT', 'PROJECTED/MONTH', 'SAVED/MONTH', 'PULL REQUEST'],
    ...rows.map((r) =>
      [r.experiment, r.environment, r.phase, r.verdict, r.projectedSaving ?? '-', r.realizedSaving ?? '-', r.pullRequests.join(' ') || '-'].map(printable),
    ),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** A cell as the terminal shows it: control characters (escape sequences from a server) as `?`. */
function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '?' : char;
  }
  return out;
}
