import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { InputError } from '../../../analysis/input-error';
import { ConfigRepo } from '../../../clients/git/config-repo';
import type { LeaseElector } from '../../../clients/kubernetes/lease-elector';
import { createProposalGitHubAccess } from '../actuation/create-actuator';
import { proposalBranch } from '../actuation/proposal';
import { proposePersonDecision, type PersonDecision } from '../actuation/propose-person-decision';
import { resynthesizeWithInstallation } from '../actuation/resynthesize';
import { readCredential, type WatcherConfig } from '../config';
import type { GitHubAccess } from '../github-access';
import type { WatcherService } from '../service';
import type { StatusSource } from '../status-page/mount-status-page';
import type { PullRequestView } from '../status-page/view-model';
import type { ActionRoutesOptions } from './action-routes';
import { API_BASE, mountApi, type MountedApi } from './mount-api';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/** What {@link mountWatcherApi} needs besides the config. */
export interface ApiHostOptions {
  readonly source: StatusSource;
  readonly pullRequests: Map<string, PullRequestView>;
  readonly log: Logger;
  readonly elector?: LeaseElector;
  /** The watcher's GitHub client and git tokens, built once from the config. @default - built here from the config */
  readonly access?: GitHubAccess;
}

/** The address of the API's Server-Sent Events, for the status page. */
export const EVENTS_PATH = `${API_BASE}/events`;

/**
 * Mounts the API on a watcher service from its config: read routes over the status page's
 * source, events published after every cycle, and — when `api.actions.enabled` — the action
 * routes, which propose through their own clone of the config repo with the same GitHub
 * credentials as propose mode, only while this replica holds the Lease. The token is read once.
 */
export function mountWatcherApi(service: WatcherService, config: WatcherConfig, options: ApiHostOptions): MountedApi {
  const settings = config.api.actions;
  const api = mountApi(service.http, {
    source: options.source,
    report: () => service.latest,
    mode: () => service.mode,
    ready: () => service.isReady(),
    environments: Object.keys(config.environments),
    pullRequests: () => options.pullRequests,
    actions: settings.enabled ? actionOptions(config, options) : undefined,
    log: options.log,
  });
  service.onCycle((report, actuation) => api.publishCycle(report, actuation));
  return api;
}

function actionOptions(config: WatcherConfig, options: ApiHostOptions): ActionRoutesOptions {
  const settings = config.api.actions;
  const access = options.access ?? createProposalGitHubAccess(config, options.log);
  if (!config.github) throw new InputError(`${config.file}: api.actions opens pull requests and needs a 'github' section (repository and token or app)`);
  const github = access.client;
  const { owner, repo: repoName } = config.github;
  const identity = { name: config.actuation.authorName, email: config.actuation.authorEmail };
  const resynthesize = config.actuation.resynthesize ? resynthesizeWithInstallation() : undefined;
  let repo: Promise<ConfigRepo> | undefined;
  const elector = options.elector;
  return {
    enabled: true,
    token: readCredential(settings.token!, 'api.actions.token'),
    ratePerMinute: settings.ratePerMinute,
    burst: settings.burst,
    log: options.log,
    leader: elector ? async () => ({ leader: await elector.tryAcquire(), holder: elector.holder }) : undefined,
    unknown: async (experiment, environment) => {
      const view = await options.source.view();
      const inView = view.environments.some((e) => e.experiments.some((x) => x.name === experiment));
      // Names reach file paths: only plain ones are looked up on disk.
      if (!inView && !SAFE_NAME.test(experiment)) return 'experiment';
      const dir = path.join(config.repository.workDir, config.repository.experimentsDir);
      if (!inView && !existsSync(path.join(dir, `${experiment}.state.yaml`)) && !existsSync(path.join(dir, `${experiment}.ts`))) return 'experiment';
      return Object.hasOwn(config.environments, environment) ? undefined : 'environment';
    },
    propose: async (decision: PersonDecision) => {
      // The same credentials as the cycle's clone: an App installation's token, or the configured one.
      repo ??= ConfigRepo.open(`${config.repository.workDir}-api-actions`, config.repository.url, {
        baseBranch: config.repository.branch,
        tokens: access.gitTokens,
      }).catch((error: unknown) => {
        repo = undefined;
        throw error;
      });
      return proposePersonDecision(decision, {
        repo: await repo,
        github,
        owner,
        repoName,
        identity,
        experimentsDir: config.repository.experimentsDir,
        resynthesize,
      });
    },
    onProposed: (decision, pull) => {
      options.pullRequests.set(proposalBranch(decision), {
        url: pull.url,
        state: 'open',
        title: `${decision.action} ${decision.experiment} in ${decision.environment}`,
      });
    },
  };
}
