import { TypedComponent, checkName, type ComponentInit, type ComponentNameProps } from './base';
import type { ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';
import { parseOttlCondition } from '../../analysis/ottl';
import type { OttlErrorMode } from './processor-metrics';
import { checkErrorMode } from './processor-metrics';

/** One route of `Connector.routing()`. */
export interface RoutingRoute {
  /** OTTL condition in the `metric` context, e.g. `name == "http.server.request.duration"`. */
  readonly condition: string;
  /** Pipelines (`metrics/x`) that receive the matching metrics. */
  readonly pipelines: readonly string[];
}

/** Props of `Connector.routing()`. */
export interface RoutingConnectorProps extends ComponentNameProps {
  /** Routes, checked in order. */
  readonly table: readonly RoutingRoute[];
  /** Pipelines receiving what no route matches. @default - unmatched data is dropped */
  readonly defaultPipelines?: readonly string[];
  /** @default 'ignore' */
  readonly errorMode?: OttlErrorMode;
}

/**
 * A connector: an exporter of one pipeline that is a receiver of others. `forward` copies
 * everything; `routing` sends each metric to the pipelines whose condition it matches.
 */
export class Connector extends TypedComponent {
  /** `forward`: passes everything from the pipelines it exports from to those it receives in. */
  static forward(props: ComponentNameProps = {}): Connector {
    return new Connector({ type: 'forward', name: checkName('Connector.forward', props.name), config: {} });
  }

  /** `routing`: routes metrics by OTTL condition (metric context). */
  static routing(props: RoutingConnectorProps): Connector {
    const factory = 'Connector.routing';
    const name = checkName(factory, props.name);
    const errorMode = checkErrorMode(factory, props.errorMode);
    if (!Array.isArray(props.table) || props.table.length === 0) {
      throw new CollectorConfigError(`${factory}: 'table' must hold at least one route`);
    }
    const table = props.table.map((route, i) => {
      try {
        parseOttlCondition(route.condition);
      } catch (error) {
        throw new CollectorConfigError(`${factory}: table[${i}].condition: ${(error as Error).message}`);
      }
      if (!Array.isArray(route.pipelines) || route.pipelines.length === 0) {
        throw new CollectorConfigError(`${factory}: table[${i}].pipelines must name at least one pipeline`);
      }
      return { context: 'metric', condition: route.condition, pipelines: [...route.pipelines] };
    });
    const config: Record<string, unknown> = { error_mode: errorMode, table };
    if (props.defaultPipelines) config.default_pipelines = [...props.defaultPipelines];
    return new Connector({ type: 'routing', name, config });
  }

  /**
   * A connector kept exactly as written.
   * @internal used by `CollectorPipeline.fromConfig`
   */
  static verbatim(type: string, name: string | undefined, config: Record<string, unknown>, effects?: ComponentEffects): Connector {
    return new Connector({ type, name, config, effects });
  }

  readonly kind = 'connector' as const;

  private constructor(init: ComponentInit) {
    super(init);
  }
}

/** The pipelines a connector config routes to (routing `table[].pipelines` and `default_pipelines`). */
export function routedPipelines(config: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const table = Array.isArray(config.table) ? config.table : [];
  for (const route of table) {
    if (route && Array.isArray((route as { pipelines?: unknown }).pipelines)) {
      for (const p of (route as { pipelines: unknown[] }).pipelines) if (typeof p === 'string') out.add(p);
    }
  }
  if (Array.isArray(config.default_pipelines)) for (const p of config.default_pipelines) if (typeof p === 'string') out.add(p);
  return [...out];
}
