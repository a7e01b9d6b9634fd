import { cloneData } from './clone-data';
import * as fs from 'node:fs';
import type { CollectorComponent, ComponentKind } from './component';
import type { CollectorConfig, CollectorPipelineConfig } from './config';
import { CollectorConfigError } from './errors';
import { importConfig, parseYamlConfigOnce, type Locator } from './import';
import { checkModel, effectsOf, type PipelineModel, type PipelineSpec } from './pipeline-rules';
import { validateCollectorConfig } from './schemas/validate';

/** The collector's own telemetry (`service.telemetry`). */
export interface TelemetryProps {
  /** Detail of the collector's own metrics. @default 'normal' */
  readonly metricsLevel?: 'none' | 'basic' | 'normal' | 'detailed';
  /** Port serving the collector's own metrics for Prometheus. @default 8888 */
  readonly metricsPort?: number;
  /** Log level. @default 'info' */
  readonly logsLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Props of `new CollectorPipeline()`. */
export interface CollectorPipelineProps {
  /** The collector's own telemetry. @default - normal metrics on :8888, info logs */
  readonly telemetry?: TelemetryProps;
  /** Where the config comes from, named in error messages (a file, an experiment). @default - none */
  readonly source?: string;
}

/** One pipeline to add: components, or ids of components added before. */
export interface AddPipelineProps {
  readonly receivers: readonly (CollectorComponent | string)[];
  /** @default - no processors */
  readonly processors?: readonly (CollectorComponent | string)[];
  readonly exporters: readonly (CollectorComponent | string)[];
}

/** What a deployment of this config must honour. */
export interface DeploymentRequirements {
  /** True when the config keeps per-series state (aggregation, delta conversion): run one replica. */
  readonly singleReplica: boolean;
  /** Why, one line per stateful processor and pipeline. */
  readonly reasons: readonly string[];
}

const KINDS: readonly ComponentKind[] = ['receiver', 'processor', 'exporter', 'connector', 'extension'];
const SECTION: Record<ComponentKind, keyof Omit<CollectorConfig, 'service'>> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  connector: 'connectors',
  extension: 'extensions',
};

/**
 * An OpenTelemetry Collector configuration as a value: typed components, pipelines and the
 * collector's telemetry. A plain class rather than a construct, so experiments can clone a
 * baseline into variants and import production configs without a construct tree
 * (docs/adr/0011-collector-pipeline-is-a-value.md). `render()` returns exactly what the
 * collector reads, after every rule and schema check.
 */
export class CollectorPipeline {
  /** Builds a pipeline from a parsed collector config; unknown components are kept verbatim (see `warnings()`). */
  static fromConfig(config: unknown, source?: string): CollectorPipeline {
    return CollectorPipeline.imported(config, source);
  }

  /**
   * Reads a collector config file (YAML); syntax errors and malformed sections name file:line.
   * The imported pipelines render exactly as written: what the collector would reject is an
   * error, Phoenix's own order and aggregation rules are reported as `warnings()` for them.
   */
  static fromYaml(filePath: string): CollectorPipeline {
    let text: string;
    try {
      text = fs.readFileSync(filePath, 'utf8');
    } catch (error) {
      throw new CollectorConfigError(`${filePath}: cannot read the collector config (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const { config, locate } = parseYamlConfigOnce(text, filePath);
    const pipeline = CollectorPipeline.imported(config, filePath, locate);
    // Imports of the same text render alike: render and validate the first, share the result.
    let checked = importedRenderings.get(filePath);
    if (!checked || checked.text !== text) {
      if (importedRenderings.size >= 256) importedRenderings.clear();
      importedRenderings.set(filePath, (checked = { text, ...pipeline.checkedRendering() }));
    }
    pipeline.checked = { revision: pipeline.revision, config: checked.config, problems: checked.problems };
    return pipeline;
  }

  private static imported(config: unknown, source?: string, locate?: Locator): CollectorPipeline {
    const imported = importConfig(config, source, locate);
    const pipeline = new CollectorPipeline({ source });
    for (const component of imported.components) pipeline.register(component);
    for (const [id, spec] of imported.pipelines) {
      pipeline.pipelines.set(id, spec);
      pipeline.importedPipelines.add(id);
    }
    pipeline.serviceExtensions = [...imported.serviceExtensions];
    pipeline.rawTelemetry = imported.telemetry;
    pipeline.telemetryAsImported = true;
    pipeline.importWarnings.push(...imported.warnings);
    pipeline.locate = locate;
    return pipeline;
  }

  private readonly components = new Map<ComponentKind, Map<string, CollectorComponent>>(KINDS.map((k) => [k, new Map()]));
  private readonly pipelines = new Map<string, PipelineSpec>();
  private serviceExtensions: string[] = [];
  private rawTelemetry: Record<string, unknown> | undefined;
  private readonly importWarnings: string[] = [];
  private readonly importedPipelines = new Set<string>();
  /** True for imports: no telemetry section is rendered unless the file had one. */
  private telemetryAsImported = false;
  private readonly source?: string;
  private locate?: Locator;
  /** Bumped by every change, so the checked rendering below is reused only while nothing changed. */
  private revision = 0;
  private checked?: { readonly revision: number; readonly config: CollectorConfig; readonly problems: readonly string[] };

  constructor(props: CollectorPipelineProps = {}) {
    this.source = props.source;
    if (props.telemetry) this.rawTelemetry = renderTelemetry(props.telemetry);
  }

  /**
   * Adds a receiver. Adding the same component (or one with the same id and identical config)
   * twice is a no-op; a different component with the same id throws.
   */
  addReceiver(receiver: CollectorComponent): CollectorComponent {
    return this.add('receiver', receiver);
  }

  /** Adds a processor (its place in a pipeline is set by `addPipeline`). */
  addProcessor(processor: CollectorComponent): CollectorComponent {
    return this.add('processor', processor);
  }

  /** Adds an exporter. */
  addExporter(exporter: CollectorComponent): CollectorComponent {
    return this.add('exporter', exporter);
  }

  /** Adds a connector (an exporter of one pipeline and a receiver of another). */
  addConnector(connector: CollectorComponent): CollectorComponent {
    return this.add('connector', connector);
  }

  /** Adds an extension and lists it in `service.extensions`. */
  addExtension(extension: CollectorComponent): CollectorComponent {
    const added = this.add('extension', extension);
    if (!this.serviceExtensions.includes(added.id)) {
      this.serviceExtensions.push(added.id);
      this.revision++;
    }
    return added;
  }

  /**
   * Adds a pipeline (`metrics` or `metrics/<name>`). Components given as objects are added
   * if they are not yet; ids must name components added before `render()`.
   */
  addPipeline(id: string, props: AddPipelineProps): void {
    if (this.pipelines.has(id)) throw new CollectorConfigError(`pipeline '${id}' is already defined`);
    const refs = (list: readonly (CollectorComponent | string)[] | undefined, field: string) =>
      (list ?? []).map((item) => {
        if (typeof item === 'string') return item;
        const kind = item.kind;
        const allowed = field === 'receivers' ? ['receiver', 'connector'] : field === 'exporters' ? ['exporter', 'connector'] : ['processor'];
        if (!allowed.includes(kind)) throw new CollectorConfigError(`pipeline '${id}': ${kind} '${item.id}' cannot be listed in '${field}'`);
        return this.add(kind, item).id;
      });
    this.revision++;
    this.pipelines.set(id, {
      receivers: refs(props.receivers, 'receivers'),
      processors: refs(props.processors, 'processors'),
      exporters: refs(props.exporters, 'exporters'),
    });
  }

  /** Every pipeline as `service.pipelines` would list it (copies). */
  pipelineConfigs(): Record<string, CollectorPipelineConfig> {
    const out: Record<string, CollectorPipelineConfig> = {};
    for (const [id, spec] of this.pipelines) out[id] = copySpec(spec);
    return out;
  }

  /** The metrics pipelines only (`metrics`, `metrics/<name>`), copies. */
  metricsPipelines(): Record<string, CollectorPipelineConfig> {
    return Object.fromEntries(Object.entries(this.pipelineConfigs()).filter(([id]) => id === 'metrics' || id.startsWith('metrics/')));
  }

  /** The components of one kind, in the order they were added (a copy of the list). */
  componentsOf(kind: ComponentKind): CollectorComponent[] {
    return [...(this.components.get(kind)?.values() ?? [])];
  }

  /** The component with this id, searched in `kind` (or every section). */
  component(id: string, kind?: ComponentKind): CollectorComponent | undefined {
    for (const k of kind ? [kind] : KINDS) {
      const found = this.components.get(k)?.get(id);
      if (found) return found;
    }
    return undefined;
  }

  /** True when any pipeline holds a processor that merges series. */
  aggregates(): boolean {
    return [...this.pipelines.values()].some((spec) => spec.processors.some((p) => effectsOf(this.component(p, 'processor')).aggregates));
  }

  /** Whether the config must run on one replica, and why (aggregation and delta conversion keep per-series state). */
  deploymentRequirements(): DeploymentRequirements {
    const reasons: string[] = [];
    for (const [id, spec] of this.pipelines) {
      for (const pid of spec.processors) {
        const e = effectsOf(this.component(pid, 'processor'));
        if (e.aggregates) reasons.push(`pipeline '${id}': '${pid}' merges series, which must all reach the same replica`);
        else if (e.stateful) reasons.push(`pipeline '${id}': '${pid}' keeps per-series state, so every point of a series must reach the same replica`);
      }
    }
    return { singleReplica: reasons.length > 0, reasons };
  }

  /** A deep copy: components are immutable and shared; pipelines and lists are copied. */
  clone(): CollectorPipeline {
    const copy = new CollectorPipeline({ source: this.source });
    for (const kind of KINDS) for (const c of this.components.get(kind)!.values()) copy.components.get(kind)!.set(c.id, c);
    for (const [id, spec] of this.pipelines) {
      copy.pipelines.set(id, { receivers: [...spec.receivers], processors: [...spec.processors], exporters: [...spec.exporters] });
    }
    copy.serviceExtensions = [...this.serviceExtensions];
    copy.rawTelemetry = this.rawTelemetry === undefined ? undefined : structuredClone(this.rawTelemetry);
    copy.telemetryAsImported = this.telemetryAsImported;
    copy.importWarnings.push(...this.importWarnings);
    this.importedPipelines.forEach((id) => copy.importedPipelines.add(id));
    copy.locate = this.locate;
    return copy;
  }

  /** Warnings: components kept verbatim, gauges merged within a batch only, raw OTTL aggregation. */
  warnings(): string[] {
    const report = checkModel(this.model(), this.importedPipelines);
    return [...this.importWarnings, ...report.warnings.map((w) => this.withLocation(report.paths.get(w) ?? [], w))];
  }

  /** Every problem that would make `render()` throw, one message each (empty when valid). */
  validate(): string[] {
    return [...this.checkedRendering().problems];
  }

  /** The config exactly as the collector reads it (a copy of its own). Throws a `CollectorConfigError` listing every problem. */
  render(): CollectorConfig {
    const { config, problems } = this.checkedRendering();
    if (problems.length > 0) {
      throw new CollectorConfigError(
        [...problems],
        `collector config${this.source ? ` from ${this.source}` : ''} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      );
    }
    return cloneData(config);
  }

  /** The rendered config and its problems, computed once per revision: an experiment renders its baseline many times. Never handed out as is. */
  private checkedRendering(): { readonly config: CollectorConfig; readonly problems: readonly string[] } {
    if (this.checked?.revision !== this.revision) {
      const config = this.renderUnchecked();
      this.checked = { revision: this.revision, config, problems: this.problemsOf(config) };
    }
    return this.checked;
  }

  private problemsOf(config: CollectorConfig): string[] {
    const report = checkModel(this.model(), this.importedPipelines);
    const problems = report.problems.map((p) => this.withLocation(report.paths.get(p) ?? [], p));
    for (const p of validateCollectorConfig(config)) {
      if (p.severity === 'error') problems.push(this.withLocation(p.path, p.message));
    }
    return problems;
  }

  private renderUnchecked(): CollectorConfig {
    const sections: Record<string, Record<string, unknown>> = {};
    for (const kind of KINDS) {
      const entries = [...this.components.get(kind)!.values()];
      if (entries.length > 0) sections[SECTION[kind]] = Object.fromEntries(entries.map((c) => [c.id, c.render()]));
    }
    const service: Record<string, unknown> = {};
    if (this.serviceExtensions.length > 0) service.extensions = [...this.serviceExtensions];
    service.pipelines = this.pipelineConfigs();
    if (this.rawTelemetry !== undefined) service.telemetry = structuredClone(this.rawTelemetry);
    else if (!this.telemetryAsImported) service.telemetry = renderTelemetry({});
    return { ...sections, service } as unknown as CollectorConfig;
  }

  private model(): PipelineModel {
    return { components: this.components, pipelines: this.pipelines, serviceExtensions: this.serviceExtensions };
  }

  private withLocation(path: readonly string[], message: string): string {
    const at = path.length > 0 ? this.locate?.(path) : undefined;
    return at ? `${at}: ${message}` : message;
  }

  private add(kind: ComponentKind, component: CollectorComponent): CollectorComponent {
    if (component.kind !== kind) {
      throw new CollectorConfigError(`add${kind[0].toUpperCase()}${kind.slice(1)}: '${component.id}' is a ${component.kind}, not a ${kind}`);
    }
    return this.register(component);
  }

  private register(component: CollectorComponent): CollectorComponent {
    const section = this.components.get(component.kind)!;
    const existing = section.get(component.id);
    if (existing && existing !== component && !sameConfig(existing, component)) {
      throw new CollectorConfigError(`${component.kind} '${component.id}' is already defined by another component: give one of them a 'name'`);
    }
    if (existing) return existing;
    section.set(component.id, component);
    this.revision++;
    return component;
  }
}

/** The checked rendering of each imported file's text (see fromYaml). */
const importedRenderings = new Map<string, { readonly text: string; readonly config: CollectorConfig; readonly problems: readonly string[] }>();

/** Two components with the same id and identical config are one component. */
function sameConfig(a: CollectorComponent, b: CollectorComponent): boolean {
  return a.type === b.type && JSON.stringify(a.render()) === JSON.stringify(b.render());
}

function copySpec(spec: PipelineSpec): CollectorPipelineConfig {
  const out: { receivers: string[]; processors?: string[]; exporters: string[] } = { receivers: [...spec.receivers], exporters: [...spec.exporters] };
  if (spec.processors.length > 0) out.processors = [...spec.processors];
  return { receivers: out.receivers, ...(out.processors ? { processors: out.processors } : {}), exporters: out.exporters };
}

function renderTelemetry(props: TelemetryProps): Record<string, unknown> {
  const port = props.metricsPort ?? 8888;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CollectorConfigError(`telemetry: 'metricsPort' (${port}) must be an integer between 1 and 65535`);
  }
  const level = props.metricsLevel ?? 'normal';
  const metrics: Record<string, unknown> = { level };
  if (level !== 'none') metrics.readers = [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port } } } }];
  return { logs: { level: props.logsLevel ?? 'info' }, metrics };
}
