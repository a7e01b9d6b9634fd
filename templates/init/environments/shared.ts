/**
 * Settings every environment of this config repository shares. A helper module (no default
 * export): the environment loader skips it.
 */

/** The config repository Flux reads and the watcher and the review bot write pull requests to. */
export const configRepository = {
  repositoryUrl: '__REPOSITORY_URL__',
  branch: '__BRANCH__',
} as const;

/**
 * Price of one month of 1,000 active series, as your metrics backend bills it (here Grafana Cloud
 * Pro's list price; for a self-hosted Prometheus put what a series costs you in memory and disk).
 */
export const priceModel = {
  currency: 'USD',
  perThousandSeriesMonth: '6.50',
  source: 'https://grafana.com/pricing/ (Pro, metrics: $6.50 per 1k active series per month)',
} as const;

/**
 * The Prometheus-compatible backend of a cluster: production data and the experiments' shadow
 * data (a tenant or remote-write target of its own, see docs/experiments.md in phoenix-metrics).
 */
export function metricsBackend(scrapeIntervalSeconds: number) {
  return {
    queryUrl: 'http://prometheus-operated.monitoring.svc:9090',
    remoteWriteUrl: 'http://prometheus-operated.monitoring.svc:9090/api/v1/write',
    shadowQueryUrl: 'http://prometheus-shadow.monitoring.svc:9090',
    shadowRemoteWriteUrl: 'http://prometheus-shadow.monitoring.svc:9090/api/v1/write',
    scrapeIntervalSeconds,
  };
}
