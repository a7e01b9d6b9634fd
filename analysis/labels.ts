/**
 * The labels Phoenix writes, each defined once.
 *
 * Series labels: every shadow pipeline stamps its data with the experiment and the variant
 * (remote-write `external_labels`); queries group and filter by them.
 */
export const EXPERIMENT_LABEL = 'phoenix_experiment';
export const VARIANT_LABEL = 'phoenix_variant';

/** Kubernetes label on every object synthesized for one experiment (Flux Kustomizations, manifests). */
export const EXPERIMENT_OBJECT_LABEL = 'phoenix.dev/experiment';

/** Kubernetes label (`"true"`) on the ConfigMap that carries an experiment's manifest. */
export const MANIFEST_LABEL = 'phoenix.dev/experiment-manifest';
