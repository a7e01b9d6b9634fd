/**
 * Where experiments run: one object per environment (dev, staging, prod), one file each in
 * `environments/`. Environments read configuration and pass it down to constructs as props;
 * constructs never read the environment themselves.
 */
export interface EnvironmentSpec {
  /** Environment name, a DNS label: `dev`, `staging`, `prod`. */
  readonly name: string;
  /** Kubernetes cluster name (informational, shown in reports). */
  readonly cluster: string;
  /** Namespace the collectors run in. */
  readonly namespace: string;
  /** Position in the promotion order (dev 0 → staging 1 → prod 2). */
  readonly promotionOrder: number;
  /** Minimum time a promotion bakes here before the next environment may promote. */
  readonly bakeTimeMinutes: number;
  /** Metrics backend the watcher queries and the collectors write to. */
  readonly metrics: MetricsBackend;
  /** Price model applied to measured usage. */
  readonly priceModel: PriceModelSpec;
  /** Active-series budget for the environment. @default - no budget */
  readonly cardinalityBudgetSeries?: number;
  /** Collector resource and replica overrides for this environment. @default - the experiment's own */
  readonly collector?: CollectorOverrides;
  /**
   * Set in the one environment that hosts the watcher: the generator adds its Deployment, RBAC,
   * Lease permissions, Service and ServiceMonitor to `infrastructure/<env>/`.
   * @default - the watcher is not deployed here
   */
  readonly watcher?: WatcherHosting;
  /**
   * How Flux in this cluster reads the config repo and reports back to it.
   * @default - Phoenix's Kustomizations use the bootstrap `GitRepository` `flux-system` and no commit statuses are posted
   */
  readonly flux?: FluxSettings;
}

/**
 * The Flux side of an environment: the git source Phoenix's Kustomizations read and the
 * GitHub repository Flux's notification-controller posts commit statuses to.
 */
export interface FluxSettings {
  /** HTTPS URL of the config repo, e.g. `https://github.com/OWNER/metrics-config` (`phoenix init` fills it in). */
  readonly repositoryUrl: string;
  /** Branch the cluster follows. @default 'main' */
  readonly branch?: string;
  /** Namespace of Flux's controllers and of Phoenix's Flux objects. @default 'flux-system' */
  readonly namespace?: string;
  /** How often Flux fetches the repository and reconciles. @default 5 */
  readonly intervalMinutes?: number;
  /**
   * Secret (in the Flux namespace) with the git credentials (`username`/`password`) for a private repository.
   * @default - the repository is read anonymously
   */
  readonly gitSecretName?: string;
  /**
   * Secret (in the Flux namespace) with a GitHub token (`token` key) allowed to post commit statuses.
   * @default 'phoenix-github-token'
   */
  readonly commitStatusSecretName?: string;
}

/** A Prometheus-compatible backend: where to query and where to write. */
export interface MetricsBackend {
  /** Prometheus HTTP API base URL used to query production and shadow data. */
  readonly queryUrl: string;
  /** Remote-write URL for the production pipeline's output. */
  readonly remoteWriteUrl: string;
  /** Remote-write URL of the separate shadow destination (a tenant or target of its own). */
  readonly shadowRemoteWriteUrl: string;
  /** Query URL of the shadow destination. @default - queryUrl */
  readonly shadowQueryUrl?: string;
  /** Scrape / export interval of the collectors, in seconds. @default 60 */
  readonly scrapeIntervalSeconds?: number;
}

/** Per-environment collector overrides. */
export interface CollectorOverrides {
  readonly replicas?: number;
  readonly cpuRequestMillis?: number;
  readonly cpuLimitMillis?: number;
  readonly memoryRequestMiB?: number;
  readonly memoryLimitMiB?: number;
}

/**
 * A price list, as published by the vendor; amounts are decimal strings (exact money).
 * Any unit left out costs nothing.
 */
export interface PriceModelSpec {
  /** ISO 4217 currency code, e.g. `USD`. */
  readonly currency: string;
  /** Price per 1,000 active series per month. */
  readonly perThousandSeriesMonth?: string;
  /** Price per 1,000 samples per minute (ingest rate) per month. */
  readonly perThousandSamplesPerMinuteMonth?: string;
  /** Price per GB ingested. */
  readonly perGigabyte?: string;
  /** Where the prices come from (a URL or a note). */
  readonly source?: string;
}

/** How the watcher runs in the environment that hosts it. */
export interface WatcherHosting {
  /**
   * Container image pinned by tag or digest: the one image setting of the environment.
   * @default - the image Phoenix's release workflow publishes for the installed version (`ghcr.io/<Phoenix's repository>:<version>`)
   */
  readonly image?: string;
  /** The watcher's config file content (see docs/watcher.md); never holds credentials. */
  readonly configYaml: string;
  /** @default 2 (only the Lease holder acts) */
  readonly replicas?: number;
  /** @default 'phoenix-system' */
  readonly namespace?: string;
  /** Secret with the GitHub App credentials, created out of band or SOPS-encrypted. @default 'phoenix-github-app' */
  readonly githubAppSecretName?: string;
}
