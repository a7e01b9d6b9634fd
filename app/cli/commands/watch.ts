import type { Command } from 'commander';
import pino, { type Logger } from 'pino';
import { loadWatcherConfig, type WatcherConfig } from '../../watcher/config';
import { loadRepoInputs } from '../../watcher/repo-inputs';
import { WatcherService } from '../../watcher/service';
import { mountWatcherStatusPage, type WatcherStatusSource } from '../../watcher/status-page/watcher-status-source';
import type { Decision } from '../../../analysis/decide/types';
import type { ActuationResult } from '../../watcher/actuation/actuate-decisions';
import { createActuator, createElector } from '../../watcher/actuation/create-actuator';
import { EVENTS_PATH, mountWatcherApi } from '../../watcher/api/mount-watcher-api';
import { createGitHubAccess, type GitHubAccess } from '../../watcher/github-access';
import type { PullRequestView } from '../../watcher/status-page/view-model';
import { UsageError } from '../errors';
import { InputError } from '../../../analysis/input-error';

interface WatchFlags {
  readonly config: string;
  readonly once?: boolean;
  readonly mode?: string;
  readonly logLevel: string;
  readonly dryRun?: boolean;
}

/** How {@link createWatcher} runs: the mode, the log, and for tests a clock. */
export interface WatcherRunOptions {
  readonly mode: 'observe' | 'propose';
  readonly log: Logger;
  /** Propose mode builds each commit but pushes nothing and opens nothing. @default false */
  readonly dryRun?: boolean;
  /** The clock, unix seconds. @default now */
  readonly now?: () => number;
}

/**
 * The watcher as `phoenix watch` runs it: the service, propose mode's actuator (with the GitHub
 * access built once from the config), the status page and the API on the same server. The loop,
 * the signals and `--once` are the command's; everything else is here, so tests run the same wiring.
 */
export function createWatcher(
  config: WatcherConfig,
  options: WatcherRunOptions,
): {
  service: WatcherService;
  source: WatcherStatusSource;
  pullRequests: Map<string, PullRequestView>;
  access: GitHubAccess | undefined;
  loadError: () => unknown;
} {
  const { mode, log } = options;
  const pullRequests = new Map<string, PullRequestView>();
  const elector = config.lease && (mode === 'propose' || config.api.actions.enabled) ? createElector(config) : undefined;
  const access = createGitHubAccess(config, log);
  let loadError: unknown;
  const service = new WatcherService({
    loadInputs: () =>
      loadRepoInputs(config, { gitTokens: access?.gitTokens }).catch((error: unknown) => {
        loadError = error;
        throw error;
      }),
    intervalSeconds: config.intervalSeconds,
    attempts: config.prometheus.attempts,
    concurrency: config.prometheus.concurrency,
    log,
    ...(options.now ? { now: options.now } : {}),
    actuate: mode === 'propose' ? recordingPullRequests(createActuator(config, log, access, elector, { dryRun: options.dryRun }), pullRequests) : undefined,
  });
  const source = mountWatcherStatusPage(service, config, {
    pullRequests: () => pullRequests,
    eventsPath: EVENTS_PATH,
    proposalsPushed: mode === 'propose' && !options.dryRun,
  });
  mountWatcherApi(service, config, { source, pullRequests, log, ...(elector ? { elector } : {}), ...(access ? { access } : {}) });
  return { service, source, pullRequests, access, loadError: () => loadError };
}

/**
 * `phoenix watch --config FILE [--once] [--mode observe]`: the watcher service. Observe mode
 * measures every running experiment, decides with evidence and reports (logs, `/metrics`, the
 * status page and the API `/api/v1`, docs/api/openapi.yaml); it never changes anything. `--once` runs one cycle, prints the
 * decisions as JSON on stdout and exits.
 */
export function register(program: Command): void {
  program
    .command('watch')
    .description(
      'measure running experiments in Prometheus, decide promote / rollback with evidence and propose it as a pull request (observe mode: report only)',
    )
    .requiredOption('--config <file>', 'watcher config file (YAML); see docs/watcher.md')
    .option('--once', 'run one cycle, print the decisions as JSON and exit')
    .option(
      '--mode <mode>',
      "propose: open pull requests for decisions; observe: decide and report, never act (default: the config's mode: propose when it has a 'github' section)",
    )
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info')
    .option('--dry-run', 'propose mode: build each proposal in the local clone and log what would be pushed and opened; push nothing, open nothing')
    .action(async (flags: WatchFlags) => {
      if (flags.mode !== undefined && flags.mode !== 'observe' && flags.mode !== 'propose')
        throw new UsageError(`--mode ${flags.mode}: use 'propose' (open pull requests) or 'observe' (decide and report, never act)`);
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(flags.logLevel)) {
        throw new UsageError(`--log-level ${flags.logLevel}: use one of fatal, error, warn, info, debug, trace, silent`);
      }
      const config = loadWatcherConfig(flags.config);
      const mode = (flags.mode ?? config.mode) as 'observe' | 'propose';
      if (mode === 'propose' && !config.github)
        throw new UsageError(`--mode propose needs a 'github' section in ${flags.config} (repository and token or app), or run with --mode observe`);
      const log = createWatcherLog(flags.logLevel, pino.destination({ fd: 2, sync: true }));
      const { service, loadError } = createWatcher(config, { mode, log, dryRun: flags.dryRun });
      if (flags.once) {
        const report = await service.runOnce();
        await service.stop();
        if (loadError()) throw loadError();
        if (!report) throw new InputError('the cycle failed (see the log above); nothing was decided');
        process.stdout.write(`${JSON.stringify(service.experiments(), null, 2)}\n`);
        return;
      }
      await service.start(config.server.host, config.server.port);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'stopping: waiting for the running cycle');
          void service.stop().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}

/** The watcher's JSON log (pino): credentials under the usual field names are redacted. */
export function createWatcherLog(level: string, destination: pino.DestinationStream): Logger {
  return pino(
    { name: 'phoenix-watcher', level, redact: { paths: ['*.token', '*.authorization', '*.Authorization', '*.password'], censor: '[redacted]' } },
    destination,
  );
}

/** Keeps the pull requests propose mode opened, by branch, for the status page. */
function recordingPullRequests(
  actuate: (decisions: readonly Decision[]) => Promise<ActuationResult[]>,
  pullRequests: Map<string, PullRequestView>,
): (decisions: readonly Decision[]) => Promise<ActuationResult[]> {
  return async (decisions) => {
    const results = await actuate(decisions);
    for (const result of results) {
      if (result.outcome?.url) {
        pullRequests.set(result.outcome.branch, {
          url: result.outcome.url,
          state: result.outcome.merged ? 'merged' : 'open',
          title: `${result.action} ${result.experiment}/${result.variant} in ${result.environment}`,
        });
      }
    }
    return results;
  };
}
