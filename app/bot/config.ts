import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { botConfigSchema } from './config-schema';
import { InputError } from '../../analysis/input-error';
import type { ServerLimits } from '../server-limits';

/** Where a secret comes from: an environment variable or a file. Never the secret itself. */
export type CredentialRef = { readonly env: string } | { readonly file: string };

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
  readonly review: { readonly treeFolder: string; readonly checkRunName: string; readonly costSnapshot?: string; readonly seriesSnapshot?: string; readonly prometheusUrl?: string; readonly reviewDrafts: boolean };
  readonly work: { readonly dir: string; readonly concurrency: number; readonly sweepIntervalSeconds: number };
  /** Only these `owner/name` repositories are reviewed. @default - every repository the app is installed on */
  readonly repositories?: readonly string[];
}

/** A config file that cannot be used: one `file:line: field: message` per problem. Exit code 2. */
export class BotConfigError extends InputError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'BotConfigError';
  }
}

let validate: ReturnType<Ajv['compile']> | undefined;

/** Reads, validates and completes a bot config file (YAML or JSON). */
export function loadBotConfig(file: string): BotConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BotConfigError([`${file}: cannot read the bot config: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parseBotConfig(text, file);
}

/** Parses and validates config text; `file` names it in messages and anchors relative paths. */
export function parseBotConfig(text: string, file: string): BotConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new BotConfigError(document.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: malformed YAML: ${e.message.split('\n')[0]}`));
  }
  const raw = (document.toJS() ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(botConfigSchema);
  if (!validate(raw)) {
    throw new BotConfigError([...new Set((validate.errors ?? []).map((e) => describe(e, document, lineCounter, file)))]);
  }
  const dir = path.dirname(path.resolve(file));
  const resolvePath = (p: string | undefined) => (p === undefined ? undefined : path.resolve(dir, p));
  const resolveRef = (ref: CredentialRef | undefined, fallbackEnv: string): CredentialRef => (ref && 'file' in ref ? { file: resolvePath(ref.file) as string } : (ref ?? { env: fallbackEnv }));
  return {
    file,
    server: { host: raw.server?.host ?? '0.0.0.0', port: raw.server?.port ?? 3000, path: raw.server?.path ?? '/api/github/webhooks', maxBodyBytes: raw.server?.maxBodyBytes ?? 5 * 1024 * 1024, limits: serverLimitsOf(raw.server ?? {}) },
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

function describe(error: ErrorObject, document: Document, lineCounter: LineCounter, file: string): string {
  const at = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let field = at;
  let message = error.message ?? 'invalid';
  if (error.keyword === 'required') {
    field = [...at, String(error.params.missingProperty)];
    message = 'missing required field';
  } else if (error.keyword === 'additionalProperties') {
    field = [...at, String(error.params.additionalProperty)];
    message = 'unknown field: check its spelling (see docs/bot.md, "Configuration"); secrets never go in this file';
  } else if (error.keyword === 'minProperties' || error.keyword === 'maxProperties') {
    message = "give exactly one of 'env' (a variable name) or 'file' (a path)";
  }
  const node = document.getIn(field.length > 0 ? field : [], true) as { range?: [number, number, number] } | undefined;
  const parent = document.getIn(at, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0] ?? parent?.range?.[0] ?? 0;
  return `${file}:${lineCounter.linePos(offset).line}: ${field.join('.') || '(top level)'}: ${message}`;
}

/** Reads a secret; the message names where it looked, never what it found. */
export function readCredential(ref: CredentialRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const fileVariable = `${ref.env}_FILE`;
    const value = env[ref.env] ?? (env[fileVariable] ? readSecretFile(env[fileVariable] as string, what) : undefined);
    if (!value) throw new BotConfigError([`${what}: environment variable ${ref.env} (or ${fileVariable}) is not set: set it to the ${what}`]);
    return value.trim();
  }
  return readSecretFile(ref.file, what);
}

function readSecretFile(file: string, what: string): string {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (!value) throw new BotConfigError([`${what}: ${file} is empty`]);
    return value;
  } catch (error) {
    if (error instanceof BotConfigError) throw error;
    throw new BotConfigError([`${what}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): mount the secret there or change the config`]);
  }
}

/** The server limits a config sets (seconds in the file, milliseconds in {@link ServerLimits}); unset ones keep their defaults. */
function serverLimitsOf(server: { headersTimeoutSeconds?: number; requestTimeoutSeconds?: number; keepAliveTimeoutSeconds?: number; maxConnections?: number }): ServerLimits {
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  return {
    ...(server.headersTimeoutSeconds !== undefined ? { headersTimeoutMs: ms(server.headersTimeoutSeconds) } : {}),
    ...(server.requestTimeoutSeconds !== undefined ? { requestTimeoutMs: ms(server.requestTimeoutSeconds) } : {}),
    ...(server.keepAliveTimeoutSeconds !== undefined ? { keepAliveTimeoutMs: ms(server.keepAliveTimeoutSeconds) } : {}),
    ...(server.maxConnections !== undefined ? { maxConnections: server.maxConnections } : {}),
  };
}
