/**
 * Seam for the collector component schemas. The collector constructs own those schemas and are to export
 * `validateCollectorConfig(config)` from `constructs/collector`; until they do, this returns no problems
 * and only the structural checks of the collector pack apply. Replace the body of
 * `validateCollectorComponents` with a call to it when it lands (the one import DESIGN.md allows).
 */
export interface CollectorSchemaProblem {
  /** Pointer inside the collector config (`/processors/batch/timeout`). */
  readonly pointer: string;
  readonly message: string;
  /** True for a component type without a schema: reported as a warning, not an error. */
  readonly unknownComponent?: boolean;
}

/** Validates a collector configuration's components against their schemas. */
export function validateCollectorComponents(config: unknown): readonly CollectorSchemaProblem[] {
  void config;
  return [];
}
