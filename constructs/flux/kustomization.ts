import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kustomize from './imports/kustomize.toolkit.fluxcd.io';
import { FLUX_NAMESPACE, FluxObjectError, assertNamespace, assertObjectName, fluxDuration, phoenixLabels } from './common';

/** The source a Kustomization reads: a `GitRepository` construct or a reference to one (e.g. bootstrap's `flux-system`). */
export interface SourceReference {
  readonly kind: 'GitRepository' | 'OCIRepository' | 'Bucket';
  readonly name: string;
  /** @default - the Kustomization's namespace */
  readonly namespace?: string;
}

/** An object Flux waits for before it reports the Kustomization ready (`spec.healthChecks[]`). */
export interface HealthCheck {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** @default - the object is cluster-scoped or in the Kustomization's target namespace */
  readonly namespace?: string;
}

/** Props of a Flux `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`). */
export interface KustomizationProps {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. @default 'flux-system' */
  readonly namespace?: string;
  /** Folder in the source, relative to its root, starting with `./` (`spec.path`). */
  readonly path: string;
  /** The source (`spec.sourceRef`). */
  readonly sourceRef: SourceReference | { readonly name: string; readonly namespace: string; readonly kind?: undefined };
  /** Reconcile interval (`spec.interval`). @default Duration.minutes(10) */
  readonly interval?: Duration;
  /** Interval between retries after a failed reconciliation (`spec.retryInterval`). @default Duration.minutes(2) */
  readonly retryInterval?: Duration;
  /** How long apply, health checks and pruning may take (`spec.timeout`). @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Delete objects removed from the source (`spec.prune`). @default true */
  readonly prune?: boolean;
  /** Wait for every applied object to become ready (`spec.wait`). @default true */
  readonly wait?: boolean;
  /** Names of Kustomizations (same namespace) that must be ready first (`spec.dependsOn`). @default - none */
  readonly dependsOn?: readonly string[];
  /** Objects to health-check; only with `wait: false` (Flux ignores them otherwise). @default - none */
  readonly healthChecks?: readonly HealthCheck[];
  /** The experiment this Kustomization deploys; sets the `phoenix.dev/experiment` label. @default - no experiment label */
  readonly experiment?: string;
}

/**
 * A Flux `Kustomization`: applies one folder of the tree, prunes what left it and reports
 * `Ready` and `lastAppliedRevision` (what the watcher reads per experiment).
 */
export class Kustomization extends Construct {
  /** The object's name, for `dependsOn`. */
  readonly name: string;
  /** The generated API object. */
  readonly resource: kustomize.Kustomization;
  private readonly dependsOn: string[];
  private readonly healthChecks: HealthCheck[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: KustomizationProps,
  ) {
    super(scope, id);
    const path = this.node.path;
    assertObjectName(props.name, 'name', path);
    if (props.namespace !== undefined) assertNamespace(props.namespace, 'namespace', path);
    if (!/^\.\/[^\s]*$/.test(props.path) || props.path.split('/').includes('..')) {
      throw new FluxObjectError(`${path}: 'path' (${JSON.stringify(props.path)}) must start with './' and stay inside the source (no '..')`);
    }
    assertObjectName(props.sourceRef.name, 'sourceRef.name', path);
    this.name = props.name;
    this.dependsOn = [];
    this.healthChecks = [];
    for (const name of props.dependsOn ?? []) this.addDependsOn(name);
    for (const check of props.healthChecks ?? []) this.addHealthCheck(check);
    this.resource = new kustomize.Kustomization(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace ?? FLUX_NAMESPACE, labels: phoenixLabels(props.experiment) },
      spec: Lazy.any({ produce: () => this.renderSpec() }) as unknown as kustomize.KustomizationSpec,
    });
  }

  /** Makes this Kustomization wait for another one (same namespace) to be ready. */
  addDependsOn(name: string): void {
    assertObjectName(name, 'dependsOn', this.node.path);
    if (name === this.props.name) throw new FluxObjectError(`${this.node.path}: a Kustomization cannot depend on itself ('${name}')`);
    if (!this.dependsOn.includes(name)) this.dependsOn.push(name);
  }

  /** Adds an object Flux checks for readiness; needs `wait: false`. */
  addHealthCheck(check: HealthCheck): void {
    if (this.props.wait ?? true) {
      throw new FluxObjectError(
        `${this.node.path}: 'healthChecks' have no effect with 'wait: true' (Flux then checks every applied object); set 'wait: false' to list them`,
      );
    }
    assertObjectName(check.name, 'healthChecks[].name', this.node.path);
    this.healthChecks.push({ ...check });
  }

  private renderSpec(): kustomize.KustomizationSpec {
    const path = this.node.path;
    const p = this.props;
    return {
      interval: fluxDuration(p.interval ?? Duration.minutes(10), 'interval', path),
      retryInterval: fluxDuration(p.retryInterval ?? Duration.minutes(2), 'retryInterval', path),
      timeout: fluxDuration(p.timeout ?? Duration.minutes(5), 'timeout', path),
      path: p.path,
      prune: p.prune ?? true,
      wait: p.wait ?? true,
      sourceRef: {
        kind: (p.sourceRef.kind ?? 'GitRepository') as kustomize.KustomizationSpecSourceRefKind,
        name: p.sourceRef.name,
        ...(p.sourceRef.namespace ? { namespace: p.sourceRef.namespace } : {}),
      },
      ...(this.dependsOn.length > 0 ? { dependsOn: this.dependsOn.map((name) => ({ name })) } : {}),
      ...(this.healthChecks.length > 0 ? { healthChecks: this.healthChecks.map((check) => ({ ...check })) } : {}),
    };
  }
}
