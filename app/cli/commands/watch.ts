import type { Command } from 'commander';
import pino from 'pino';
import { loadWatcherConfig } from '../../watcher/config';
import { loadRepoInputs } from '../../watcher/repo-inputs';
import { WatcherService } from '../../watcher/service';
import { mountWatcherStatusPage } from '../../watcher/status-page/watcher-status-source';
import type { Decision } from '../../../analysis/decide/types';
import type { ActuationResult } from '../../watcher/actuation/actuate-decisions';
import { createActuator } from '../../watcher/actuation/create-actuator';
import type { PullRequestView } from '../../watcher/status-page/view-model';
import { UsageError } from '../errors';
import { InputError } from '../../../analysis/input-error';

interface WatchFlags {
  readonly config: string;
  readonly once?: boolean;
  readonly mode?: string;
  readonly logLevel: string;
}

/**
 * `phoenix watch --config FILE [--once] [--mode observe]`: the watcher service. Observe mode
 * measures every running experiment, decides with evidence and reports (logs, `/metrics`,
 * `/api/v1/experiments`); it never changes anything. `--once` runs one cycle, prints the
 * decisions as JSON on stdout and exits.
 */
export function register(program: Command): void {
  program
    .command('watch')
    .description('measure running experiments in Prometheus, decide promote / rollback with evidence and propose it as a pull request (observe mode: report only)')
    .requiredOption('--config <file>', 'watcher config file (YAML); see docs/watcher.md')
    .option('--once', 'run one cycle, print the decisions as JSON and exit')
    .option('--mode <mode>', "propose: open pull requests for decisions; observe: decide and report, never act (default: the config's mode: propose when it has a 'github' section)")
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info')
    .action(async (flags: WatchFlags) => {
      if (flags.mode !== undefined && flags.mode !== 'observe' && flags.mode !== 'propose') throw new UsageError(`--mode ${flags.mode}: use 'propose' (open pull requests) or 'observe' (decide and report, never act)`);
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(flags.logLevel)) {
        throw new UsageError(`--log-level ${flags.logLevel}: use one of fatal, error, warn, info, debug, trace, silent`);
      }
      const config = loadWatcherConfig(flags.config);
      const mode = flags.mode ?? config.mode;
      if (mode === 'propose' && !config.github) throw new UsageError(`--mode propose needs a 'github' section in ${flags.config} (repository and token or app), or run with --mode observe`);
      const log = pino(
        { name: 'phoenix-watcher', level: flags.logLevel, redact: { paths: ['*.token', '*.authorization', '*.Authorization', '*.password'], censor: '[redacted]' } },
        pino.destination({ fd: 2, sync: true }),
      );
      const pullRequests = new Map<string, PullRequestView>();
      let loadError: unknown;
      const service = new WatcherService({
        loadInputs: () =>
          loadRepoInputs(config).catch((error: unknown) => {
            loadError = error;
            throw error;
          }),
        intervalSeconds: config.intervalSeconds,
        attempts: config.prometheus.attempts,
        concurrency: config.prometheus.concurrency,
        log,
        actuate: mode === 'propose' ? recordingPullRequests(createActuator(config, log), pullRequests) : undefined,
      });
      mountWatcherStatusPage(service, config, { pullRequests: () => pullRequests });
      if (flags.once) {
        const report = await service.runOnce();
        if (loadError) throw loadError;
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

/** Keeps the pull requests propose mode opened, by branch, for the status page. */
function recordingPullRequests(
  actuate: (decisions: readonly Decision[]) => Promise<ActuationResult[]>,
  pullRequests: Map<string, PullRequestView>,
): (decisions: readonly Decision[]) => Promise<ActuationResult[]> {
  return async (decisions) => {
    const results = await actuate(decisions);
    for (const result of results) {
      if (result.outcome?.url) {
        pullRequests.set(result.outcome.branch, { url: result.outcome.url, state: result.outcome.merged ? 'merged' : 'open', title: `${result.action} ${result.experiment}/${result.variant} in ${result.environment}` });
      }
    }
    return results;
  };
}
