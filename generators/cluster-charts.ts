import { ApiObject, Duration, type Chart } from 'cdk8s';
import type { EnvironmentSpec } from '../environments/environment';
import { PhoenixWatcher } from '../constructs/watcher/phoenix-watcher';
import { Alert, FLUX_NAMESPACE, GitRepository, Kustomization, PART_OF_LABEL, PART_OF_VALUE, Provider, type SourceReference } from '../constructs/flux';

/** Name of the `GitRepository` Phoenix adds when an environment sets `flux.repositoryUrl`. */
export const GIT_REPOSITORY_NAME = 'phoenix';
/** Name of the Flux Kustomization that applies `infrastructure/<env>/`; every experiment depends on it. */
export const INFRASTRUCTURE_KUSTOMIZATION = 'phoenix-infrastructure';
/** Name of the commit-status Provider and Alert. */
export const COMMIT_STATUS_NAME = 'phoenix-commit-status';

/** The Flux Kustomization name of an experiment in every cluster (also labelled with the experiment). */
export function experimentKustomizationName(experiment: string): string {
  return `phoenix-experiment-${experiment}`;
}

/** Where a cluster's Flux objects find the tree: `./<fluxPath>/<rest>`. */
export function fluxFolder(fluxPath: string, ...rest: string[]): string {
  return ['.', ...fluxPath.split('/').filter((part) => part && part !== '.'), ...rest].join('/');
}

function sourceOf(env: EnvironmentSpec): SourceReference {
  return env.flux ? { kind: 'GitRepository', name: GIT_REPOSITORY_NAME } : { kind: 'GitRepository', name: 'flux-system' };
}

function interval(env: EnvironmentSpec): Duration {
  return Duration.minutes(env.flux?.intervalMinutes ?? 5);
}

/** `clusters/<env>/phoenix-infrastructure.yaml`: the git source (when configured) and the infrastructure Kustomization. */
export function buildInfrastructureFlux(chart: Chart, env: EnvironmentSpec, fluxPath: string): void {
  const namespace = env.flux?.namespace ?? FLUX_NAMESPACE;
  if (env.flux) {
    new GitRepository(chart, 'Source', {
      name: GIT_REPOSITORY_NAME,
      namespace,
      url: env.flux.repositoryUrl,
      branch: env.flux.branch,
      interval: interval(env),
      secretName: env.flux.gitSecretName,
    });
  }
  new Kustomization(chart, 'Infrastructure', {
    name: INFRASTRUCTURE_KUSTOMIZATION,
    namespace,
    path: fluxFolder(fluxPath, 'infrastructure', env.name),
    sourceRef: sourceOf(env),
    interval: interval(env),
    timeout: Duration.minutes(3),
  });
}

/** `clusters/<env>/phoenix-experiments.yaml`: one Kustomization per experiment, each after the infrastructure. */
export function buildExperimentsFlux(chart: Chart, env: EnvironmentSpec, experiments: readonly string[], fluxPath: string): void {
  for (const experiment of experiments) {
    new Kustomization(chart, experiment, {
      name: experimentKustomizationName(experiment),
      namespace: env.flux?.namespace ?? FLUX_NAMESPACE,
      path: fluxFolder(fluxPath, 'experiments', env.name, experiment),
      sourceRef: sourceOf(env),
      interval: interval(env),
      timeout: Duration.minutes(5),
      dependsOn: [INFRASTRUCTURE_KUSTOMIZATION],
      experiment,
    });
  }
}

/** `clusters/<env>/phoenix-notifications.yaml`: commit statuses for every Phoenix Kustomization. */
export function buildNotificationsFlux(chart: Chart, env: EnvironmentSpec): void {
  if (!env.flux) return;
  const provider = Provider.githubCommitStatus(chart, 'GitHub', {
    name: COMMIT_STATUS_NAME,
    namespace: env.flux.namespace,
    repositoryUrl: env.flux.repositoryUrl,
    secretName: env.flux.commitStatusSecretName ?? 'phoenix-github-token',
  });
  new Alert(chart, 'CommitStatus', {
    name: COMMIT_STATUS_NAME,
    provider,
    eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { [PART_OF_LABEL]: PART_OF_VALUE } }],
    summary: `phoenix ${env.name} (${env.cluster})`,
  });
}

/** `infrastructure/<env>/`: the collectors' namespace, and the watcher where the environment hosts it. */
export function buildInfrastructure(chart: Chart, env: EnvironmentSpec): void {
  new ApiObject(chart, 'Namespace', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: env.namespace, labels: { [PART_OF_LABEL]: PART_OF_VALUE } },
  });
  if (!env.watcher) return;
  const namespace = env.watcher.namespace ?? 'phoenix-system';
  if (namespace !== env.namespace) {
    new ApiObject(chart, 'WatcherNamespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { [PART_OF_LABEL]: PART_OF_VALUE } },
    });
  }
  new PhoenixWatcher(chart, 'Watcher', {
    namespace,
    image: env.watcher.image,
    configYaml: env.watcher.configYaml,
    replicas: env.watcher.replicas,
    githubAppSecretName: env.watcher.githubAppSecretName,
    fluxNamespaces: [env.flux?.namespace ?? FLUX_NAMESPACE],
  });
}
