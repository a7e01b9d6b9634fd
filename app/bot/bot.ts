import type http from 'node:http';
import pino, { type Logger } from 'pino';
import type { GitTokenSource } from '../../clients/git/run-git';
import { installationTokenSource } from '../../clients/github/installation-token';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from '../../clients/github/octokit';
import { readCredential, type BotConfig } from './config';
import { costEstimatorFor } from './review/cost-source';
import { reviewPullRequest, type BotServices } from './review-pull-request';
import { ReviewQueue, type ReviewJob } from './review-queue';
import { sweepOpenPullRequests } from './sweep';
import { createSignatureVerifier, createWebhookHandler, listen, type RunningServer, type WebhookDelivery } from './webhook-server';

/**
 * The GitHub App: webhook endpoint → queue → review → check run + sticky comment, plus the periodic
 * sweep. Built from a validated config and credentials read once at start (never logged).
 */

/** The `pull_request` actions that trigger a review. */
export const REVIEWED_ACTIONS: ReadonlySet<string> = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);

/** Paths pino replaces with `[redacted]` wherever they appear in a log line. */
export const REDACTED_LOG_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'privateKey',
  '*.privateKey',
  'secret',
  '*.secret',
  'req.headers["x-hub-signature-256"]',
];

/** A pino logger that redacts credential fields. */
export function createBotLogger(destination?: pino.DestinationStream, level = 'info'): Logger {
  return pino({ name: 'phoenix-bot', level, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, destination);
}

/** Secrets the bot runs with (read from env or files by `readBotCredentials`). */
export interface BotCredentials {
  readonly privateKey: string;
  /** Current secret first; the previous one during a rotation. */
  readonly webhookSecrets: readonly string[];
}

/** Reads the credentials the config points at; messages name the variable or file, never the value. */
export function readBotCredentials(config: BotConfig, env: NodeJS.ProcessEnv = process.env): BotCredentials {
  const privateKey = readCredential(config.github.privateKey, 'GitHub App private key', env);
  const secrets = [readCredential(config.github.webhookSecret, 'webhook secret', env)];
  if (config.github.previousWebhookSecret) secrets.push(readCredential(config.github.previousWebhookSecret, 'previous webhook secret', env));
  return { privateKey, webhookSecrets: secrets };
}

/** Dependencies a test (or another host) can inject. */
export interface BotDependencies {
  readonly log?: Logger;
  /** Extra client options (transport, retries, throttling). @default - production defaults */
  readonly clientOptions?: Partial<GitHubClientOptions>;
}

/** A running (or startable) bot. */
export interface Bot {
  readonly handler: http.RequestListener;
  readonly queue: ReviewQueue;
  readonly services: BotServices;
  /** Runs one sweep now; returns how many heads it enqueued. */
  sweep(): Promise<number>;
  /** Listens on the configured host/port and starts the periodic sweep. */
  start(): Promise<RunningServer>;
  /** Stops listening and sweeping; waits for running reviews. */
  stop(): Promise<void>;
}

/** Builds the bot. */
export async function createBot(config: BotConfig, credentials: BotCredentials, deps: BotDependencies = {}): Promise<Bot> {
  const log = deps.log ?? createBotLogger();
  const clientOptions = (installationId?: number): GitHubClientOptions => ({
    baseUrl: config.github.apiUrl,
    auth: { appId: config.github.appId, privateKey: credentials.privateKey, installationId },
    log: { debug: () => undefined, info: () => undefined, warn: (m) => log.warn(m), error: (m) => log.error(m) },
    ...deps.clientOptions,
  });
  const appClient = createGitHubClient(clientOptions());
  const clients = new Map<number, GitHubClient>();
  const clientFor = async (installationId: number) => {
    let client = clients.get(installationId);
    if (!client) clients.set(installationId, (client = createGitHubClient(clientOptions(installationId))));
    return client;
  };
  const tokenSources = new Map<number, GitTokenSource>();
  const tokenFor = async (installationId: number) => {
    let source = tokenSources.get(installationId);
    if (!source)
      tokenSources.set(installationId, (source = installationTokenSource(await clientFor(installationId), { appId: config.github.appId, installationId })));
    return source.token();
  };
  const services: BotServices = {
    config,
    log,
    clientFor,
    tokenFor,
    installationOf: async (owner, repo) => (await appClient.rest.apps.getRepoInstallation({ owner, repo })).data.id,
    estimateCost: costEstimatorFor(config.review),
  };
  const queue = new ReviewQueue(
    async (job, signal) => {
      const outcome = await reviewPullRequest(services, job, signal);
      log.info({ repository: job.repository, pull: job.pullNumber, head: job.headSha, outcome }, 'review finished');
    },
    config.work.concurrency,
    (job, error) => log.error({ repository: job.repository, pull: job.pullNumber, head: job.headSha, err: error }, 'review failed; the next sweep tries again'),
  );
  const allowed = config.repositories ? new Set(config.repositories.map((r) => r.toLowerCase())) : undefined;

  const onDelivery = (delivery: WebhookDelivery): string => {
    if (delivery.name !== 'pull_request') return `ignored: event ${delivery.name}`;
    const payload = delivery.payload as {
      action?: string;
      number?: number;
      pull_request?: { number: number; draft?: boolean; head: { sha: string } };
      repository?: { full_name: string; clone_url?: string };
      installation?: { id: number };
    };
    if (!payload.action || !REVIEWED_ACTIONS.has(payload.action)) return `ignored: action ${payload.action}`;
    if (!payload.pull_request || !payload.repository) return 'ignored: no pull request in the payload';
    if (allowed && !allowed.has(payload.repository.full_name.toLowerCase())) return 'ignored: repository not configured';
    if (payload.pull_request.draft && !config.review.reviewDrafts) return 'ignored: draft';
    const job: ReviewJob = {
      repository: payload.repository.full_name,
      pullNumber: payload.pull_request.number,
      headSha: payload.pull_request.head.sha,
      installationId: payload.installation?.id,
      cloneUrl: payload.repository.clone_url,
      reason: `pull_request.${payload.action}`,
    };
    return queue.enqueue(job);
  };

  const verify = await createSignatureVerifier(credentials.webhookSecrets);
  const handler = createWebhookHandler({ path: config.server.path, maxBodyBytes: config.server.maxBodyBytes, verify, onDelivery, log });
  const sweep = () => sweepOpenPullRequests({ config, appClient, clientFor }, (job) => queue.enqueue(job));

  let server: RunningServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    handler,
    queue,
    services,
    sweep,
    async start() {
      server = await listen(handler, config.server.host, config.server.port, config.server.limits);
      log.info({ url: `${server.url}${config.server.path}` }, 'webhook endpoint listening');
      if (config.work.sweepIntervalSeconds > 0) {
        const runSweep = () =>
          void sweep().then(
            (n) => log.info({ enqueued: n }, 'sweep done'),
            (error: unknown) => log.error({ err: error }, 'sweep failed'),
          );
        runSweep();
        timer = setInterval(runSweep, config.work.sweepIntervalSeconds * 1000);
        timer.unref();
      }
      return server;
    },
    async stop() {
      if (timer) clearInterval(timer);
      await server?.close();
      await queue.idle();
    },
  };
}
