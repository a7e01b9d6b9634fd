import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as source from './imports/source.toolkit.fluxcd.io';
import { FLUX_NAMESPACE, FluxObjectError, assertNamespace, assertObjectName, fluxDuration, phoenixLabels } from './common';

/** Props of a Flux `GitRepository` (`source.toolkit.fluxcd.io/v1`). */
export interface GitRepositoryProps {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. @default 'flux-system' */
  readonly namespace?: string;
  /** Repository URL: `https://…` or `ssh://…`. */
  readonly url: string;
  /** Branch to follow (`spec.ref.branch`). @default 'main' */
  readonly branch?: string;
  /** How often Flux fetches the repository (`spec.interval`). @default Duration.minutes(5) */
  readonly interval?: Duration;
  /** Secret with git credentials (`spec.secretRef.name`). @default - anonymous access */
  readonly secretName?: string;
  /** Paths to exclude, `.gitignore` syntax (`spec.ignore`). @default - Flux's defaults */
  readonly ignore?: string;
  /** Extra labels. @default - Phoenix's labels only */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A Flux `GitRepository`: the git source Phoenix's Kustomizations read. */
export class GitRepository extends Construct {
  /** The object's name, for `sourceRef`s. */
  readonly name: string;
  /** The object's namespace. */
  readonly namespace: string;
  /** The generated API object. */
  readonly resource: source.GitRepository;

  constructor(scope: Construct, id: string, props: GitRepositoryProps) {
    super(scope, id);
    const path = this.node.path;
    assertObjectName(props.name, 'name', path);
    this.name = props.name;
    this.namespace = props.namespace ?? FLUX_NAMESPACE;
    assertNamespace(this.namespace, 'namespace', path);
    if (!/^(https?|ssh):\/\/[^\s]+$/.test(props.url)) {
      throw new FluxObjectError(`${path}: 'url' (${JSON.stringify(props.url)}) must be an https:// or ssh:// repository URL`);
    }
    if (props.secretName !== undefined) assertObjectName(props.secretName, 'secretName', path);
    const spec: source.GitRepositorySpec = {
      interval: fluxDuration(props.interval ?? Duration.minutes(5), 'interval', path),
      url: props.url,
      ref: { branch: props.branch ?? 'main' },
      ...(props.secretName ? { secretRef: { name: props.secretName } } : {}),
      ...(props.ignore ? { ignore: props.ignore } : {}),
    };
    this.resource = new source.GitRepository(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: phoenixLabels(undefined, props.labels) },
      spec: Lazy.any({ produce: () => spec }) as unknown as source.GitRepositorySpec,
    });
  }
}
