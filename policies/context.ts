import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../analysis/input-error';
import { collectorConfigsOf, isRecord } from './collector-configs';
import { UNKNOWN_HOME } from './load/home-repository';
import type { CollectorConfigSource, RuleContext, RuleOptions, SourceDocument } from './types';

/** Defaults of the rule tunables. */
export const DEFAULT_RULE_OPTIONS: Required<RuleOptions> = {
  fluxIntervalMinSeconds: 30,
  fluxIntervalMaxSeconds: 24 * 3600,
  debugEnvironments: ['dev'],
  homeRepository: UNKNOWN_HOME,
};

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Builds the context every rule sees: indexes over all documents, built once per run. */
export function createRuleContext(documents: readonly SourceDocument[], options: RuleOptions, pathExists: (relativePath: string) => boolean): RuleContext {
  const byKind = new Map<string, SourceDocument[]>();
  /** kind → name → objects of that name (usually one per namespace). */
  const byName = new Map<string, Map<string, SourceDocument[]>>();
  for (const doc of documents) {
    const kind = doc.object.kind ?? '';
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(doc);
    const name = doc.object.name;
    if (name === undefined) continue;
    let names = byName.get(kind);
    if (!names) byName.set(kind, (names = new Map()));
    const named = names.get(name);
    if (named) named.push(doc);
    else names.set(name, [doc]);
  }
  const ofKind = (kind: string): readonly SourceDocument[] => byKind.get(kind) ?? [];
  const find = (kind: string, name: string, namespace?: string): SourceDocument | undefined => {
    const named = byName.get(kind)?.get(name);
    if (!named) return undefined;
    if (namespace === undefined) return named[0];
    for (const doc of named) if ((doc.object.namespace ?? '') === namespace) return doc;
    return undefined;
  };
  const replicasCache = new Map<SourceDocument, number | undefined>();
  return {
    documents,
    ofKind,
    find,
    collectorConfigs: (doc): readonly CollectorConfigSource[] => collectorConfigsOf(doc),
    maxReplicas(doc) {
      if (!replicasCache.has(doc)) replicasCache.set(doc, computeMaxReplicas(doc, ofKind));
      return replicasCache.get(doc);
    },
    pathExists,
    options: { ...DEFAULT_RULE_OPTIONS, ...stripUndefined(options) },
  };
}

/**
 * The context of rules that read only their own document (`reads: 'document'`), which run before
 * the other files are parsed: asking it for other documents is a bug in the rule's declaration.
 */
export function createDocumentContext(options: RuleOptions, pathExists: (relativePath: string) => boolean): RuleContext {
  const undeclared = (what: string) => (): never => {
    throw new Error(`the rule reads other documents (${what}) but declares reads: 'document'; declare what it reads (ADR 0163)`);
  };
  return {
    get documents(): readonly SourceDocument[] {
      return undeclared('ctx.documents')();
    },
    ofKind: undeclared('ctx.ofKind'),
    find: undeclared('ctx.find'),
    maxReplicas: undeclared('ctx.maxReplicas'),
    collectorConfigs: (doc): readonly CollectorConfigSource[] => collectorConfigsOf(doc),
    pathExists,
    options: { ...DEFAULT_RULE_OPTIONS, ...stripUndefined(options) },
  };
}

function computeMaxReplicas(doc: SourceDocument, ofKind: (kind: string) => readonly SourceDocument[]): number | undefined {
  const spec = isRecord(doc.value.spec) ? doc.value.spec : {};
  if (doc.object.kind === 'OpenTelemetryCollector') {
    const mode = typeof spec.mode === 'string' ? spec.mode : 'deployment';
    if (mode === 'daemonset' || mode === 'sidecar') return Number.POSITIVE_INFINITY;
    const autoscaler = isRecord(spec.autoscaler) && typeof spec.autoscaler.maxReplicas === 'number' ? spec.autoscaler.maxReplicas : 0;
    return Math.max(typeof spec.replicas === 'number' ? spec.replicas : 1, autoscaler);
  }
  if (doc.object.kind !== 'ConfigMap') return undefined;
  let max: number | undefined;
  for (const kind of WORKLOAD_KINDS) {
    for (const workload of ofKind(kind)) {
      if (workload.object.namespace !== doc.object.namespace || !mountsConfigMap(workload, doc.object.name)) continue;
      const replicas = kind === 'DaemonSet' ? Number.POSITIVE_INFINITY : replicasOf(workload, ofKind);
      max = Math.max(max ?? 0, replicas);
    }
  }
  return max;
}

function replicasOf(workload: SourceDocument, ofKind: (kind: string) => readonly SourceDocument[]): number {
  const spec = workload.value.spec as Record<string, unknown> | undefined;
  let replicas = typeof spec?.replicas === 'number' ? spec.replicas : 1;
  for (const hpa of ofKind('HorizontalPodAutoscaler')) {
    const hpaSpec = hpa.value.spec as Record<string, unknown> | undefined;
    const target = hpaSpec?.scaleTargetRef as Record<string, unknown> | undefined;
    if (
      hpa.object.namespace === workload.object.namespace &&
      target?.kind === workload.object.kind &&
      target?.name === workload.object.name &&
      typeof hpaSpec?.maxReplicas === 'number'
    ) {
      replicas = Math.max(replicas, hpaSpec.maxReplicas);
    }
  }
  return replicas;
}

function mountsConfigMap(workload: SourceDocument, name: string | undefined): boolean {
  const template = (workload.value.spec as { template?: { spec?: { volumes?: unknown } } } | undefined)?.template;
  const volumes = template?.spec?.volumes;
  if (!Array.isArray(volumes) || name === undefined) return false;
  return volumes.some((volume) => {
    if (!isRecord(volume)) return false;
    if (isRecord(volume.configMap) && volume.configMap.name === name) return true;
    const sources = isRecord(volume.projected) ? volume.projected.sources : undefined;
    return Array.isArray(sources) && sources.some((source) => isRecord(source) && isRecord(source.configMap) && source.configMap.name === name);
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/**
 * The repository holding `target`: the nearest folder at or above it that holds `.git` (a folder, or
 * the file of a linked worktree), or undefined when `target` lies outside every repository.
 */
export function findRepoRoot(target: string): string | undefined {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The repository root a command works in: `given` (`--repo-root`) when set, else the repository
 * holding `target`. Never the working directory: a command run from elsewhere reads the target's own
 * repository (its Flux paths, its `.phoenix/waivers.yaml`). Throws an input error (exit 2) when there
 * is neither, rather than guess.
 */
export function resolveRepoRoot(target: string, given?: string): string {
  if (given !== undefined) {
    const root = path.resolve(given);
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(`--repo-root ${given}: no such folder`);
    return root;
  }
  const found = findRepoRoot(target);
  if (found === undefined) {
    throw new InputError(
      `${target} is not inside a git repository: pass --repo-root DIR (the folder that Flux paths and .phoenix/waivers.yaml are relative to)`,
    );
  }
  return found;
}

/**
 * A cached `pathExists` over the file system under `root`. A path that exists only through a
 * symbolic link leading out of `root` does not exist in the repository.
 */
export function fileSystemPathExists(root: string): (relativePath: string) => boolean {
  const cache = new Map<string, boolean>();
  let realRoot: string | undefined;
  return (relativePath) => {
    let exists = cache.get(relativePath);
    if (exists === undefined) cache.set(relativePath, (exists = insideRoot(relativePath)));
    return exists;
  };

  function insideRoot(relativePath: string): boolean {
    try {
      realRoot ??= fs.realpathSync(root);
      const real = fs.realpathSync(path.resolve(root, relativePath));
      const relative = path.relative(realRoot, real);
      return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    } catch {
      return false;
    }
  }
}
