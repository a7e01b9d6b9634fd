import type { Command } from 'commander';
import pino from 'pino';
import { loadWatcherConfig } from '../../watcher/config';
import { loadRepoInputs } from '../../watcher/repo-inputs';
import { WatcherService } from '../../watcher/service';
import { mountWatcherStatusPage } from '../../watcher/status-page/watcher-status-source';
import { UsageError } from '../errors';

interface WatchFlags {
  readonly config: string;
  readonly once?: boolean;
  readonly mode: string;
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
    .description('measure running experiments in Prometheus and decide promote / rollback with evidence (observe mode: report only)')
    .requiredOption('--config <file>', 'watcher config file (YAML); see docs/watcher.md')
    .option('--once', 'run one cycle, print the decisions as JSON and exit')
    .option('--mode <mode>', 'observe: decide and report, never act', 'observe')
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info')
    .action(async (flags: WatchFlags) => {
      if (flags.mode !== 'observe') throw new UsageError(`--mode ${flags.mode} is not available: this version ships 'observe' (decide and report, never act)`);
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(flags.logLevel)) {
        throw new UsageError(`--log-level ${flags.logLevel}: use one of fatal, error, warn, info, debug, trace, silent`);
      }
      const config = loadWatcherConfig(flags.config);
      const log = pino(
        { name: 'phoenix-watcher', level: flags.logLevel, redact: { paths: ['*.token', '*.authorization', '*.Authorization', '*.password'], censor: '[redacted]' } },
        pino.destination({ fd: 2, sync: true }),
      );
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
      });
      mountWatcherStatusPage(service, config);
      if (flags.once) {
        const report = await service.runOnce();
        if (loadError) throw loadError;
        if (!report) throw Object.assign(new Error('the cycle failed (see the log above); nothing was decided'), { exitCode: 2 });
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
