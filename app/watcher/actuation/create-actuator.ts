import os from 'node:os';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Decision } from '../../../analysis/decide/types';
import { ConfigRepo } from '../../../clients/git/config-repo';
import { redactMessage } from '../../../clients/git/run-git';
import { LeaseElector } from '../../../clients/kubernetes/lease-elector';
import type { WatcherConfig } from '../config';
import { createGitHubAccess, type GitHubAccess } from '../github-access';
import { actuateDecisions, type ActuationResult } from './actuate-decisions';
import { resynthesizeWithInstallation } from './resynthesize';
import { InputError } from '../../../analysis/input-error';

/**
 * Builds propose mode from the watcher config: a GitHub client (token or App installation), a
 * clone of the config repo of its own for proposal branches, an optional Lease so only one
 * replica acts, and the re-synthesizer. Credentials are read here, once, and never logged.
 * `dryRun` builds each proposal's commit in the clone and logs what would be pushed and opened,
 * pushing nothing and changing nothing on GitHub.
 */
export function createActuator(
  config: WatcherConfig,
  log: Logger,
  access: GitHubAccess | undefined = createGitHubAccess(config, log),
  elector: LeaseElector | undefined = config.lease ? createElector(config) : undefined,
  options: { readonly dryRun?: boolean } = {},
): (decisions: readonly Decision[]) => Promise<ActuationResult[]> {
  const github = config.github;
  if (!github || !access) throw new InputError(`${config.file}: propose mode needs a 'github' section (repository and token or app)`);
  const client = access.client;
  const identity = { name: config.actuation.authorName, email: config.actuation.authorEmail };
  const resynthesize = config.actuation.resynthesize ? resynthesizeWithInstallation() : undefined;
  let repo: ConfigRepo | undefined;
  return async (decisions) => {
    if (!decisions.some((d) => d.phase === 'running')) return [];
    if (elector && !(await elector.tryAcquire())) {
      log.info({ decisions: decisions.length }, 'not the Lease holder: decisions are not acted on by this replica');
      return [];
    }
    try {
      // One token and one clone per cycle first: a refused key or an unreachable remote is one line, not one per decision.
      await access.gitTokens.token();
      repo ??= await ConfigRepo.open(`${config.repository.workDir}-proposals`, config.repository.url, {
        baseBranch: config.repository.branch,
        tokens: access.gitTokens,
      });
    } catch (error) {
      const message = redactMessage(String((error as Error)?.message ?? error));
      log.error({ err: { message } }, 'cannot reach the config repository: nothing proposed this cycle; will try again next cycle');
      return decisions
        .filter((d) => d.phase === 'running' && d.action !== 'none')
        .map((d) => ({ experiment: d.experiment, environment: d.environment, variant: d.variant, action: d.action as 'promote' | 'rollback', error: message }));
    }
    const openRepo = repo;
    return actuateDecisions(decisions, {
      log,
      contextFor: (environment) => ({
        repo: openRepo,
        github: client,
        owner: github.owner,
        repoName: github.repo,
        identity,
        experimentsDir: config.repository.experimentsDir,
        resynthesize,
        autoMergeRollbacks: config.actuation.autoMergeRollbacks.includes(environment),
        dryRun: options.dryRun,
      }),
    });
  };
}

/** The GitHub client and git tokens proposals go through (token or App installation), from the config's 'github' section. */
export function createProposalGitHubAccess(config: WatcherConfig, log: Logger): GitHubAccess {
  const access = createGitHubAccess(config, log);
  if (!access) throw new InputError(`${config.file}: proposing pull requests needs a 'github' section (repository and token or app)`);
  return access;
}

/** The Lease elector of the watcher config (one per process: propose mode and the API's actions share it). */
export function createElector(config: WatcherConfig): LeaseElector {
  const lease = config.lease!;
  const kubeConfig = new KubeConfig();
  if (lease.kubeconfig) kubeConfig.loadFromFile(lease.kubeconfig);
  else kubeConfig.loadFromDefault();
  if (lease.context) kubeConfig.setCurrentContext(lease.context);
  return new LeaseElector({
    api: kubeConfig.makeApiClient(CoordinationV1Api),
    namespace: lease.namespace,
    leaseName: lease.name,
    identity: process.env.POD_NAME ?? os.hostname(),
    // The Lease is renewed once per cycle, so it must outlive a few intervals.
    leaseDurationSeconds: lease.leaseDurationSeconds ?? Math.max(15, 3 * config.intervalSeconds),
    ...(config.api.url ? { url: config.api.url } : {}),
  });
}
