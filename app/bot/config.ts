import os from 'node:os';
import path from 'node:path';
import { ConfigFileError, loadConfigFile, parseConfigFile, type ConfigFileKind } from '../config/config-file';
import type { CredentialRef } from '../config/read-credential';
import { botConfigSchema } from './config-schema';
import type { ServerLimits } from '../server-limits';

export { readCredential, type CredentialRef } from '../config/read-credential';

/** The bot's configuration, every default applied. */
export interface BotConfig {
  readonly file: string;
  readonly server: { readonly host: string; readonly port: number; readonly path: string; readonly maxBodyBytes: number; readonly limits: ServerLimits };
  readonly github: {
    readonly appId: number;
    readonly privateKey: CredentialRef;
    readonly webhookSecret: CredentialRef;
    readonly previousWebhookSecret?: CredentialRef;
    readonly apiUrl: string;
    /** `{owner}`/`{repo}` template of the URL fetched from. @default - the repository's `clone_url` from the webhook */
    readonly cloneUrlTemplate?: string;
  };
  readonly review: {
    readonly treeFolder: string;
    readonly checkRunName: string;
    readonly costSnapshot?: string;
    readonly seriesSnapshot?: string;
    readonly prometheusUrl?: string;
    readonly reviewDrafts: boolean;
  };
  readonly work: { readonly dir: string; readonly concurrency: number; readonly sweepIntervalSeconds: number };
  /** Only these `owner/name` repositories are reviewed. @default - every repository the app is installed on */
  readonly repositories?: readonly string[];
}

/** A bot config file that cannot be used: one `file:line: field: message` per problem. Exit code 2. */
export class BotConfigError extends ConfigFileError {
  constructor(problems: readonly string[]) {
    super(problems);
    this.name = 'BotConfigError';
  }
}

const BOT_CONFIG: ConfigFileKind<BotConfig> = {
  what: 'bot',
  schema: botConfigSchema,
  docs: 'docs/bot.md, "Configuration"',
  unknownFieldHint: 'secrets never go in this file',
  error: (problems) => new BotConfigError(problems),
  complete: (raw, file) => complete(raw as RawBotConfig, file),
};

/** Reads, validates and completes a bot config file (YAML or JSON). */
export function loadBotConfig(file: string): BotConfig {
  return loadConfigFile(file, BOT_CONFIG);
}

/** Parses and validates config text; `file` names it in messages and anchors relative paths. */
export function parseBotConfig(text: string, file: string): BotConfig {
  return parseConfigFile(text, file, BOT_CONFIG);
}

/** A bot config file as its schema (./config-schema.ts) has already checked it. */
interface RawBotConfig {
  server?: { host?: string; port?: number; path?: string; maxBodyBytes?: number } & RawServerLimits;
  github: {
    appId: number;
    privateKey?: CredentialRef;
    webhookSecret?: CredentialRef;
    previousWebhookSecret?: CredentialRef;
    apiUrl?: string;
    cloneUrlTemplate?: string;
  };
  review?: { treeFolder?: string; checkRunName?: string; costSnapshot?: string; seriesSnapshot?: string; prometheusUrl?: string; reviewDrafts?: boolean };
  work?: { dir?: string; concurrency?: number; sweepIntervalSeconds?: number };
  repositories?: string[];
}

interface RawServerLimits {
  headersTimeoutSeconds?: number;
  requestTimeoutSeconds?: number;
  keepAliveTimeoutSeconds?: number;
  maxConnections?: number;
}

function complete(raw: RawBotConfig, file: string): BotConfig {
  const dir = path.dirname(path.resolve(file));
  const resolvePath = (p: string | undefined) => (p === undefined ? undefined : path.resolve(dir, p));
  const resolveRef = (ref: CredentialRef | undefined, fallbackEnv: string): CredentialRef =>
    ref && 'file' in ref ? { file: resolvePath(ref.file) as string } : (ref ?? { env: fallbackEnv });
  return {
    file,
    server: {
      host: raw.server?.host ?? '0.0.0.0',
      port: raw.server?.port ?? 3000,
      path: raw.server?.path ?? '/api/github/webhooks',
      maxBodyBytes: raw.server?.maxBodyBytes ?? 5 * 1024 * 1024,
      limits: serverLimitsOf(raw.server ?? {}),
    },
    github: {
      appId: raw.github.appId,
      privateKey: resolveRef(raw.github.privateKey, 'PHOENIX_GITHUB_PRIVATE_KEY'),
      webhookSecret: resolveRef(raw.github.webhookSecret, 'PHOENIX_WEBHOOK_SECRET'),
      previousWebhookSecret: raw.github.previousWebhookSecret ? resolveRef(raw.github.previousWebhookSecret, '') : undefined,
      apiUrl: raw.github.apiUrl ?? 'https://api.github.com',
      cloneUrlTemplate: raw.github.cloneUrlTemplate,
    },
    review: {
      treeFolder: raw.review?.treeFolder ?? 'gitops',
      checkRunName: raw.review?.checkRunName ?? 'phoenix review',
      costSnapshot: resolvePath(raw.review?.costSnapshot),
      seriesSnapshot: resolvePath(raw.review?.seriesSnapshot),
      prometheusUrl: raw.review?.prometheusUrl,
      reviewDrafts: raw.review?.reviewDrafts ?? false,
    },
    work: {
      dir: resolvePath(raw.work?.dir) ?? path.join(os.tmpdir(), 'phoenix-bot'),
      concurrency: raw.work?.concurrency ?? 2,
      sweepIntervalSeconds: raw.work?.sweepIntervalSeconds ?? 900,
    },
    repositories: raw.repositories,
  };
}
/** The server limits a config sets (seconds in the file, milliseconds in {@link ServerLimits}); unset ones keep their defaults. */
function serverLimitsOf(server: RawServerLimits): ServerLimits {
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  return {
    ...(server.headersTimeoutSeconds !== undefined ? { headersTimeoutMs: ms(server.headersTimeoutSeconds) } : {}),
    ...(server.requestTimeoutSeconds !== undefined ? { requestTimeoutMs: ms(server.requestTimeoutSeconds) } : {}),
    ...(server.keepAliveTimeoutSeconds !== undefined ? { keepAliveTimeoutMs: ms(server.keepAliveTimeoutSeconds) } : {}),
    ...(server.maxConnections !== undefined ? { maxConnections: server.maxConnections } : {}),
  };
}
