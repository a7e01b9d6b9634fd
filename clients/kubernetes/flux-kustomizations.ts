import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../../analysis/input-error';
import { EXPERIMENT_OBJECT_LABEL } from '../../analysis/labels';

/** Default label naming the experiment on Phoenix's Kustomizations (`constructs/flux/common.ts`). */
export const DEFAULT_EXPERIMENT_LABEL = EXPERIMENT_OBJECT_LABEL;

/** What the watcher needs from one Flux `Kustomization`'s status. */
export interface KustomizationSummary {
  readonly name: string;
  readonly namespace: string;
  /** Value of the experiment label. */
  readonly experiment: string;
  /** `Ready` condition is `True` and the controller observed the latest generation. */
  readonly ready: boolean;
  /** The `Ready` condition's reason and message, for reports. */
  readonly message?: string;
  /** `Ready` condition's `lastTransitionTime` (ISO-8601). */
  readonly readySince?: string;
  /** `status.lastAppliedRevision`, e.g. `main@sha1:<sha>`. */
  readonly lastAppliedRevision?: string;
}

/** Reading Kustomizations failed: the API could not be reached or refused the request. */
export class FluxStatusError extends InputError {
  constructor(
    message: string,
    readonly unavailable: boolean,
  ) {
    super(message);
    this.name = 'FluxStatusError';
  }
}

/** Options of {@link FluxKustomizations}. */
export interface FluxKustomizationsOptions {
  /** A loaded kubeconfig. */
  readonly kubeConfig: KubeConfig;
  /** Context to use. @default - the kubeconfig's current context */
  readonly context?: string;
  /** Namespace of Phoenix's Kustomizations. @default 'flux-system' */
  readonly namespace?: string;
  /** Label naming the experiment. @default 'phoenix.dev/experiment' */
  readonly experimentLabel?: string;
}

/**
 * Flux status through the Kubernetes API: one list call per environment (label-selected), so the
 * number of API calls does not grow with the number of experiments.
 */
export class FluxKustomizations {
  /** Loads a kubeconfig file (or the default locations when `file` is undefined) and selects `context`. */
  static fromKubeconfig(file: string | undefined, options: Omit<FluxKustomizationsOptions, 'kubeConfig'> = {}): FluxKustomizations {
    const kubeConfig = new KubeConfig();
    try {
      if (file) kubeConfig.loadFromFile(file);
      else kubeConfig.loadFromDefault();
    } catch (error) {
      throw new FluxStatusError(`cannot read kubeconfig ${file ?? '(default)'}: ${(error as Error).message}`, false);
    }
    return new FluxKustomizations({ ...options, kubeConfig });
  }

  private readonly api: CustomObjectsApi;
  private readonly namespace: string;
  private readonly label: string;
  private readonly server: string;

  constructor(options: FluxKustomizationsOptions) {
    const config = options.kubeConfig;
    if (options.context) {
      if (!config.getContextObject(options.context)) {
        throw new FluxStatusError(
          `kubeconfig has no context '${options.context}': pick one of ${
            config
              .getContexts()
              .map((c) => c.name)
              .join(', ') || '(none)'
          }`,
          false,
        );
      }
      config.setCurrentContext(options.context);
    }
    this.server = config.getCurrentCluster()?.server ?? '(no cluster)';
    this.api = config.makeApiClient(CustomObjectsApi);
    this.namespace = options.namespace ?? 'flux-system';
    this.label = options.experimentLabel ?? DEFAULT_EXPERIMENT_LABEL;
  }

  /** Phoenix's Kustomizations in the namespace, by experiment name. */
  async byExperiment(): Promise<Map<string, KustomizationSummary>> {
    let list: { items?: unknown[] };
    try {
      list = (await this.api.listNamespacedCustomObject({
        group: 'kustomize.toolkit.fluxcd.io',
        version: 'v1',
        namespace: this.namespace,
        plural: 'kustomizations',
        labelSelector: this.label,
      })) as { items?: unknown[] };
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (typeof code === 'number') {
        throw new FluxStatusError(
          `Kubernetes API at ${this.server} refused to list Kustomizations in ${this.namespace} (HTTP ${code}): check the watcher's RBAC allows list on kustomizations.kustomize.toolkit.fluxcd.io`,
          code >= 500,
        );
      }
      throw new FluxStatusError(`cannot reach the Kubernetes API at ${this.server}: ${(error as Error).message}`, true);
    }
    const out = new Map<string, KustomizationSummary>();
    for (const item of list.items ?? []) {
      const summary = summarize(item as RawKustomization, this.label);
      if (summary) out.set(summary.experiment, summary);
    }
    return out;
  }
}

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | Date;
}

interface RawKustomization {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; generation?: number };
  status?: { conditions?: RawCondition[]; lastAppliedRevision?: string; observedGeneration?: number };
}

/** Reduces a raw Kustomization to what the watcher needs; `undefined` without the experiment label. */
export function summarize(item: RawKustomization, label = DEFAULT_EXPERIMENT_LABEL): KustomizationSummary | undefined {
  const experiment = item.metadata?.labels?.[label];
  if (!experiment) return undefined;
  const ready = item.status?.conditions?.find((c) => c.type === 'Ready');
  const observed = item.status?.observedGeneration;
  const generation = item.metadata?.generation;
  const current = observed === undefined || generation === undefined || observed >= generation;
  const since = ready?.lastTransitionTime;
  return {
    name: item.metadata?.name ?? experiment,
    namespace: item.metadata?.namespace ?? '',
    experiment,
    ready: ready?.status === 'True' && current,
    message: ready
      ? `${ready.reason ?? ''}${ready.message ? `: ${ready.message}` : ''}${current ? '' : ' (a newer generation is not reconciled yet)'}`
      : 'no Ready condition yet',
    readySince: isoTime(since),
    lastAppliedRevision: item.status?.lastAppliedRevision,
  };
}

function isoTime(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
