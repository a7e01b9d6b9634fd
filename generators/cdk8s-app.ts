import type { App } from 'cdk8s';
import { addUnitChart, planUnits, type TreeSources } from './units';

/**
 * Adds every chart of the tree to one cdk8s App, for `cdk8s synth` (app/main.ts): the same
 * units, built by the same code as `phoenix synth`, so both write the same objects (cdk8s
 * writes one file per chart to its own output folder; Phoenix lays them out for Flux).
 */
export function addTreeCharts(app: App, sources: TreeSources): void {
  for (const unit of planUnits(sources)) addUnitChart(app, unit);
}
