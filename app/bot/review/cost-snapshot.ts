import fs from 'node:fs';
import Decimal from 'decimal.js';
import { lifecycleFor, parseExperimentState, type ExperimentState } from '../../../constructs/experiment/state';
import type { CostEstimateInput, CostEstimator } from './review-refs';
import type { CostChange } from './types';
import { InputError } from '../../../analysis/input-error';

/**
 * Cost changes from a measured snapshot (no network): the monthly cost of each variant of each
 * experiment per environment, e.g. exported by the watcher. The production variant before and after
 * comes from the experiment's state file (`experiments/<name>.state.yaml`) at base and head: a
 * `promoted` environment runs its promoted variant, every other phase runs `baseline`; a `running`
 * environment also pays for its shadow pipelines (`shadow` entry, when given).
 *
 * ```json
 * { "currency": "USD", "experiments": { "drop-pod-labels": { "prod": { "baseline": "1240.00", "drop-pod": "460.00", "shadow": "35.00" } } } }
 * ```
 */

/** The snapshot file's shape. */
export interface CostSnapshot {
  readonly currency: string;
  readonly experiments: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>>;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Reads and checks a snapshot; problems name the file and the field. */
export function readCostSnapshot(file: string): CostSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: cannot read the cost snapshot: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problems: string[] = [];
  const snapshot = raw as CostSnapshot;
  if (!snapshot || typeof snapshot !== 'object') problems.push('the snapshot must be a JSON object');
  else {
    if (typeof snapshot.currency !== 'string' || !/^[A-Z]{3}$/.test(snapshot.currency)) problems.push('\'currency\' must be an ISO code such as "USD"');
    if (!snapshot.experiments || typeof snapshot.experiments !== 'object')
      problems.push("'experiments' must map experiment → environment → variant → monthly cost");
    else {
      for (const [experiment, environments] of Object.entries(snapshot.experiments)) {
        for (const [environment, variants] of Object.entries(environments ?? {})) {
          for (const [variant, cost] of Object.entries(variants ?? {})) {
            if (typeof cost !== 'string' || !DECIMAL.test(cost))
              problems.push(`experiments.${experiment}.${environment}.${variant} must be a decimal string such as "12.50"`);
          }
        }
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems.map((p) => `${file}: ${p}`).join('\n'));
  return snapshot;
}

function productionCost(variants: Readonly<Record<string, string>>, state: ExperimentState | undefined, environment: string): Decimal | undefined {
  const lifecycle = lifecycleFor(state, environment);
  const variant = lifecycle.phase === 'promoted' && lifecycle.variant ? lifecycle.variant : 'baseline';
  const cost = variants[variant];
  if (cost === undefined) return undefined;
  const shadow = lifecycle.phase === 'running' && variants.shadow !== undefined ? new Decimal(variants.shadow) : new Decimal(0);
  return new Decimal(cost).plus(shadow);
}

function stateOf(texts: ReadonlyMap<string, string> | undefined, experiment: string): ExperimentState | undefined {
  const file = `experiments/${experiment}.state.yaml`;
  const text = texts?.get(file);
  return text === undefined ? undefined : parseExperimentState(text, file);
}

/** A `CostEstimator` over a snapshot file (read once). */
export function snapshotCostEstimator(file: string): CostEstimator {
  const snapshot = readCostSnapshot(file);
  return async (input: CostEstimateInput) => {
    const changes: CostChange[] = [];
    for (const { environment, experiment } of input.changed) {
      const variants = snapshot.experiments[experiment]?.[environment];
      if (!variants) continue;
      const before = productionCost(variants, stateOf(input.baseStates, experiment), environment);
      const after = productionCost(variants, stateOf(input.headStates, experiment), environment);
      if (before === undefined || after === undefined) continue;
      changes.push({
        experiment,
        environment,
        monthlyBefore: before.toFixed(2),
        monthlyAfter: after.toFixed(2),
        monthlyDelta: after.minus(before).toFixed(2),
        currency: snapshot.currency,
        source: `snapshot ${file}`,
      });
    }
    return { changes };
  };
}
