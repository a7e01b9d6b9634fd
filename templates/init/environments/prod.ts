import type { EnvironmentSpec } from 'phoenix-metrics';
import { configRepository, metricsBackend, priceModel } from './shared';

/** Production: last in the promotion order; a promotion in dev bakes a day before it may follow here. */
const prod: EnvironmentSpec = {
  name: 'prod',
  cluster: 'prod',
  namespace: 'phoenix-collectors',
  promotionOrder: 1,
  bakeTimeMinutes: 24 * 60,
  metrics: metricsBackend(60),
  priceModel,
  collector: { memoryRequestMiB: 512, memoryLimitMiB: 1024 },
  flux: { ...configRepository, intervalMinutes: 5 },
};

export default prod;
