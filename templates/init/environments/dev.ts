import type { EnvironmentSpec } from 'phoenix-metrics';
import { configRepository, metricsBackend, priceModel } from './shared';

/** Development: first to run every experiment, short bake, small collectors. */
const dev: EnvironmentSpec = {
  name: 'dev',
  cluster: 'dev',
  namespace: 'phoenix-collectors',
  promotionOrder: 0,
  bakeTimeMinutes: 60,
  metrics: metricsBackend(30),
  priceModel,
  collector: { replicas: 1, memoryRequestMiB: 256, memoryLimitMiB: 512 },
  flux: { ...configRepository, intervalMinutes: 1 },
};

export default dev;
