import { otelMetricMatchesPrometheusName, otelNameCandidates, prometheusLabelName } from '../naming';
import type { MetricType } from '../series/model';
import type { Point } from './model';
import { re2, type OttlTarget } from '../ottl';

const TYPE_ENUMS: Readonly<Record<MetricType, string>> = {
  counter: 'METRIC_DATA_TYPE_SUM',
  gauge: 'METRIC_DATA_TYPE_GAUGE',
  unknown: 'METRIC_DATA_TYPE_GAUGE',
  info: 'METRIC_DATA_TYPE_GAUGE',
  stateset: 'METRIC_DATA_TYPE_GAUGE',
  histogram: 'METRIC_DATA_TYPE_HISTOGRAM',
  gaugehistogram: 'METRIC_DATA_TYPE_HISTOGRAM',
  summary: 'METRIC_DATA_TYPE_SUMMARY',
};

/**
 * Relates processor references (OTel metric names and attribute keys) to the Prometheus
 * names the series carry, through analysis/naming, with caches: a pipeline meets few
 * distinct metric names and attribute keys but very many series.
 */
export class NameResolver {
  private readonly nameCache = new Map<string, Map<string, boolean>>();
  private readonly regexCache = new Map<string, Map<string, boolean>>();
  private readonly candidateCache = new Map<string, string[]>();
  private readonly labelCache = new Map<string, string>();

  /** Whether the OTel metric `otelName` is written as the Prometheus series name `prometheusName`. */
  nameIs(otelName: string, prometheusName: string): boolean {
    let byName = this.nameCache.get(otelName);
    if (!byName) this.nameCache.set(otelName, (byName = new Map()));
    let hit = byName.get(prometheusName);
    if (hit === undefined) {
      hit = otelName === prometheusName || otelMetricMatchesPrometheusName(otelName, prometheusName);
      byName.set(prometheusName, hit);
    }
    return hit;
  }

  /** Whether an RE2 regex on OTel names matches the metric written as `prometheusName`. */
  nameMatches(regex: string, prometheusName: string): boolean {
    let byName = this.regexCache.get(regex);
    if (!byName) this.regexCache.set(regex, (byName = new Map()));
    let hit = byName.get(prometheusName);
    if (hit === undefined) {
      const compiled = re2(regex);
      let candidates = this.candidateCache.get(prometheusName);
      if (!candidates) {
        candidates = [prometheusName, ...otelNameCandidates(prometheusName)];
        this.candidateCache.set(prometheusName, candidates);
      }
      hit = candidates.some((c) => compiled.test(c));
      byName.set(prometheusName, hit);
    }
    return hit;
  }

  /** The Prometheus label a data-point attribute key becomes (`http.route` → `http_route`). */
  label(attributeKey: string): string {
    let label = this.labelCache.get(attributeKey);
    if (label === undefined) {
      label = prometheusLabelName(attributeKey);
      this.labelCache.set(attributeKey, label);
    }
    return label;
  }
}

/** The OTTL enum of a Prometheus family type. */
export function typeEnumOf(type: MetricType): string {
  return TYPE_ENUMS[type];
}

/** A reusable {@link OttlTarget} over one point at a time (no allocation per point). */
export class PointTarget implements OttlTarget {
  point!: Point;
  constructor(
    readonly context: OttlTarget['context'],
    private readonly names: NameResolver,
  ) {}
  at(point: Point): this {
    this.point = point;
    return this;
  }
  nameIs(otelName: string): boolean {
    return this.names.nameIs(otelName, this.point.name);
  }
  nameMatches(regex: string): boolean {
    return this.names.nameMatches(regex, this.point.name);
  }
  get typeEnum(): string {
    return typeEnumOf(this.point.type);
  }
  get temporalityEnum(): string {
    const { type, delta } = this.point;
    if (type !== 'counter' && type !== 'histogram' && type !== 'gaugehistogram') return 'AGGREGATION_TEMPORALITY_UNSPECIFIED';
    return delta ? 'AGGREGATION_TEMPORALITY_DELTA' : 'AGGREGATION_TEMPORALITY_CUMULATIVE';
  }
  attribute(key: string): string | undefined {
    return this.point.attrs[this.names.label(key)];
  }
  resourceAttribute(key: string): string | undefined {
    return this.point.resource[key];
  }
}
