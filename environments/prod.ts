import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentSpec } from './environment';
import { configRepository, grafanaCloudPro } from './shared';

/** Production: Grafana Cloud, last in the promotion order, the largest collectors. */
const prod: EnvironmentSpec = {
  name: 'prod',
  cluster: 'prod-eu-west-1',
  namespace: 'phoenix-collectors',
  promotionOrder: 2,
  bakeTimeMinutes: 3 * 24 * 60,
  metrics: {
    queryUrl: 'https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom',
    remoteWriteUrl: 'https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push',
    shadowRemoteWriteUrl: 'https://prometheus-prod-36-prod-eu-west-2.grafana.net/api/prom/push',
    shadowQueryUrl: 'https://prometheus-prod-36-prod-eu-west-2.grafana.net/api/prom',
    scrapeIntervalSeconds: 60,
  },
  priceModel: grafanaCloudPro,
  cardinalityBudgetSeries: 2_000_000,
  collector: { cpuRequestMillis: 500, cpuLimitMillis: 2000, memoryRequestMiB: 1024, memoryLimitMiB: 2048 },
  flux: { ...configRepository, intervalMinutes: 10 },
  // prod hosts the watcher (two replicas, one Lease holder acts) for every environment, in the image
  // Phoenix publishes for the installed version (set `image` to run another, pinned).
  watcher: { configYaml: readFileSync(join(__dirname, 'watcher.yaml'), 'utf8') },
};

export default prod;
