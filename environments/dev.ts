import type { EnvironmentSpec } from './environment';
import { configRepository, grafanaCloudPro } from './shared';

/** Development: first to run every experiment, short bake, small collectors. */
const dev: EnvironmentSpec = {
  name: 'dev',
  cluster: 'dev-eu-west-1',
  namespace: 'phoenix-collectors',
  promotionOrder: 0,
  bakeTimeMinutes: 60,
  metrics: {
    queryUrl: 'http://mimir-query-frontend.monitoring.svc:8080/prometheus',
    remoteWriteUrl: 'http://mimir-distributor.monitoring.svc:8080/api/v1/push',
    shadowRemoteWriteUrl: 'http://mimir-shadow-distributor.monitoring.svc:8080/api/v1/push',
    shadowQueryUrl: 'http://mimir-shadow-query-frontend.monitoring.svc:8080/prometheus',
    scrapeIntervalSeconds: 30,
  },
  priceModel: grafanaCloudPro,
  cardinalityBudgetSeries: 200_000,
  collector: { replicas: 1, memoryRequestMiB: 256, memoryLimitMiB: 512 },
  flux: { ...configRepository, intervalMinutes: 1 },
};

export default dev;
