import type { RulePack } from '../../types';
import { aggregationSingleReplica } from './aggregation-replicas';
import { attributeDropWithoutAggregation } from './attribute-drop';
import { noDetailedDebugOutsideDev } from './debug-exporter';
import { deltaMergeStartsAligned } from './delta-merge-aligned';
import { exporterDelivery } from './exporter-delivery';
import { healthCheckPresent } from './health-check';
import { metricNamesMatchInput } from './metric-names-match-input';
import { batchLast, memoryLimiterFirst } from './processor-order';
import { referencesResolve } from './references-resolve';
import { unusedComponents } from './unused-components';

/** Collector configuration rules: wiring, processor order, delivery, and lossless reductions. */
export const collectorPack: RulePack = {
  name: 'collector',
  description: 'OpenTelemetry collector configurations: references, processor order, delivery guarantees, lossless reductions.',
  rules: [
    referencesResolve,
    unusedComponents,
    memoryLimiterFirst,
    batchLast,
    exporterDelivery,
    noDetailedDebugOutsideDev,
    healthCheckPresent,
    attributeDropWithoutAggregation,
    aggregationSingleReplica,
    metricNamesMatchInput,
    deltaMergeStartsAligned,
  ],
};
