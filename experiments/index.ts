import type { ExperimentDefinition } from '../constructs/experiment/definition';
import httpServerHistograms from './http-server-histograms';
import nodeCpuByMode from './node-cpu-by-mode';
import unusedRuntimeMetrics from './unused-runtime-metrics';

/** The experiments of this repository (the generator also finds them by listing this folder). */
export const experiments: readonly ExperimentDefinition[] = [httpServerHistograms, nodeCpuByMode, unusedRuntimeMetrics];
