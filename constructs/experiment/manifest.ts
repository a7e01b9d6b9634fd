import type { LifecyclePhase } from './definition';
import type { ResolvedGuardrails } from './guardrails';
import type { ResolvedPromotion } from './promotion';
import type { MetricScope } from './scope';

/** Version of the `ExperimentManifest` format; bumped on any incompatible change. */
export const EXPERIMENT_MANIFEST_VERSION = 1;
/** Name suffix of the ConfigMap that carries the manifest: `<experiment>-phoenix-experiment`. */
export const MANIFEST_CONFIGMAP_SUFFIX = '-phoenix-experiment';
/** Key of the manifest inside that ConfigMap's `data`. */
export const MANIFEST_DATA_KEY = 'experiment.json';

/** A processor of a variant, rendered. */
export interface ManifestProcessor {
  /** Id in the production pipeline (after promotion, for candidates). */
  readonly id: string;
  readonly type: string;
  readonly config: Record<string, unknown>;
}

/** One variant: the baseline's copy or a candidate. */
export interface ManifestVariant {
  readonly name: string;
  readonly kind: 'baseline' | 'candidate';
  readonly description?: string;
  /** The shadow pipeline's id (`metrics/phoenix-<experiment>-<variant>`). */
  readonly shadowPipeline: string;
  /** Baseline: the production pipeline's processors; candidate: the processors it adds. */
  readonly processors: readonly ManifestProcessor[];
}

/**
 * A JSON-serialisable description of one experiment in one environment: what the watcher
 * measures and decides on, and what cost analysis reads. Written by the generator beside the
 * collector objects as the ConfigMap `<experiment>-phoenix-experiment` (label
 * `phoenix.dev/experiment-manifest: "true"`, key `experiment.json`).
 */
export interface ExperimentManifest {
  readonly manifestVersion: typeof EXPERIMENT_MANIFEST_VERSION;
  readonly name: string;
  readonly environment: string;
  readonly phase: LifecyclePhase;
  /** The candidate running in production (phase `promoted`). @default - none */
  readonly promotedVariant?: string;
  readonly collector: { readonly name: string; readonly namespace: string; readonly productionPipeline: string };
  readonly scope: MetricScope;
  readonly variants: readonly ManifestVariant[];
  readonly shadow: {
    /** True when the shadow pipelines are rendered in this environment (running, paused). */
    readonly active: boolean;
    readonly remoteWriteUrl: string;
    readonly labels: { readonly experiment: string; readonly variant: string };
  };
  readonly guardrails: ResolvedGuardrails;
  readonly promotion: ResolvedPromotion;
}
