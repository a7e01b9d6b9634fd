import { TypedComponent, checkName, checkNumber, checkStringList, goDuration, type ComponentInit, type ComponentNameProps } from './base';
import type { ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';
import {
  buildDropAttribute,
  buildFilterMetrics,
  buildKeepAttributes,
  buildKeepResourceAttributes,
  checkErrorMode,
  type DropAttributeProps,
  type FilterMetricsProps,
  type KeepAttributesProps,
  type KeepResourceAttributesProps,
  type OttlErrorMode,
} from './processor-metrics';
import { transformEffects } from './processor-transform';

/** Props of `Processor.memoryLimiter()`. */
export interface MemoryLimiterProps extends ComponentNameProps {
  /** How often memory is checked, seconds. @default 1 */
  readonly checkIntervalSeconds?: number;
  /** Hard limit as a share of the container's memory, percent. @default 80 */
  readonly limitPercentage?: number;
  /** Expected spike between checks, percent. @default 25 */
  readonly spikeLimitPercentage?: number;
  /** Hard limit in MiB; replaces the percentages when set. @default - percentages are used */
  readonly limitMiB?: number;
  /** Spike limit in MiB (with `limitMiB`). @default - 20% of `limitMiB` */
  readonly spikeLimitMiB?: number;
}

/** Props of `Processor.batch()`. */
export interface BatchProps extends ComponentNameProps {
  /** How long the batch processor waits before sending, seconds. @default 5 */
  readonly timeoutSeconds?: number;
  /** Number of points that triggers a send. @default 8192 */
  readonly sendBatchSize?: number;
  /** Upper bound of a batch; larger ones are split. @default - no upper bound */
  readonly sendBatchMaxSize?: number;
}

/** Props of `Processor.cumulativeToDelta()`. */
export interface CumulativeToDeltaProps extends ComponentNameProps {
  /** OpenTelemetry metric names to convert. @default - every cumulative sum and histogram */
  readonly metrics?: readonly string[];
}

/** Props of `Processor.deltaToCumulative()`. */
export interface DeltaToCumulativeProps extends ComponentNameProps {
  /** A stream without new points for this long is forgotten, seconds. @default 300 */
  readonly maxStaleSeconds?: number;
  /** Upper bound of tracked streams; new streams beyond it are dropped. @default - the processor's own limit */
  readonly maxStreams?: number;
}

/** One group of raw OTTL statements for `Processor.transform()`. */
export interface TransformStatementGroup {
  /** OTTL context the statements run in. */
  readonly context: 'resource' | 'scope' | 'metric' | 'datapoint';
  /** OTTL statements, e.g. `set(attributes["tier"], "gold") where metric.name == "x"`. */
  readonly statements: readonly string[];
}

/** Props of `Processor.transform()`. */
export interface TransformProps extends ComponentNameProps {
  /** Statement groups, run in order. */
  readonly metricStatements: readonly TransformStatementGroup[];
  /** @default 'ignore' */
  readonly errorMode?: OttlErrorMode;
}

/**
 * A processor: what the collector does to metrics between receivers and exporters.
 * Factories validate their props and render the real component config.
 */
export class Processor extends TypedComponent {
  /** `memory_limiter`: refuses data before the collector runs out of memory. Must come first. */
  static memoryLimiter(props: MemoryLimiterProps = {}): Processor {
    const factory = 'Processor.memoryLimiter';
    const name = checkName(factory, props.name);
    checkNumber(factory, 'checkIntervalSeconds', props.checkIntervalSeconds, { min: 0.001 });
    checkNumber(factory, 'limitPercentage', props.limitPercentage, { min: 1, max: 100, integer: true });
    checkNumber(factory, 'spikeLimitPercentage', props.spikeLimitPercentage, { min: 0, max: 100, integer: true });
    checkNumber(factory, 'limitMiB', props.limitMiB, { min: 1, integer: true });
    checkNumber(factory, 'spikeLimitMiB', props.spikeLimitMiB, { min: 0, integer: true });
    const config: Record<string, unknown> = { check_interval: goDuration(props.checkIntervalSeconds ?? 1) };
    if (props.limitMiB !== undefined) {
      const spike = props.spikeLimitMiB ?? Math.floor(props.limitMiB / 5);
      if (spike >= props.limitMiB) {
        throw new CollectorConfigError(`${factory}: 'spikeLimitMiB' (${spike}) must be below 'limitMiB' (${props.limitMiB})`);
      }
      Object.assign(config, { limit_mib: props.limitMiB, spike_limit_mib: spike });
    } else {
      if (props.spikeLimitMiB !== undefined) throw new CollectorConfigError(`${factory}: 'spikeLimitMiB' needs 'limitMiB'`);
      const limit = props.limitPercentage ?? 80;
      const spike = props.spikeLimitPercentage ?? 25;
      if (spike >= limit) {
        throw new CollectorConfigError(`${factory}: 'spikeLimitPercentage' (${spike}) must be below 'limitPercentage' (${limit})`);
      }
      Object.assign(config, { limit_percentage: limit, spike_limit_percentage: spike });
    }
    return new Processor({ type: 'memory_limiter', name, config });
  }

  /** `batch`: groups points before export. Must come last. */
  static batch(props: BatchProps = {}): Processor {
    const factory = 'Processor.batch';
    const name = checkName(factory, props.name);
    checkNumber(factory, 'timeoutSeconds', props.timeoutSeconds, { min: 0 });
    checkNumber(factory, 'sendBatchSize', props.sendBatchSize, { min: 1, integer: true });
    checkNumber(factory, 'sendBatchMaxSize', props.sendBatchMaxSize, { min: 1, integer: true });
    const size = props.sendBatchSize ?? 8192;
    if (props.sendBatchMaxSize !== undefined && props.sendBatchMaxSize < size) {
      throw new CollectorConfigError(`${factory}: 'sendBatchMaxSize' (${props.sendBatchMaxSize}) must be at least 'sendBatchSize' (${size})`);
    }
    const config: Record<string, unknown> = { timeout: goDuration(props.timeoutSeconds ?? 5), send_batch_size: size };
    if (props.sendBatchMaxSize !== undefined) config.send_batch_max_size = props.sendBatchMaxSize;
    return new Processor({ type: 'batch', name, config });
  }

  /** `filter`: drops metrics by exact name, RE2 regex or allow-list (OTTL `metric` conditions). */
  static filterMetrics(props: FilterMetricsProps & ComponentNameProps): Processor {
    return new Processor(buildFilterMetrics(props, checkName('Processor.filterMetrics', props.name)));
  }

  /**
   * `transform`: keeps the listed data-point attributes of the listed metrics and aggregates
   * the series that merge (`keep_keys` + `aggregate_on_attributes`), sum for counters and
   * histograms, gauges only with `gaugeFunction`. Id: `transform/keep-attributes` unless named.
   */
  static keepAttributes(props: KeepAttributesProps & ComponentNameProps): Processor {
    return new Processor(buildKeepAttributes(props, checkName('Processor.keepAttributes', props.name) ?? 'keep-attributes'));
  }

  /**
   * `transform`: deletes an attribute without aggregating (`delete_key`) — only when
   * `impliedBy` names the kept attribute that determines it. Id: `transform/drop-<attribute>` unless named.
   */
  static dropAttribute(props: DropAttributeProps & ComponentNameProps): Processor {
    const name = checkName('Processor.dropAttribute', props.name) ?? `drop-${String(props.attribute).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
    return new Processor(buildDropAttribute(props, name));
  }

  /**
   * `transform`: keeps the listed resource attributes (resource `keep_keys`). Resources that
   * become identical must then be regrouped (`groupByAttributes([])`) and aggregated.
   * Id: `transform/keep-resource-attributes` unless named.
   */
  static keepResourceAttributes(props: KeepResourceAttributesProps & ComponentNameProps): Processor {
    return new Processor(buildKeepResourceAttributes(props, checkName('Processor.keepResourceAttributes', props.name) ?? 'keep-resource-attributes'));
  }

  /**
   * `groupbyattrs`: moves the listed data-point attributes to the resource; with no keys it
   * compacts resources with identical attributes, so series of several resources can merge.
   */
  static groupByAttributes(keys: readonly string[], props: ComponentNameProps = {}): Processor {
    const factory = 'Processor.groupByAttributes';
    const name = checkName(factory, props.name);
    checkStringList(factory, 'keys', keys, true);
    return new Processor({
      type: 'groupbyattrs',
      name,
      config: { keys: [...keys] },
      effects: { aggregates: false, stateful: false, opaque: false, regroupsBy: [...keys] },
    });
  }

  /** `cumulative_to_delta`: turns cumulative sums and histograms into deltas (per-series state). */
  static cumulativeToDelta(props: CumulativeToDeltaProps = {}): Processor {
    const factory = 'Processor.cumulativeToDelta';
    const name = checkName(factory, props.name);
    checkStringList(factory, 'metrics', props.metrics);
    const config: Record<string, unknown> = props.metrics ? { include: { metrics: [...props.metrics], match_type: 'strict' } } : {};
    return new Processor({
      type: 'cumulative_to_delta',
      name,
      config,
      effects: {
        aggregates: false,
        stateful: true,
        opaque: false,
        metrics: props.metrics ? [...props.metrics] : undefined,
        temporality: 'cumulative-to-delta',
      },
    });
  }

  /** `delta_to_cumulative`: accumulates deltas into cumulative series (per-series state). */
  static deltaToCumulative(props: DeltaToCumulativeProps = {}): Processor {
    const factory = 'Processor.deltaToCumulative';
    const name = checkName(factory, props.name);
    checkNumber(factory, 'maxStaleSeconds', props.maxStaleSeconds, { min: 1, integer: true });
    checkNumber(factory, 'maxStreams', props.maxStreams, { min: 1, integer: true });
    const config: Record<string, unknown> = { max_stale: goDuration(props.maxStaleSeconds ?? 300) };
    if (props.maxStreams !== undefined) config.max_streams = props.maxStreams;
    return new Processor({
      type: 'delta_to_cumulative',
      name,
      config,
      effects: { aggregates: false, stateful: true, opaque: false, temporality: 'delta-to-cumulative' },
    });
  }

  /**
   * `transform` with raw OTTL statements, for what the typed factories do not cover. Every
   * statement must parse under Phoenix's OTTL grammar; `aggregate_on_attributes` marks the
   * processor as aggregating.
   */
  static transform(props: TransformProps): Processor {
    const factory = 'Processor.transform';
    const name = checkName(factory, props.name);
    const errorMode = checkErrorMode(factory, props.errorMode);
    if (!Array.isArray(props.metricStatements) || props.metricStatements.length === 0) {
      throw new CollectorConfigError(`${factory}: 'metricStatements' must hold at least one group`);
    }
    const groups = props.metricStatements.map((g) => ({ context: g.context, statements: [...g.statements] }));
    const effects = transformEffects(factory, groups);
    return new Processor({ type: 'transform', name, config: { error_mode: errorMode, metric_statements: groups }, effects });
  }

  /**
   * A processor kept exactly as written (imported configs, types Phoenix does not model).
   * @internal used by `CollectorPipeline.fromConfig`
   */
  static verbatim(type: string, name: string | undefined, config: Record<string, unknown>, effects?: ComponentEffects): Processor {
    return new Processor({ type, name, config, effects });
  }

  readonly kind = 'processor' as const;

  private constructor(init: ComponentInit) {
    super(init);
  }
}
