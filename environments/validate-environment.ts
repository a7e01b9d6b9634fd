import type { EnvironmentSpec } from './environment';
import { InputError } from '../analysis/input-error';

/** An environment file that cannot be used; the CLI prints the message and exits 2. */
export class EnvironmentError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const CURRENCY = /^[A-Z]{3}$/;

type Check = { readonly field: string; readonly when: (spec: Record<string, any>) => boolean; readonly message: string };

const isUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};
const isPositiveInt = (value: unknown): boolean => Number.isInteger(value) && (value as number) > 0;
const isOptional = (value: unknown, test: (v: unknown) => boolean): boolean => value === undefined || test(value);
const isDecimal = (value: unknown): boolean => typeof value === 'string' && DECIMAL.test(value);

/** The rules an `EnvironmentSpec` must follow, one message each (rule table, see STYLE.md). */
const checks: readonly Check[] = [
  {
    field: 'name',
    when: (s) => typeof s.name !== 'string' || !DNS_LABEL.test(s.name),
    message: 'must be a DNS label (lowercase letters, digits, "-"), e.g. "dev"',
  },
  {
    field: 'cluster',
    when: (s) => typeof s.cluster !== 'string' || s.cluster.length === 0,
    message: 'must be a non-empty string naming the Kubernetes cluster',
  },
  {
    field: 'namespace',
    when: (s) => typeof s.namespace !== 'string' || !DNS_LABEL.test(s.namespace),
    message: "must be a DNS label naming the collectors' namespace",
  },
  {
    field: 'promotionOrder',
    when: (s) => !Number.isInteger(s.promotionOrder) || s.promotionOrder < 0,
    message: 'must be an integer ≥ 0 (dev 0 → staging 1 → prod 2)',
  },
  { field: 'bakeTimeMinutes', when: (s) => !Number.isInteger(s.bakeTimeMinutes) || s.bakeTimeMinutes < 0, message: 'must be a whole number of minutes ≥ 0' },
  {
    field: 'metrics',
    when: (s) => typeof s.metrics !== 'object' || s.metrics === null,
    message: 'must be an object with queryUrl, remoteWriteUrl and shadowRemoteWriteUrl',
  },
  { field: 'metrics.queryUrl', when: (s) => !isUrl(s.metrics?.queryUrl), message: 'must be an http(s) URL of the Prometheus HTTP API' },
  { field: 'metrics.remoteWriteUrl', when: (s) => !isUrl(s.metrics?.remoteWriteUrl), message: 'must be an http(s) remote-write URL' },
  { field: 'metrics.shadowRemoteWriteUrl', when: (s) => !isUrl(s.metrics?.shadowRemoteWriteUrl), message: 'must be an http(s) remote-write URL' },
  {
    field: 'metrics.shadowRemoteWriteUrl',
    when: (s) => isUrl(s.metrics?.shadowRemoteWriteUrl) && s.metrics.shadowRemoteWriteUrl === s.metrics.remoteWriteUrl,
    message: 'must differ from metrics.remoteWriteUrl: shadow data must never reach the production destination',
  },
  { field: 'metrics.shadowQueryUrl', when: (s) => !isOptional(s.metrics?.shadowQueryUrl, isUrl), message: 'must be an http(s) URL when set' },
  {
    field: 'metrics.scrapeIntervalSeconds',
    when: (s) => !isOptional(s.metrics?.scrapeIntervalSeconds, isPositiveInt),
    message: 'must be a whole number of seconds > 0 when set',
  },
  {
    field: 'priceModel',
    when: (s) => typeof s.priceModel !== 'object' || s.priceModel === null,
    message: 'must be an object with a currency and decimal-string prices',
  },
  {
    field: 'priceModel.currency',
    when: (s) => typeof s.priceModel?.currency !== 'string' || !CURRENCY.test(s.priceModel.currency),
    message: 'must be an ISO 4217 code such as "USD"',
  },
  ...(['perThousandSeriesMonth', 'perThousandSamplesPerMinuteMonth', 'perGigabyte'] as const).map((key) => ({
    field: `priceModel.${key}`,
    when: (s: Record<string, any>) => !isOptional(s.priceModel?.[key], isDecimal),
    message: 'must be a decimal string such as "6.50" (exact money, not a number)',
  })),
  {
    field: 'cardinalityBudgetSeries',
    when: (s) => !isOptional(s.cardinalityBudgetSeries, isPositiveInt),
    message: 'must be a whole number of series > 0 when set',
  },
  ...(['replicas', 'cpuRequestMillis', 'cpuLimitMillis', 'memoryRequestMiB', 'memoryLimitMiB'] as const).map((key) => ({
    field: `collector.${key}`,
    when: (s: Record<string, any>) => !isOptional(s.collector?.[key], isPositiveInt),
    message: 'must be a whole number > 0 when set',
  })),
  {
    field: 'collector.cpuLimitMillis',
    when: (s) => s.collector?.cpuLimitMillis < s.collector?.cpuRequestMillis,
    message: 'must be at least collector.cpuRequestMillis',
  },
  {
    field: 'collector.memoryLimitMiB',
    when: (s) => s.collector?.memoryLimitMiB < s.collector?.memoryRequestMiB,
    message: 'must be at least collector.memoryRequestMiB',
  },
  {
    field: 'watcher.image',
    when: (s) =>
      s.watcher?.image !== undefined &&
      !(typeof s.watcher?.image === 'string' && /^[^:@\s]+(:[^:@\s]+|@sha256:[0-9a-f]{64})$/.test(s.watcher.image) && !s.watcher.image.endsWith(':latest')),
    message: "must be an image pinned by a tag other than 'latest' or by a digest",
  },
  {
    field: 'watcher.configYaml',
    when: (s) => s.watcher !== undefined && !(typeof s.watcher?.configYaml === 'string' && s.watcher.configYaml.trim().length > 0),
    message: 'must hold the watcher config (e.g. readFileSync of a watcher.yaml beside the environment)',
  },
  { field: 'flux.repositoryUrl', when: (s) => s.flux !== undefined && !isUrl(s.flux?.repositoryUrl), message: 'must be the https URL of the config repo' },
  { field: 'flux.branch', when: (s) => !isOptional(s.flux?.branch, (v) => typeof v === 'string' && v.length > 0), message: 'must be a branch name when set' },
  {
    field: 'flux.namespace',
    when: (s) => !isOptional(s.flux?.namespace, (v) => typeof v === 'string' && DNS_LABEL.test(v)),
    message: 'must be a DNS label when set',
  },
  {
    field: 'flux.intervalMinutes',
    when: (s) => !isOptional(s.flux?.intervalMinutes, isPositiveInt),
    message: 'must be a whole number of minutes > 0 when set',
  },
  {
    field: 'flux.gitSecretName',
    when: (s) => !isOptional(s.flux?.gitSecretName, (v) => typeof v === 'string' && DNS_LABEL.test(v)),
    message: 'must be a DNS label when set',
  },
  {
    field: 'flux.commitStatusSecretName',
    when: (s) => !isOptional(s.flux?.commitStatusSecretName, (v) => typeof v === 'string' && DNS_LABEL.test(v)),
    message: 'must be a DNS label when set',
  },
];

/**
 * Lists every problem of an environment value, each as `<file>: <field> <message> (got …)`.
 * An empty list means the value is a valid `EnvironmentSpec`.
 */
export function environmentProblems(value: unknown, file: string): string[] {
  if (typeof value !== 'object' || value === null) {
    return [`${file}: the default export must be an EnvironmentSpec object (got ${typeof value})`];
  }
  const spec = value as Record<string, any>;
  return checks
    .filter((check) => check.when(spec))
    .map((check) => `${file}: '${check.field}' ${check.message} (got ${JSON.stringify(read(spec, check.field)) ?? 'nothing'})`);
}

/** Throws an `EnvironmentError` listing every problem unless `value` is a valid `EnvironmentSpec`. */
export function assertEnvironment(value: unknown, file: string): asserts value is EnvironmentSpec {
  const problems = environmentProblems(value, file);
  if (problems.length > 0) throw new EnvironmentError(problems.join('\n'));
}

function read(spec: Record<string, any>, field: string): unknown {
  return field.split('.').reduce<any>((value, key) => (value === undefined || value === null ? undefined : value[key]), spec);
}
