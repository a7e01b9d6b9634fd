import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as alert from './imports/notification-alert-notification.toolkit.fluxcd.io';
import * as provider from './imports/notification-provider-notification.toolkit.fluxcd.io';
import { FLUX_NAMESPACE, FluxObjectError, PART_OF_LABEL, PART_OF_VALUE, assertObjectName, phoenixLabels } from './common';

/** Props of a `github` notification `Provider` that posts commit statuses. */
export interface GitHubCommitStatusProps {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`. @default 'flux-system' */
  readonly namespace?: string;
  /** Repository URL, `https://github.com/<owner>/<repo>` (`spec.address`). */
  readonly repositoryUrl: string;
  /** Secret holding a GitHub token under the `token` key (`spec.secretRef.name`). */
  readonly secretName: string;
}

/**
 * A Flux notification `Provider` (`notification.toolkit.fluxcd.io/v1beta3`). Phoenix uses the
 * `github` type: the notification-controller posts a commit status for every reconciled
 * revision, which the watcher reads to learn what runs where without cluster credentials.
 */
export class Provider extends Construct {
  /**
   * A `github` Provider posting commit statuses to `repositoryUrl`.
   */
  static githubCommitStatus(scope: Construct, id: string, props: GitHubCommitStatusProps): Provider {
    if (!/^https:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+?(\.git)?$/.test(props.repositoryUrl)) {
      throw new FluxObjectError(`${scope.node.path}/${id}: 'repositoryUrl' (${JSON.stringify(props.repositoryUrl)}) must be https://<host>/<owner>/<repo>`);
    }
    return new Provider(scope, id, props.name, props.namespace ?? FLUX_NAMESPACE, {
      type: provider.ProviderSpecType.GITHUB,
      address: props.repositoryUrl.replace(/\.git$/, ''),
      secretRef: { name: props.secretName },
    });
  }

  /** The object's name, for an Alert's `providerRef`. */
  readonly name: string;
  /** The object's namespace. */
  readonly namespace: string;
  /** The generated API object. */
  readonly resource: provider.Provider;

  private constructor(scope: Construct, id: string, name: string, namespace: string, spec: provider.ProviderSpec) {
    super(scope, id);
    assertObjectName(name, 'name', this.node.path);
    if (spec.secretRef) assertObjectName(spec.secretRef.name, 'secretName', this.node.path);
    this.name = name;
    this.namespace = namespace;
    this.resource = new provider.Provider(this, 'Resource', {
      metadata: { name, namespace, labels: phoenixLabels(undefined) },
      spec: Lazy.any({ produce: () => spec }) as unknown as provider.ProviderSpec,
    });
  }
}

/** Which objects' events an Alert forwards (`spec.eventSources[]`). */
export interface EventSource {
  readonly kind: 'Kustomization' | 'GitRepository' | 'HelmRelease' | 'OCIRepository';
  /** Object name, or `*` for every object matching `matchLabels`. */
  readonly name: string;
  /** @default - the Alert's namespace */
  readonly namespace?: string;
  /** Only with name `*`. @default - every object of the kind */
  readonly matchLabels?: Readonly<Record<string, string>>;
}

/** Props of a notification `Alert`. */
export interface AlertProps {
  /** `metadata.name`. */
  readonly name: string;
  /** The provider the events go to (`spec.providerRef`). */
  readonly provider: Provider;
  /** The objects whose events are forwarded. @default - every Kustomization labelled part-of Phoenix */
  readonly eventSources?: readonly EventSource[];
  /** `info` forwards every event, `error` only failures (`spec.eventSeverity`). @default 'info' */
  readonly eventSeverity?: 'info' | 'error';
  /** A line added to every notification (`spec.summary`). @default - none */
  readonly summary?: string;
}

/** A Flux notification `Alert` (`notification.toolkit.fluxcd.io/v1beta3`). */
export class Alert extends Construct {
  /** The generated API object. */
  readonly resource: alert.Alert;

  constructor(scope: Construct, id: string, props: AlertProps) {
    super(scope, id);
    assertObjectName(props.name, 'name', this.node.path);
    const sources = props.eventSources ?? [{ kind: 'Kustomization', name: '*', matchLabels: { [PART_OF_LABEL]: PART_OF_VALUE } }];
    if (sources.length === 0) throw new FluxObjectError(`${this.node.path}: 'eventSources' must list at least one source`);
    for (const src of sources) {
      if (src.name !== '*') assertObjectName(src.name, 'eventSources[].name', this.node.path);
      if (src.matchLabels && src.name !== '*') {
        throw new FluxObjectError(`${this.node.path}: 'eventSources[].matchLabels' only applies with name '*' (got '${src.name}')`);
      }
    }
    const spec: alert.AlertSpec = {
      providerRef: { name: props.provider.name },
      eventSeverity: (props.eventSeverity ?? 'info') as alert.AlertSpecEventSeverity,
      eventSources: sources.map((src) => ({
        kind: src.kind as alert.AlertSpecEventSourcesKind,
        name: src.name,
        ...(src.namespace ? { namespace: src.namespace } : {}),
        ...(src.matchLabels ? { matchLabels: { ...src.matchLabels } } : {}),
      })),
      ...(props.summary ? { summary: props.summary } : {}),
    };
    this.resource = new alert.Alert(this, 'Resource', {
      metadata: { name: props.name, namespace: props.provider.namespace, labels: phoenixLabels(undefined) },
      spec: Lazy.any({ produce: () => spec }) as unknown as alert.AlertSpec,
    });
  }
}
