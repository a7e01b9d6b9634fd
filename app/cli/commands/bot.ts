import type { Command } from 'commander';
import { createBot, createBotLogger, readBotCredentials } from '../../bot/bot';
import { loadBotConfig } from '../../bot/config';

interface BotFlags {
  readonly config: string;
  readonly checkConfig?: boolean;
}

/** `phoenix bot`: the GitHub App webhook server that reviews config pull requests. */
export function register(program: Command): void {
  program
    .command('bot')
    .description('run the GitHub App that reviews pull requests to the config repo (webhook server, see docs/bot.md)')
    .requiredOption('--config <file>', 'bot config file (YAML or JSON)')
    .option('--check-config', 'validate the config and the credentials it points at, then exit')
    .action(async (flags: BotFlags) => {
      const config = loadBotConfig(flags.config);
      const credentials = readBotCredentials(config);
      if (flags.checkConfig) {
        process.stdout.write(`${flags.config}: valid (app ${config.github.appId}, ${credentials.webhookSecrets.length} webhook secret(s))\n`);
        return;
      }
      const log = createBotLogger();
      const bot = await createBot(config, credentials, { log });
      await bot.start();
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'stopping: finishing running reviews');
          void bot.stop().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
