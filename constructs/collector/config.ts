/**
 * The OpenTelemetry Collector configuration exactly as the collector reads it
 * (`receivers`, `processors`, `exporters`, `connectors`, `extensions`, `service`).
 * This is the contract between the authoring API (`CollectorPipeline`), the
 * experiment constructs, the analysis (simulation reads it) and the policies.
 */
export interface CollectorConfig {
  readonly receivers?: Record<string, unknown>;
  readonly processors?: Record<string, unknown>;
  readonly exporters?: Record<string, unknown>;
  readonly connectors?: Record<string, unknown>;
  readonly extensions?: Record<string, unknown>;
  readonly service: CollectorServiceConfig;
}

/** The collector's `service` section. */
export interface CollectorServiceConfig {
  readonly extensions?: readonly string[];
  readonly pipelines: Record<string, CollectorPipelineConfig>;
  readonly telemetry?: Record<string, unknown>;
}

/** One entry of `service.pipelines`, keyed `metrics`, `metrics/<name>`, `traces/…`, `logs/…`. */
export interface CollectorPipelineConfig {
  readonly receivers: readonly string[];
  readonly processors?: readonly string[];
  readonly exporters: readonly string[];
}
