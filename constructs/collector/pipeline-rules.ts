import type { CollectorComponent, ComponentKind } from './component';
import type { ComponentEffects } from './effects';
import { routedPipelines } from './connector';
import { canonicalComponentType } from '../../analysis/naming';

/** The parts of a pipeline model the rules read. */
export interface PipelineModel {
  readonly components: ReadonlyMap<ComponentKind, ReadonlyMap<string, CollectorComponent>>;
  readonly pipelines: ReadonlyMap<string, PipelineSpec>;
  readonly serviceExtensions: readonly string[];
}

/** One `service.pipelines` entry, by component id. */
export interface PipelineSpec {
  readonly receivers: readonly string[];
  readonly processors: readonly string[];
  readonly exporters: readonly string[];
}

/** Problems (the config is wrong) and warnings (it is allowed, but know this). */
export interface RuleReport {
  readonly problems: string[];
  readonly warnings: string[];
  /** Where each message points in the config (for file:line of imported configs). */
  readonly paths: Map<string, readonly string[]>;
}

/** Records a problem (or warning) with the config path it is about. */
function flag(report: RuleReport, path: readonly string[], message: string, as: 'problems' | 'warnings' = 'problems'): void {
  report[as].push(message);
  report.paths.set(message, path);
}

const OPAQUE: ComponentEffects = { aggregates: false, stateful: false, opaque: true };

/** The effects of any component: the typed ones carry them, others are opaque. */
export function effectsOf(component: CollectorComponent | undefined): ComponentEffects {
  const effects = (component as { effects?: ComponentEffects } | undefined)?.effects;
  return effects ?? OPAQUE;
}

/**
 * Runs every structural and aggregation rule over the model. Pipelines listed in
 * `asImported` are kept exactly as they run today: what the collector itself rejects
 * (references, a connector used on one side only) stays a problem, Phoenix's own order and aggregation
 * rules become warnings for them.
 */
export function checkModel(model: PipelineModel, asImported: ReadonlySet<string> = new Set()): RuleReport {
  const report: RuleReport = { problems: [], warnings: [], paths: new Map() };
  checkReferences(model, report);
  checkUnused(model, report);
  for (const [id, spec] of model.pipelines) {
    const target: RuleReport = asImported.has(id) ? { problems: [], warnings: report.warnings, paths: report.paths } : report;
    checkOrder(model, id, spec, target);
    if (id === 'metrics' || id.startsWith('metrics/')) checkAggregationRules(model, id, spec, target);
    if (target !== report) {
      for (const p of target.problems) flag(report, report.paths.get(p) ?? [], `${p} (pipeline kept as imported)`, 'warnings');
    }
  }
  return report;
}

const PIPELINE_ID = /^(metrics|traces|logs)(\/[^\s/]+)?$/;

function checkReferences(model: PipelineModel, report: RuleReport): void {
  const has = (kind: ComponentKind, id: string) => model.components.get(kind)?.has(id) ?? false;
  if (model.pipelines.size === 0) flag(report, ['service', 'pipelines'], 'service.pipelines: define at least one pipeline (addPipeline)');
  for (const [id, spec] of model.pipelines) {
    const where = `pipeline '${id}'`;
    if (!PIPELINE_ID.test(id))
      flag(report, ['service', 'pipelines', id], `${where}: the id must be 'metrics', 'traces' or 'logs', optionally followed by '/name'`);
    if (spec.receivers.length === 0) flag(report, ['service', 'pipelines', id], `${where}: 'receivers' must list at least one receiver`);
    if (spec.exporters.length === 0) flag(report, ['service', 'pipelines', id], `${where}: 'exporters' must list at least one exporter`);
    const lists: [keyof PipelineSpec, ComponentKind[]][] = [
      ['receivers', ['receiver', 'connector']],
      ['processors', ['processor']],
      ['exporters', ['exporter', 'connector']],
    ];
    for (const [field, kinds] of lists) {
      const seen = new Set<string>();
      for (const ref of spec[field]) {
        if (seen.has(ref)) flag(report, ['service', 'pipelines', id, field], `${where}: '${field}' lists '${ref}' twice`);
        seen.add(ref);
        if (!kinds.some((k) => has(k, ref))) {
          flag(
            report,
            ['service', 'pipelines', id, field],
            `${where}: '${field}' references '${ref}', which is not defined under ${kinds.map((k) => `${k}s`).join(' or ')} (add it with add${capital(kinds[0])})`,
          );
        }
      }
    }
  }
  for (const ext of model.serviceExtensions) {
    if (!has('extension', ext)) flag(report, ['service', 'extensions'], `service.extensions: '${ext}' is not defined under extensions`);
  }
}

function checkUnused(model: PipelineModel, report: RuleReport): void {
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  for (const spec of model.pipelines.values()) {
    spec.receivers.forEach((r) => used.receivers.add(r));
    spec.processors.forEach((p) => used.processors.add(p));
    spec.exporters.forEach((e) => used.exporters.add(e));
  }
  // The collector loads a component no pipeline uses (it is simply not started): a warning, not a problem.
  const check = (kind: ComponentKind, set: Set<string>, hint: string) => {
    for (const id of model.components.get(kind)?.keys() ?? []) {
      if (!set.has(id)) flag(report, [`${kind}s`, id], `${kind} '${id}' is defined but used by no pipeline: ${hint}`, 'warnings');
    }
  };
  check('receiver', used.receivers, "list it in a pipeline's receivers or remove it");
  check('processor', used.processors, "list it in a pipeline's processors or remove it");
  check('exporter', used.exporters, "list it in a pipeline's exporters or remove it");
  for (const [id, connector] of model.components.get('connector') ?? []) {
    const asExporter = used.exporters.has(id);
    const asReceiver = used.receivers.has(id);
    if (!asExporter && !asReceiver) {
      flag(
        report,
        ['connectors', id],
        `connector '${id}' is defined but used by no pipeline: list it as an exporter of one pipeline and a receiver of another, or remove it`,
        'warnings',
      );
      continue;
    }
    // Used on one side only, the collector refuses to build the pipelines.
    if (!asExporter || !asReceiver) {
      flag(
        report,
        ['connectors', id],
        `connector '${id}' must be an exporter of one pipeline and a receiver of another (it is ${asExporter ? 'not a receiver' : 'not an exporter'} anywhere)`,
      );
    }
    for (const target of routedPipelines(connector.render())) {
      const spec = model.pipelines.get(target);
      if (!spec) flag(report, ['connectors', id], `connector '${id}': routes to pipeline '${target}', which is not defined`);
      else if (!spec.receivers.includes(id))
        flag(report, ['connectors', id], `connector '${id}': routes to pipeline '${target}', which does not list '${id}' as a receiver`);
    }
  }
  const listed = new Set(model.serviceExtensions);
  for (const id of model.components.get('extension')?.keys() ?? []) {
    if (!listed.has(id)) flag(report, ['extensions', id], `extension '${id}' is defined but not listed in service.extensions`);
  }
}

function checkOrder(model: PipelineModel, id: string, spec: PipelineSpec, report: RuleReport): void {
  const where = `pipeline '${id}'`;
  const processorsPath = ['service', 'pipelines', id, 'processors'];
  const types = spec.processors.map((p) => canonicalComponentType('processor', model.components.get('processor')?.get(p)?.type ?? p.split('/')[0]!));
  const last = types.length - 1;
  types.forEach((type, i) => {
    if (type === 'memory_limiter' && i !== 0)
      flag(
        report,
        processorsPath,
        `${where}: '${spec.processors[i]}' must be the first processor (it is #${i + 1}) so it refuses data before any other processor holds it`,
      );
    if (type === 'batch' && i !== last)
      flag(report, processorsPath, `${where}: '${spec.processors[i]}' must be the last processor (it is #${i + 1} of ${types.length})`);
  });
  const firstTransform = types.indexOf('transform');
  if (firstTransform >= 0) {
    types.forEach((type, i) => {
      if (type === 'filter' && i > firstTransform) {
        flag(
          report,
          processorsPath,
          `${where}: filter '${spec.processors[i]}' must come before transform '${spec.processors[firstTransform]}' (drop metrics before spending work on them)`,
        );
      }
    });
  }
}

function checkAggregationRules(model: PipelineModel, id: string, spec: PipelineSpec, report: RuleReport): void {
  const where = `pipeline '${id}'`;
  const processorsPath = ['service', 'pipelines', id, 'processors'];
  const steps = spec.processors.map((pid) => ({ id: pid, effects: effectsOf(model.components.get('processor')?.get(pid)) }));
  steps.forEach((step, i) => {
    const e = step.effects;
    if (e.keptAttributes) {
      for (const later of steps.slice(i + 1)) {
        for (const deletion of later.effects.deletedAttributes ?? []) {
          if (deletion.level === 'datapoint' && e.keptAttributes.includes(deletion.attribute) && overlaps(e.metrics, later.effects.metrics)) {
            flag(
              report,
              processorsPath,
              `${where}: attribute '${deletion.attribute}' is kept by '${step.id}' and deleted by '${later.id}': keep it or drop it, not both`,
            );
          }
        }
      }
    }
    for (const deletion of e.deletedAttributes ?? []) {
      for (const earlier of steps.slice(0, i)) {
        const kept = deletion.level === 'resource' ? earlier.effects.keptResourceAttributes : earlier.effects.keptAttributes;
        if (kept && !kept.includes(deletion.impliedBy) && (deletion.level === 'resource' || overlaps(earlier.effects.metrics, e.metrics))) {
          flag(
            report,
            processorsPath,
            `${where}: '${step.id}' deletes '${deletion.attribute}' as implied by '${deletion.impliedBy}', but '${earlier.id}' already removed '${deletion.impliedBy}': keep it, or aggregate instead`,
          );
        }
      }
    }
    if (e.keptResourceAttributes) {
      const regroup = steps.findIndex((s, j) => j > i && s.effects.regroupsBy !== undefined);
      const aggregate = steps.findIndex((s, j) => j > regroup && regroup >= 0 && s.effects.aggregates);
      if (regroup < 0 || aggregate < 0) {
        flag(
          report,
          processorsPath,
          `${where}: '${step.id}' removes resource attributes, so series of different resources become identical but stay apart: ` +
            `regroup them after it with Processor.groupByAttributes([]) and then aggregate with Processor.keepAttributes(...)`,
        );
      }
    }
    if (e.aggregates && (e.aggregation?.mayTouchCounters ?? true)) {
      const toDelta = steps
        .slice(0, i)
        .some((s) => s.effects.temporality === 'cumulative-to-delta' && covers(s.effects.metrics, e.aggregation?.counterMetrics ?? e.metrics));
      const toCumulative = steps.slice(i + 1).some((s) => s.effects.temporality === 'delta-to-cumulative');
      if (!toDelta || !toCumulative) {
        flag(
          report,
          processorsPath,
          `${where}: '${step.id}' aggregates counters across series; when one of them resets (a pod restarted or replaced) the sum drops and ` +
            `rate() reads the drop as a reset, counting the whole remaining total again: put Processor.cumulativeToDelta() before it ` +
            `(covering its metrics) and Processor.deltaToCumulative() after it${!toDelta ? ' (cumulative_to_delta is missing)' : ' (delta_to_cumulative is missing)'}`,
        );
      }
    }
    if (e.aggregates && e.aggregation?.gauges) {
      flag(
        report,
        processorsPath,
        `${where}: '${step.id}' merges gauges with '${e.aggregation.gauges}' within each batch only: series of other batches or replicas are not merged`,
        'warnings',
      );
    }
    if (e.aggregates && e.opaque) {
      flag(
        report,
        processorsPath,
        `${where}: '${step.id}' aggregates with raw OTTL; Phoenix checks its delta conversion but not which metric types it sums`,
        'warnings',
      );
    }
  });
}

/** True when two metric lists can share a metric (`undefined` = every metric). */
function overlaps(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((m) => b.includes(m));
}

/** True when `outer` includes every metric of `inner` (`undefined` = every metric). */
function covers(outer: readonly string[] | undefined, inner: readonly string[] | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return inner.every((m) => outer.includes(m));
}

function capital(kind: ComponentKind): string {
  return kind[0].toUpperCase() + kind.slice(1);
}
