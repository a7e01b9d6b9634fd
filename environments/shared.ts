/**
 * Settings every environment of this config repo shares. A helper module (no default export):
 * the environment loader skips it.
 */
export const configRepository = {
  /**
   * The config repo Flux reads and the review bot and watcher write pull requests to: the example
   * tree ships in Phoenix's own repository (package.json `repository`). A config repository made by
   * `phoenix init` names its own (`--repository`, or its git remote 'origin'). Written out, not
   * imported, so these files stay self-contained when copied into another repository;
   * test/architecture/no-placeholder-organisation.test.ts keeps it equal to package.json.
   */
  repositoryUrl: 'https://github.com/phoenix-metrics/phoenix',
  branch: 'main',
} as const;

/**
 * Grafana Cloud Pro list price for metrics: USD 6.50 per 1,000 active series per month
 * (published on grafana.com/pricing; 1 data point per minute per series included).
 */
export const grafanaCloudPro = {
  currency: 'USD',
  perThousandSeriesMonth: '6.50',
  source: 'https://grafana.com/pricing/ (Pro, metrics: $6.50 per 1k active series per month)',
} as const;
