import os from 'node:os';
import path from 'node:path';
import { ConfigFileError, loadConfigFile, parseConfigFile, type ConfigFileKind } from '../config/config-file';
import type { CredentialRef } from '../config/read-credential';
import { watcherConfigSchema } from './config-schema';

export { readCredential, type CredentialRef } from '../config/read-credential';

/** Flux status source of one environment. */
export type FluxSourceConfig =
  | { readonly source: 'kubernetes'; readonly kubeconfig?: string; readonly context?: string; readonly namespace: string }
  | { readonly source: 'commit-status'; readonly repository: string; readonly providerUid?: string; readonly apiUrl?: string; readonly token: CredentialRef };

/** Per-environment watcher settings. */
export interface EnvironmentWatchConfig {
  readonly flux: FluxSourceConfig;
  readonly prometheus: {
    /** @default - the environment's shadowQueryUrl (or queryUrl) */
    readonly url?: string;
    /** Extra matchers on every query, for stores shared by several environments. @default [] */
    readonly matchers: readonly string[];
    /** `X-Scope-OrgID` (Mimir/Cortex tenant). @default - none */
    readonly tenant?: string;
    readonly bearerToken?: CredentialRef;
  };
}

/** The watcher's configuration, every default applied. */
export interface WatcherConfig {
  /** The file it was read from (for messages). */
  readonly file: string;
  readonly repository: {
    readonly url: string;
    readonly branch: string;
    readonly workDir: string;
    readonly experimentsDir: string;
    readonly environmentsDir: string;
  };
  readonly mode: 'observe' | 'propose';
  readonly intervalSeconds: number;
  /** Where proposals are opened; required in propose mode. @default - none */
  readonly github?: {
    readonly owner: string;
    readonly repo: string;
    readonly apiUrl: string;
    readonly token?: CredentialRef;
    readonly app?: { readonly appId: number | string; readonly privateKey: CredentialRef; readonly installationId: number };
  };
  readonly actuation: {
    readonly authorName: string;
    readonly authorEmail: string;
    readonly autoMergeRollbacks: readonly string[];
    readonly resynthesize: boolean;
  };
  /** Leader election; without it this replica always acts. @default - none */
  readonly lease?: {
    readonly namespace: string;
    readonly name: string;
    readonly kubeconfig?: string;
    readonly context?: string;
    readonly leaseDurationSeconds?: number;
  };
  readonly server: { readonly host: string; readonly port: number };
  /** The HTTP API. Actions are off unless `enabled` (then `token` is required). */
  readonly api: {
    readonly url?: string;
    readonly actions: { readonly enabled: boolean; readonly token?: CredentialRef; readonly ratePerMinute: number; readonly burst: number };
  };
  readonly prometheus: { readonly timeoutMs: number; readonly attempts: number; readonly concurrency: number };
  readonly environments: Readonly<Record<string, EnvironmentWatchConfig>>;
}

/** A watcher config file that cannot be used: one `file:line: field: message` per problem. Exit code 2. */
export class WatcherConfigError extends ConfigFileError {
  constructor(problems: readonly string[]) {
    super(problems);
    this.name = 'WatcherConfigError';
  }
}

const WATCHER_CONFIG: ConfigFileKind<WatcherConfig> = {
  what: 'watcher',
  schema: watcherConfigSchema,
  docs: 'docs/watcher.md, "Configuration"',
  error: (problems) => new WatcherConfigError(problems),
  complete: (raw, file) => complete(raw as RawConfig, file),
};

/** Reads, validates and completes a watcher config file (YAML or JSON). */
export function loadWatcherConfig(file: string): WatcherConfig {
  return loadConfigFile(file, WATCHER_CONFIG);
}

/** Parses and validates config text; `file` names it in messages and anchors relative paths. */
export function parseWatcherConfig(text: string, file: string): WatcherConfig {
  return parseConfigFile(text, file, WATCHER_CONFIG);
}

interface RawConfig {
  repository: { url: string; branch?: string; workDir?: string; experimentsDir?: string; environmentsDir?: string };
  mode?: 'observe' | 'propose';
  intervalSeconds?: number;
  github?: { repository: string; apiUrl?: string; token?: CredentialRef; app?: { appId: number | string; privateKey: CredentialRef; installationId: number } };
  actuation?: { authorName?: string; authorEmail?: string; autoMergeRollbacks?: string[]; resynthesize?: boolean };
  lease?: { namespace: string; name?: string; kubeconfig?: string; context?: string; leaseDurationSeconds?: number };
  server?: { host?: string; port?: number };
  api?: { url?: string; actions?: { enabled?: boolean; token?: CredentialRef; ratePerMinute?: number; burst?: number } };
  prometheus?: { timeoutMs?: number; attempts?: number; concurrency?: number };
  environments: Record<
    string,
    { flux: Record<string, unknown> & { source: string }; prometheus?: { url?: string; matchers?: string[]; tenant?: string; bearerToken?: CredentialRef } }
  >;
}

function complete(raw: RawConfig, file: string): WatcherConfig {
  if (raw.mode === 'propose' && !raw.github) {
    throw new WatcherConfigError([
      `${file}:1: mode: propose mode opens pull requests and needs a 'github' section (repository, token or app); add one or set 'mode: observe'`,
    ]);
  }
  const base = path.dirname(path.resolve(file));
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.resolve(base, p));
  const environments: Record<string, EnvironmentWatchConfig> = {};
  for (const [name, env] of Object.entries(raw.environments)) {
    const flux = env.flux;
    const fluxConfig: FluxSourceConfig =
      flux.source === 'kubernetes'
        ? {
            source: 'kubernetes',
            kubeconfig: flux.kubeconfig ? resolve(String(flux.kubeconfig)) : undefined,
            context: flux.context as string | undefined,
            namespace: (flux.namespace as string | undefined) ?? 'flux-system',
          }
        : {
            source: 'commit-status',
            repository: String(flux.repository),
            providerUid: flux.providerUid as string | undefined,
            apiUrl: flux.apiUrl as string | undefined,
            token: resolveCredential(flux.token as CredentialRef, resolve),
          };
    environments[name] = {
      flux: fluxConfig,
      prometheus: {
        url: env.prometheus?.url,
        matchers: env.prometheus?.matchers ?? [],
        tenant: env.prometheus?.tenant,
        bearerToken: env.prometheus?.bearerToken ? resolveCredential(env.prometheus.bearerToken, resolve) : undefined,
      },
    };
  }
  return {
    file,
    repository: {
      url: raw.repository.url,
      branch: raw.repository.branch ?? 'main',
      workDir: raw.repository.workDir ? resolve(raw.repository.workDir) : path.join(os.tmpdir(), 'phoenix-watcher', 'config-repo'),
      experimentsDir: raw.repository.experimentsDir ?? 'experiments',
      environmentsDir: raw.repository.environmentsDir ?? 'environments',
    },
    mode: raw.mode ?? (raw.github ? 'propose' : 'observe'),
    github: raw.github
      ? {
          owner: raw.github.repository.split('/')[0]!,
          repo: raw.github.repository.split('/')[1]!,
          apiUrl: raw.github.apiUrl ?? 'https://api.github.com',
          token: raw.github.token ? resolveCredential(raw.github.token, resolve) : undefined,
          app: raw.github.app ? { ...raw.github.app, privateKey: resolveCredential(raw.github.app.privateKey, resolve) } : undefined,
        }
      : undefined,
    actuation: {
      authorName: raw.actuation?.authorName ?? 'Phoenix',
      authorEmail: raw.actuation?.authorEmail ?? 'phoenix-watcher@users.noreply.github.com',
      autoMergeRollbacks: raw.actuation?.autoMergeRollbacks ?? [],
      resynthesize: raw.actuation?.resynthesize ?? true,
    },
    lease: raw.lease
      ? { ...raw.lease, name: raw.lease.name ?? 'phoenix-watcher', kubeconfig: raw.lease.kubeconfig ? resolve(raw.lease.kubeconfig) : undefined }
      : undefined,
    intervalSeconds: raw.intervalSeconds ?? 300,
    server: { host: raw.server?.host ?? '0.0.0.0', port: raw.server?.port ?? 9464 },
    api: {
      ...(raw.api?.url ? { url: raw.api.url } : {}),
      actions: {
        enabled: raw.api?.actions?.enabled ?? false,
        ...(raw.api?.actions?.token ? { token: resolveCredential(raw.api.actions.token, resolve) } : {}),
        ratePerMinute: raw.api?.actions?.ratePerMinute ?? 6,
        burst: raw.api?.actions?.burst ?? 3,
      },
    },
    prometheus: { timeoutMs: raw.prometheus?.timeoutMs ?? 30_000, attempts: raw.prometheus?.attempts ?? 3, concurrency: raw.prometheus?.concurrency ?? 8 },
    environments,
  };
}

function resolveCredential(ref: CredentialRef, resolve: (p: string) => string): CredentialRef {
  return 'file' in ref ? { file: resolve(ref.file) } : ref;
}
