/**
 * A config repo for watcher tests: a real git repository (bare remote + commit) holding the
 * environments, the experiments' manifests in the committed tree, the cluster entry points and
 * the state files that describe a {@link ScenarioSet}.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { git } from './git';
import type { ScenarioSet } from './watcher-scenarios';

/** The repo and where things are. */
export interface WatcherRepo {
  /** Bare remote to clone from. */
  readonly remote: string;
  /** The commit on main. */
  readonly head: string;
  /** A temp dir for the watcher's work dir and config. */
  readonly scratch: string;
}

function write(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/** Writes and commits a config repo describing `set`, with every environment's shadow store at `prometheusUrl`. */
export function createWatcherRepo(set: ScenarioSet, prometheusUrl: string): WatcherRepo {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'phoenix-watcher-repo-'));
  const work = path.join(scratch, 'source');
  const remote = path.join(scratch, 'remote.git');
  mkdirSync(work);
  git(scratch, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(work, 'init', '--quiet', '--initial-branch=main');

  for (const env of set.environments) {
    const spec = {
      name: env.name,
      cluster: `${env.name}-cluster`,
      namespace: 'phoenix-collectors',
      promotionOrder: env.promotionOrder,
      bakeTimeMinutes: env.bakeTimeMinutes,
      metrics: {
        queryUrl: prometheusUrl,
        remoteWriteUrl: 'http://127.0.0.1:1/prod',
        shadowRemoteWriteUrl: 'http://127.0.0.1:1/shadow',
        shadowQueryUrl: prometheusUrl,
        scrapeIntervalSeconds: env.scrapeIntervalSeconds,
      },
      priceModel: env.priceModel,
    };
    write(work, `environments/${env.name}.ts`, `export default ${JSON.stringify(spec, null, 2)};\n`);
    const kustomizations = set.experiments.map((e) => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: `phoenix-experiment-${e.name}`, namespace: 'flux-system', labels: { 'phoenix.dev/experiment': e.name } },
      spec: { interval: '5m', path: `./gitops/experiments/${env.name}/${e.name}`, prune: true, sourceRef: { kind: 'GitRepository', name: 'phoenix' } },
    }));
    write(work, `gitops/clusters/${env.name}/phoenix-experiments.yaml`, kustomizations.map((k) => stringify(k)).join('---\n'));
    for (const watched of set.experiments) {
      const { experiment } = watched.environments[env.name]!;
      const manifest = {
        manifestVersion: 1,
        name: watched.name,
        environment: env.name,
        phase: 'running',
        collector: { name: watched.name, namespace: 'phoenix-collectors', productionPipeline: 'metrics' },
        scope: { names: ['http_requests_total'], patterns: [] },
        variants: experiment.variants.map((v, i) => ({
          name: v.name,
          kind: i === 0 ? 'baseline' : 'candidate',
          shadowPipeline: `metrics/phoenix-${watched.name}-${v.name}`,
          processors: [{ id: `p/${v.name}`, type: 'transform', config: { n: i } }],
        })),
        shadow: { active: true, remoteWriteUrl: 'http://127.0.0.1:1/shadow', labels: { experiment: 'phoenix_experiment', variant: 'phoenix_variant' } },
        guardrails: {
          queries: experiment.guardrails.map((g) => ({
            name: g.id,
            expr: g.query,
            source: 'inline',
            hard: g.hard ?? true,
            tolerancePercent: (g.relativeTolerance ?? 0.02) * 100,
          })),
          ruleFiles: [],
          dashboards: [],
          collectorHealth: { maxRefusedPointsPerSecond: 0, maxDroppedPointsPerSecond: 0, maxExporterFailuresPerSecond: 0, maxMemoryPercent: 80 },
          minSavingsPercent: experiment.promotion.minSavingsPercent,
        },
        promotion: {
          windowMinutes: experiment.promotion.windowMinutes,
          windows: experiment.promotion.windows ?? 6,
          consecutivePasses: experiment.promotion.consecutivePasses,
          failureLimit: experiment.promotion.failureLimit,
          bakeTimeMinutes: {},
        },
      };
      const configMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: `${watched.name}-phoenix-experiment`,
          namespace: 'phoenix-collectors',
          labels: { 'phoenix.dev/experiment': watched.name, 'phoenix.dev/experiment-manifest': 'true' },
        },
        data: { 'experiment.json': `${JSON.stringify(manifest, null, 2)}\n` },
      };
      write(work, `gitops/experiments/${env.name}/${watched.name}/configmap-${watched.name}-phoenix-experiment.yaml`, stringify(configMap));
    }
  }
  for (const watched of set.experiments) {
    const environments: Record<string, unknown> = {};
    for (const [env, entry] of Object.entries(watched.environments)) environments[env] = { phase: entry.lifecycle.phase, since: entry.lifecycle.since };
    write(work, `experiments/${watched.name}.state.yaml`, stringify({ version: 1, environments }));
  }
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'experiments');
  git(work, 'remote', 'add', 'origin', remote);
  git(work, 'push', '--quiet', 'origin', 'main');
  return { remote, head: git(work, 'rev-parse', 'HEAD'), scratch };
}
