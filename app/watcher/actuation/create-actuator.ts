import os from 'node:os';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Decision } from '../../../analysis/decide/types';
import { ConfigRepo } from '../../../clients/git/config-repo';
import { createGitHubClient } from '../../../clients/github/octokit';
import { LeaseElector } from '../../../clients/kubernetes/lease-elector';
import { readCredential, type WatcherConfig } from '../config';
import { actuateDecisions, type ActuationResult } from './actuate-decisions';
import { resynthesizeWithInstallation } from './resynthesize';
import { InputError } from '../../../analysis/input-error';

/**
 * Builds propose mode from the watcher config: a GitHub client (token or App installation), a
 * clone of the config repo of its own for proposal branches, an optional Lease so only one
 * replica acts, and the re-synthesizer. Credentials are read here, once, and never logged.
 */
export function createActuator(config: WatcherConfig, log: Logger): (decisions: readonly Decision[]) => Promise<ActuationResult[]> {
  const github = config.github;
  if (!github) throw new InputError(`${config.file}: propose mode needs a 'github' section (repository and token or app)`);
  const client = createGitHubClient({
    baseUrl: github.apiUrl,
    auth: github.token
      ? readCredential(github.token, 'github.token')
      : { appId: github.app!.appId, privateKey: readCredential(github.app!.privateKey, 'github.app.privateKey'), installationId: github.app!.installationId },
    log: { debug: () => undefined, info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
  const elector = config.lease ? createElector(config) : undefined;
  const identity = { name: config.actuation.authorName, email: config.actuation.authorEmail };
  const resynthesize = config.actuation.resynthesize ? resynthesizeWithInstallation() : undefined;
  let repo: ConfigRepo | undefined;
  return async (decisions) => {
    if (!decisions.some((d) => d.phase === 'running')) return [];
    repo ??= await ConfigRepo.open(`${config.repository.workDir}-proposals`, config.repository.url, { baseBranch: config.repository.branch });
    const openRepo = repo;
    return actuateDecisions(decisions, {
      isLeader: elector ? () => elector.tryAcquire() : undefined,
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
      }),
    });
  };
}

function createElector(config: WatcherConfig): LeaseElector {
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
  });
}
