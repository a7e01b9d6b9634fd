import { ApiException, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';

/** Options for {@link LeaseElector}. */
export interface LeaseElectorOptions {
  /** Coordination API client (`kubeConfig.makeApiClient(CoordinationV1Api)`). */
  readonly api: CoordinationV1Api;
  /** Namespace of the Lease. */
  readonly namespace: string;
  /** Name of the Lease; every replica of one watcher uses the same name. @default 'phoenix-watcher' */
  readonly leaseName?: string;
  /** This replica's identity, usually the pod name. */
  readonly identity: string;
  /** How long a holder keeps the lease without renewing. @default 15 */
  readonly leaseDurationSeconds?: number;
  /** Clock, injectable for tests. @default - the system clock */
  readonly now?: () => Date;
  /** Where this replica serves its API; written on the Lease so followers can say where the leader is. @default - not written */
  readonly url?: string;
}

/** The annotation of the Lease naming the holder's API address. */
export const LEADER_URL_ANNOTATION = 'phoenix.dev/api-url';

/** The Lease holder as last read. */
export interface LeaseHolder {
  readonly identity?: string;
  readonly url?: string;
}

/**
 * Leader election over a `coordination.k8s.io/v1` Lease, so that of several watcher replicas only
 * one acts. Each `tryAcquire()` is one step: read the Lease; renew it when we hold it; take it when
 * it is missing or expired. Writes carry the resourceVersion read, so two replicas racing for an
 * expired Lease cannot both win: the API server answers 409 to the second.
 */
export class LeaseElector {
  private readonly leaseName: string;
  private readonly durationSeconds: number;
  private readonly now: () => Date;
  private leader = false;
  private lastHolder: LeaseHolder = {};
  /** The other holder's record as last read, and the LOCAL time at which it was first seen so. */
  private observed?: { readonly record: string; readonly at: number };

  constructor(private readonly options: LeaseElectorOptions) {
    this.leaseName = options.leaseName ?? 'phoenix-watcher';
    this.durationSeconds = options.leaseDurationSeconds ?? 15;
    this.now = options.now ?? (() => new Date());
    if (!options.identity) throw new Error('LeaseElector needs an identity (e.g. the pod name from POD_NAME)');
  }

  /** Whether the last step left this replica holding the Lease. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** The holder seen by the last step (this replica when it leads). */
  get holder(): LeaseHolder {
    return this.lastHolder;
  }

  /** Renews or acquires the Lease; returns whether this replica holds it now. */
  async tryAcquire(): Promise<boolean> {
    const { api, namespace, identity } = this.options;
    const now = this.now();
    let current: V1Lease | undefined;
    try {
      current = await api.readNamespacedLease({ name: this.leaseName, namespace });
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
    try {
      if (!current) {
        await api.createNamespacedLease({ namespace, body: this.leaseBody(now, now, 0) });
        return this.lead();
      }
      const spec = current.spec ?? {};
      const holder = spec.holderIdentity;
      const duration = (spec.leaseDurationSeconds ?? this.durationSeconds) * 1000;
      // As client-go does: the other holder's renewTime is its own clock, so it is never compared
      // with ours. Expiry counts from the local time at which this replica saw the record change.
      const record = JSON.stringify([holder, spec.renewTime, spec.acquireTime, spec.leaseTransitions, duration]);
      if (this.observed?.record !== record) this.observed = { record, at: now.getTime() };
      const expired = this.observed.at + duration <= now.getTime();
      if (holder !== identity && !expired && holder) {
        const url = current.metadata?.annotations?.[LEADER_URL_ANNOTATION];
        this.lastHolder = { identity: holder, ...(url ? { url } : {}) };
        return (this.leader = false);
      }
      const transitions = (spec.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
      const acquired = holder === identity && spec.acquireTime ? new Date(spec.acquireTime as unknown as string) : now;
      const body = this.leaseBody(acquired, now, transitions);
      body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion };
      await api.replaceNamespacedLease({ name: this.leaseName, namespace, body });
      return this.lead();
    } catch (error) {
      if (isStatus(error, 409)) return (this.leader = false);
      throw error;
    }
  }

  /** Gives the Lease up (on shutdown) so another replica can take over without waiting for expiry. */
  async release(): Promise<void> {
    if (!this.leader) return;
    const { api, namespace } = this.options;
    const current = await api.readNamespacedLease({ name: this.leaseName, namespace });
    if (current.spec?.holderIdentity !== this.options.identity) return;
    const body: V1Lease = { ...current, spec: { ...current.spec, holderIdentity: undefined, renewTime: undefined } };
    try {
      await api.replaceNamespacedLease({ name: this.leaseName, namespace, body });
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    this.leader = false;
  }

  private lead(): true {
    this.lastHolder = { identity: this.options.identity, ...(this.options.url ? { url: this.options.url } : {}) };
    this.leader = true;
    return true;
  }

  private leaseBody(acquireTime: Date, renewTime: Date, leaseTransitions: number): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.leaseName,
        namespace: this.options.namespace,
        ...(this.options.url ? { annotations: { [LEADER_URL_ANNOTATION]: this.options.url } } : {}),
      },
      spec: {
        holderIdentity: this.options.identity,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: acquireTime as never,
        renewTime: renewTime as never,
        leaseTransitions,
      },
    };
  }
}

function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiException ? error.code === code : (error as { code?: unknown })?.code === code;
}
