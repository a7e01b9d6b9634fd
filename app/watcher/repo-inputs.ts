import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { strictForms } from '../../analysis/compare';
import type { KustomizationStatusInput } from '../../analysis/decide/flux-revision';
import type { EnvironmentInput, ExperimentInput, LifecycleInput, PriorRollback } from '../../analysis/decide/types';
import type { GitTokenSource } from '../../clients/git/run-git';
import { CommitStatusFluxReader, octokitCommitStatuses } from '../../clients/flux-status/commit-statuses';
import { createGitHubClient } from '../../clients/github/octokit';
import { FluxKustomizations } from '../../clients/kubernetes/flux-kustomizations';
import { PrometheusClient } from '../../clients/prometheus/client';
import type { ExperimentManifest } from '../../constructs/experiment/manifest';
import { readManifestsInYaml } from '../../constructs/experiment/read-manifest';
import { parseExperimentState } from '../../constructs/experiment/state';
import type { EnvironmentSpec } from '../../environments/environment';
import { loadEnvironments } from '../../environments/load-environments';
import { ConfigCheckout } from '../../clients/git/config-checkout';
import { readCredential, WatcherConfigError, type EnvironmentWatchConfig, type WatcherConfig } from './config';
import type { CycleInputs, FluxStatusReader, WatchEnvironment, WatchedExperiment } from './cycle';
import { EXPERIMENT_OBJECT_LABEL } from '../../analysis/labels';

/** Folder of the synthesized tree in the config repo. */
const GITOPS_DIR = 'gitops';

/** Hooks for tests: how to reach Kubernetes. @default - the kubeconfig file and context from the config */
export interface RepoInputOverrides {
  readonly kubernetes?: (environment: string, config: EnvironmentWatchConfig) => FluxKustomizations;
  /** Tokens for fetching an HTTPS config repo (the `github` section's App or token). @default - none: git runs unauthenticated */
  readonly gitTokens?: GitTokenSource;
}

/**
 * Loads a cycle's inputs from the config repo: fetches it, reads the environments
 * (`environments/*.ts`), each experiment's manifest from the committed tree
 * (`gitops/experiments/<env>/<name>/`, the generator's `experiment.json`), its state file and
 * its rollback records, and wires each environment's Flux status source and Prometheus.
 */
export async function loadRepoInputs(config: WatcherConfig, overrides: RepoInputOverrides = {}): Promise<CycleInputs> {
  const { repository } = config;
  const checkout = await ConfigCheckout.sync(repository.url, repository.branch, repository.workDir, overrides.gitTokens);
  const specs = loadFreshEnvironments(path.join(checkout.dir, repository.environmentsDir));
  const unknown = Object.keys(config.environments).filter((name) => !specs.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new WatcherConfigError([
      `${config.file}: environments.${unknown[0]}: the config repo has no such environment (it has ${specs.map((s) => s.name).join(', ')})`,
    ]);
  }
  const watchedSpecs = specs.filter((s) => config.environments[s.name]);
  const experiments = new Map<string, { name: string; kustomization?: string; environments: Record<string, WatchedExperiment['environments'][string]> }>();
  const environments: WatchEnvironment[] = [];

  for (const spec of watchedSpecs) {
    const envConfig = config.environments[spec.name]!;
    const kustomizations = kustomizationNames(path.join(checkout.dir, GITOPS_DIR, 'clusters', spec.name));
    const lastChanges = await checkout.lastChangesUnder(`${GITOPS_DIR}/experiments/${spec.name}`);
    for (const manifest of readManifests(path.join(checkout.dir, GITOPS_DIR, 'experiments', spec.name))) {
      const entry = experiments.get(manifest.name) ?? { name: manifest.name, kustomization: kustomizations.get(manifest.name), environments: {} };
      experiments.set(manifest.name, entry);
      entry.environments[spec.name] = {
        experiment: experimentInput(manifest),
        lifecycle: lifecycleOf(checkout.dir, repository.experimentsDir, manifest, spec.name),
        lastChangeSha: lastChanges.get(manifest.name),
      };
    }
    environments.push(watchEnvironment(spec, envConfig, checkout, overrides));
  }
  return {
    environments,
    experiments: [...experiments.values()],
    contains: (change, applied) => checkout.contains(change, applied),
  };
}

/** Loads the clone's environments anew (drops earlier cycles' modules from the require cache). */
function loadFreshEnvironments(dir: string): EnvironmentSpec[] {
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir + path.sep)) delete require.cache[key];
  return loadEnvironments(dir);
}

function watchEnvironment(spec: EnvironmentSpec, config: EnvironmentWatchConfig, checkout: ConfigCheckout, overrides: RepoInputOverrides): WatchEnvironment {
  const url = config.prometheus.url ?? spec.metrics.shadowQueryUrl ?? spec.metrics.queryUrl;
  const headers: Record<string, string> = {};
  if (config.prometheus.tenant) headers['X-Scope-OrgID'] = config.prometheus.tenant;
  if (config.prometheus.bearerToken)
    headers.Authorization = `Bearer ${readCredential(config.prometheus.bearerToken, `environments.${spec.name}.prometheus.bearerToken`)}`;
  const client = new PrometheusClient({ baseUrl: url, headers });
  const input: EnvironmentInput = {
    name: spec.name,
    promotionOrder: spec.promotionOrder,
    bakeTimeMinutes: spec.bakeTimeMinutes,
    scrapeIntervalSeconds: spec.metrics.scrapeIntervalSeconds ?? 60,
    priceModel: spec.priceModel,
  };
  return {
    input,
    endpoint: `${url}${config.prometheus.tenant ? `#${config.prometheus.tenant}` : ''}`,
    query: (expr, start, end, step) => client.queryRange(expr, start, end, step),
    matchers: config.prometheus.matchers,
    flux: fluxReader(spec.name, config, checkout, overrides),
  };
}

function fluxReader(environment: string, config: EnvironmentWatchConfig, checkout: ConfigCheckout, overrides: RepoInputOverrides): FluxStatusReader {
  const flux = config.flux;
  if (flux.source === 'kubernetes') {
    return async () => {
      const reader =
        overrides.kubernetes?.(environment, config) ?? FluxKustomizations.fromKubeconfig(flux.kubeconfig, { context: flux.context, namespace: flux.namespace });
      const out = new Map<string, KustomizationStatusInput>();
      for (const [experiment, k] of await reader.byExperiment()) {
        out.set(experiment, {
          source: 'kubernetes',
          found: true,
          ready: k.ready,
          message: k.message,
          readySince: k.readySince,
          lastAppliedRevision: k.lastAppliedRevision,
        });
      }
      return out;
    };
  }
  return async (experiments) => {
    const [owner, repo] = flux.repository.split('/') as [string, string];
    const github = createGitHubClient({ auth: readCredential(flux.token, `environments.${environment}.flux.token`), baseUrl: flux.apiUrl, retries: 2 });
    const reader = new CommitStatusFluxReader(octokitCommitStatuses(github, owner, repo), flux.providerUid);
    const out = new Map<string, KustomizationStatusInput>();
    for (const watched of experiments) {
      const lastChange = watched.environments[environment]?.lastChangeSha;
      if (!lastChange) continue;
      const status = await reader.statusOf(watched.kustomization ?? watched.name, await checkout.commitsSince(lastChange));
      out.set(watched.name, { source: 'commit-status', ...status });
    }
    return out;
  };
}

/** Every experiment manifest of one environment's folder. */
export function readManifests(dir: string): ExperimentManifest[] {
  if (!existsSync(dir)) return [];
  const out: ExperimentManifest[] = [];
  for (const name of readdirSync(dir).sort()) {
    const folder = path.join(dir, name);
    for (const file of safeList(folder).filter((f) => /\.ya?ml$/.test(f))) {
      const filePath = path.join(folder, file);
      out.push(...readManifestsInYaml(readFileSync(filePath, 'utf8'), filePath));
    }
  }
  return out;
}

/** Kustomization names by experiment label, from the cluster entry point's files. */
function kustomizationNames(dir: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const file of safeList(dir).filter((f) => /\.ya?ml$/.test(f))) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      const object = doc.toJS() as { kind?: string; metadata?: { name?: string; labels?: Record<string, string> } } | null;
      const experiment = object?.metadata?.labels?.[EXPERIMENT_OBJECT_LABEL];
      if (object?.kind === 'Kustomization' && experiment && object.metadata?.name) names.set(experiment, object.metadata.name);
    }
  }
  return names;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * The decision inputs of a manifest: variants with spec hashes, guardrails, promotion. Each
 * guardrail is judged in its strict forms too (without its threshold, each operand of a set
 * operator, a selection's operand: `strictForms`), each a check of its own named
 * `name ⟨form⟩`: an alert empty for both variants proves nothing, its operand does.
 */
export function experimentInput(manifest: ExperimentManifest): ExperimentInput {
  const baseline = manifest.variants.find((v) => v.kind === 'baseline')?.name ?? 'baseline';
  return {
    name: manifest.name,
    baseline,
    variants: manifest.variants.map((v) => ({ name: v.name, specHash: specHash(v.processors) })),
    guardrails: manifest.guardrails.queries.flatMap((q) =>
      strictForms(q.expr).map((expr, i) => ({
        id: i === 0 ? q.name : `${q.name} ⟨${expr}⟩`,
        query: expr,
        hard: q.hard,
        relativeTolerance: q.tolerancePercent / 100,
      })),
    ),
    promotion: {
      windowMinutes: manifest.promotion.windowMinutes,
      windows: manifest.promotion.windows,
      consecutivePasses: manifest.promotion.consecutivePasses,
      failureLimit: manifest.promotion.failureLimit,
      minSavingsPercent: manifest.guardrails.minSavingsPercent,
      bakeTimeMinutes: manifest.promotion.bakeTimeMinutes,
    },
  };
}

/** sha256 of the variant's rendered processors (keys sorted), first 16 hex digits. */
export function specHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The lifecycle from the state file (the manifest's phase when there is none) and earlier rollbacks. */
function lifecycleOf(repoDir: string, experimentsDir: string, manifest: ExperimentManifest, environment: string): LifecycleInput {
  const stateFile = path.join(experimentsDir, `${manifest.name}.state.yaml`);
  let lifecycle: LifecycleInput = { phase: manifest.phase };
  if (existsSync(path.join(repoDir, stateFile))) {
    const state = parseExperimentState(readFileSync(path.join(repoDir, stateFile), 'utf8'), stateFile);
    const own = state.environments[environment];
    lifecycle = own ? { phase: own.phase, variant: own.variant, since: own.since } : { phase: 'pending' };
  }
  return { ...lifecycle, priorRollbacks: priorRollbacks(path.join(repoDir, experimentsDir, 'decisions', manifest.name), environment) };
}

/** Rollbacks recorded in decision records (`experiments/decisions/<name>/*.json`), with the spec hash they rolled back. */
function priorRollbacks(dir: string, environment: string): PriorRollback[] {
  const out: PriorRollback[] = [];
  for (const file of safeList(dir).filter((f) => f.endsWith('.json'))) {
    try {
      const record = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
        action?: string;
        environment?: string;
        variant?: string;
        decision?: { specHash?: string };
      };
      if (record.action === 'rollback' && record.environment === environment && record.variant)
        out.push({ variant: record.variant, specHash: record.decision?.specHash });
    } catch {
      // A record that is not JSON is a person's note, not a rollback.
    }
  }
  return out;
}
