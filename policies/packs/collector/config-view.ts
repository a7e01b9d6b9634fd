import { componentTypeOf } from '../../../analysis/naming';
import { isRecord } from '../../collector-configs';
import { pointerOf } from '../../rule-table';
import type { CollectorConfigSource, Rule, RuleContext, RuleFinding, SourceDocument } from '../../types';

/** The component sections of a collector config. */
export const COMPONENT_SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;
export type ComponentSection = (typeof COMPONENT_SECTIONS)[number];

/** One entry of `service.pipelines`, with the pointer to it. */
export interface PipelineView {
  readonly source: CollectorConfigSource;
  /** `metrics`, `metrics/shadow`, `traces/…` */
  readonly id: string;
  readonly signal: string;
  readonly receivers: readonly string[];
  readonly processors: readonly string[];
  readonly exporters: readonly string[];
  readonly pointer: string;
}

/** The type part of an id as written (`batch/shadow` → `batch`; pipeline ids: `metrics/x` → `metrics`). */
export function componentType(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/** The canonical type of a processor id: either spelling of a renamed type (`cumulativetodelta/x`, `cumulative_to_delta/x`) → `cumulative_to_delta`. */
export function processorType(id: string): string {
  return componentTypeOf('processor', id);
}

/** Ids listed in a string array field (anything else yields nothing). */
export function idsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** The components of one section (`{}` when absent). */
export function sectionOf(config: Readonly<Record<string, unknown>>, section: ComponentSection): Record<string, unknown> {
  const value = config[section];
  return isRecord(value) ? value : {};
}

/** Every pipeline of a config. */
export function pipelinesOf(source: CollectorConfigSource): PipelineView[] {
  const service = isRecord(source.config.service) ? source.config.service : {};
  const pipelines = isRecord(service.pipelines) ? service.pipelines : {};
  return Object.entries(pipelines)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .map(([id, pipeline]) => ({
      source,
      id,
      signal: componentType(id),
      receivers: idsOf(pipeline.receivers),
      processors: idsOf(pipeline.processors),
      exporters: idsOf(pipeline.exporters),
      pointer: source.pointer + pointerOf('service', 'pipelines', id),
    }));
}

/** Runs `check` over every collector config a document holds. */
function forEachConfig(doc: SourceDocument, ctx: RuleContext, check: (source: CollectorConfigSource) => RuleFinding[]): RuleFinding[] {
  const configs = ctx.collectorConfigs(doc);
  if (configs.length === 0) return [];
  return configs.flatMap(check);
}

/** Kinds that may hold collector configs ('' = a bare config file). */
export const COLLECTOR_KINDS = ['', 'ConfigMap', 'OpenTelemetryCollector'];

/** What a collector rule declares: its check sees one collector config of a document at a time. */
export interface CollectorRuleSpec extends Omit<Rule, 'kinds' | 'check'> {
  /** Kinds that may hold the configs it checks. @default COLLECTOR_KINDS */
  readonly kinds?: readonly string[];
  /** Whether the document's configs are checked at all (its environment, its replicas). @default - always */
  applies?(doc: SourceDocument, ctx: RuleContext): boolean;
  check(source: CollectorConfigSource, doc: SourceDocument, ctx: RuleContext): RuleFinding[];
}

/** A rule over every collector config a document holds. */
export function collectorRule(spec: CollectorRuleSpec): Rule {
  const { kinds, applies, check, ...rule } = spec;
  return {
    ...rule,
    kinds: kinds ?? COLLECTOR_KINDS,
    check: (doc, ctx) => (applies && !applies(doc, ctx) ? [] : forEachConfig(doc, ctx, (source) => check(source, doc, ctx))),
  };
}
