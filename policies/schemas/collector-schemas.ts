import type { CollectorConfig } from '../../constructs/collector/config';
import { validateCollectorConfig } from '../../constructs/collector/schemas/validate';
import { pointerOf } from '../rule-table';

/**
 * The collector component schemas belong to the collector constructs (`validateCollectorConfig`, the one
 * import from constructs/ that DESIGN.md allows policies). Imported from its own module rather than
 * `constructs/collector/index.ts`, so `phoenix check` does not load cdk8s at start-up.
 */
export interface CollectorSchemaProblem {
  /** Pointer inside the collector config (`/processors/batch/timeout`). */
  readonly pointer: string;
  readonly message: string;
  /** True when the problem is that Phoenix could not check (an unknown component): a warning, not an error. */
  readonly unknownComponent?: boolean;
}

/** Validates a collector configuration's components against their schemas. */
export function validateCollectorComponents(config: Readonly<Record<string, unknown>>): readonly CollectorSchemaProblem[] {
  return validateCollectorConfig(config as unknown as CollectorConfig).map((problem) => ({
    pointer: pointerOf(...problem.path),
    message: problem.componentId ? `${problem.componentId}: ${problem.message}` : problem.message,
    unknownComponent: problem.severity === 'warning',
  }));
}
