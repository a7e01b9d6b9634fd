/**
 * OpenTelemetry attributes ↔ Prometheus labels, as the collector's Prometheus translation does it
 * (collector-contrib `pkg/translator/prometheus` normalize_label.go and the
 * `prometheusremotewrite` / `prometheus` exporters' resource handling).
 */

/** Resource attributes that become `job` and `instance` instead of labels of their own. */
export const SERVICE_NAME = 'service.name';
export const SERVICE_NAMESPACE = 'service.namespace';
export const SERVICE_INSTANCE_ID = 'service.instance.id';

/** The metric that carries the other resource attributes, joined on `job`/`instance`. */
export const TARGET_INFO = 'target_info';

/**
 * A data-point attribute name as a Prometheus label name: every rune that is not a letter or a
 * digit becomes `_`; a leading digit gets `key_`; a single leading `_` gets `key` (`__x` stays).
 * `k8s.pod.name` → `k8s_pod_name`, `http.route` → `http_route`, `2xx` → `key_2xx`.
 */
export function prometheusLabelName(attribute: string): string {
  if (attribute === '') return attribute;
  const label = attribute.replace(/[^\p{L}\p{N}]/gu, '_');
  if (/^\p{N}/u.test(label)) return `key_${label}`;
  if (label.startsWith('_') && !label.startsWith('__')) return `key${label}`;
  return label;
}

/** How the exporter treats resource attributes. */
export interface ResourceLabelOptions {
  /** The exporter's `resource_to_telemetry_conversion.enabled`: every resource attribute also
   * becomes a label on every series. @default false */
  readonly resourceToTelemetryConversion?: boolean;
}

/** Where a resource attribute shows up on the Prometheus side. */
export interface ResourceAttributePlacement {
  /** Labels on every series of the resource (`job`, `instance`, or all with conversion on). */
  readonly seriesLabels: readonly string[];
  /** The label on `target_info`, if the attribute is written there. */
  readonly targetInfoLabel?: string;
}

/**
 * Where a resource attribute lands: `service.name` and `service.namespace` → `job`
 * (`<namespace>/<name>`), `service.instance.id` → `instance`; every other resource attribute →
 * a label of `target_info` (and of every series when resource-to-telemetry conversion is on).
 */
export function placeResourceAttribute(attribute: string, options: ResourceLabelOptions = {}): ResourceAttributePlacement {
  if (attribute === SERVICE_NAME || attribute === SERVICE_NAMESPACE) return { seriesLabels: ['job'] };
  if (attribute === SERVICE_INSTANCE_ID) return { seriesLabels: ['instance'] };
  const label = prometheusLabelName(attribute);
  return { seriesLabels: options.resourceToTelemetryConversion ? [label] : [], targetInfoLabel: label };
}

/** The `job` label value of a resource: `service.namespace/service.name`, or `service.name`. */
export function jobLabelValue(resource: Readonly<Record<string, string>>): string | undefined {
  const name = resource[SERVICE_NAME];
  if (name === undefined) return undefined;
  const namespace = resource[SERVICE_NAMESPACE];
  return namespace ? `${namespace}/${name}` : name;
}

/** The `instance` label value of a resource: `service.instance.id`. */
export function instanceLabelValue(resource: Readonly<Record<string, string>>): string | undefined {
  return resource[SERVICE_INSTANCE_ID];
}

/** Labels that do not come from any attribute: they are made by the translation itself. */
export const TRANSLATION_LABELS: ReadonlySet<string> = new Set(['__name__', 'le', 'quantile']);

/** Where an attribute lives on the OTel side. */
export type AttributeScope = 'datapoint' | 'resource';

/**
 * Whether the OTel attribute `attribute` (of a data point or of the resource) is what the
 * Prometheus label `label` of metric `metricName` is made from. `target_info` labels come from
 * resource attributes; `job`/`instance` from the service attributes.
 */
export function attributeFeedsLabel(attribute: string, scope: AttributeScope, label: string, metricName: string, options: ResourceLabelOptions = {}): boolean {
  if (scope === 'datapoint') return metricName !== TARGET_INFO && prometheusLabelName(attribute) === label;
  const placement = placeResourceAttribute(attribute, options);
  if (placement.seriesLabels.includes(label)) return true;
  return metricName === TARGET_INFO && placement.targetInfoLabel === label;
}

/**
 * The attribute names a Prometheus label may come from, for matching against processor
 * patterns: `job` → service name/namespace, `instance` → service.instance.id, otherwise the label
 * itself and its underscores read as dots in every combination (capped at 2^8).
 */
export function attributeCandidatesFor(label: string): string[] {
  if (label === 'job') return [SERVICE_NAME, SERVICE_NAMESPACE];
  if (label === 'instance') return [SERVICE_INSTANCE_ID];
  if (TRANSLATION_LABELS.has(label)) return [];
  const bare = label.replace(/^key_(?=\p{N})/u, '').replace(/^key_/, '_');
  const parts = bare.split('_');
  const gaps = Math.min(parts.length - 1, 8);
  const out = new Set<string>([label]);
  for (let mask = 0; mask < 1 << gaps; mask++) {
    let name = parts[0]!;
    for (let i = 1; i < parts.length; i++) name += ((i - 1 < gaps ? (mask >> (i - 1)) & 1 : 0) ? '.' : '_') + parts[i];
    out.add(name);
  }
  return [...out];
}
