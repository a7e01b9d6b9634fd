import type { EnvironmentSpec } from './environment';
import { configRepository, grafanaCloudPro } from './shared';

/** Staging: production-like traffic; a promotion bakes a day before prod may follow. */
const staging: EnvironmentSpec = {
  name: 'staging',
  cluster: 'staging-eu-west-1',
  namespace: 'phoenix-collectors',
  promotionOrder: 1,
  bakeTimeMinutes: 24 * 60,
  metrics: {
    queryUrl: 'http://mimir-query-frontend.monitoring.svc:8080/prometheus',
    remoteWriteUrl: 'http://mimir-distributor.monitoring.svc:8080/api/v1/push',
    shadowRemoteWriteUrl: 'http://mimir-shadow-distributor.monitoring.svc:8080/api/v1/push',
    shadowQueryUrl: 'http://mimir-shadow-query-frontend.monitoring.svc:8080/prometheus',
    scrapeIntervalSeconds: 60,
  },
  priceModel: grafanaCloudPro,
  cardinalityBudgetSeries: 500_000,
  collector: { replicas: 1, memoryRequestMiB: 512, memoryLimitMiB: 1024 },
  flux: { ...configRepository, intervalMinutes: 5 },
};

export default staging;
