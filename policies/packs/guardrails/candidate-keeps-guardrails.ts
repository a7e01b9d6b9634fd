import { analyzeQueries, formatQueryProblem, type QueryAnalysis } from '../../../analysis/promql';
import { isRecord } from '../../collector-configs';
import { pointerOf } from '../../rule-table';
import type { Rule, RuleContext, RuleFinding, SourceDocument } from '../../types';
import { COLLECTOR_KINDS, pipelinesOf, processorType, sectionOf } from '../collector/config-view';
import { checkCandidateGuardrails, type CandidateProcessor } from './check';
import { guardrailQueries, readFileIfExists, type GuardrailFileReader, type ManifestGuardrail } from './guardrail-queries';
import { InputError } from '../../../analysis/input-error';
import { MANIFEST_DATA_KEY } from '../../../constructs/experiment/manifest';
import { readExperimentManifest } from '../../../constructs/experiment/read-manifest';

interface ManifestView {
  readonly doc: SourceDocument;
  readonly name: string;
  readonly phase: string;
  readonly promotedVariant?: string;
  readonly productionPipeline: string;
  readonly collectorName?: string;
  readonly collectorNamespace?: string;
  readonly variants: ReadonlyArray<{ name: string; kind: string; shadowPipeline: string; processors: ReadonlyArray<{ id: string }> }>;
  readonly guardrails: readonly ManifestGuardrail[];
}

/** A manifest ConfigMap's view, or the error that made it unreadable. */
const manifestCache = new WeakMap<object, ManifestView | InputError | undefined>();

function readManifest(doc: SourceDocument): ManifestView | InputError | undefined {
  if (manifestCache.has(doc.value)) return manifestCache.get(doc.value);
  let view: ManifestView | InputError | undefined;
  try {
    const m = readExperimentManifest(doc.value, { file: doc.file });
    view = m && {
      doc,
      name: m.name,
      phase: m.phase,
      ...(m.promotedVariant !== undefined ? { promotedVariant: m.promotedVariant } : {}),
      productionPipeline: m.collector.productionPipeline,
      ...(typeof m.collector.name === 'string' ? { collectorName: m.collector.name } : {}),
      ...(typeof m.collector.namespace === 'string' ? { collectorNamespace: m.collector.namespace } : {}),
      variants: m.variants,
      guardrails: m.guardrails.queries,
    };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    view = error;
  }
  manifestCache.set(doc.value, view);
  return view;
}

function manifestOf(doc: SourceDocument): ManifestView | undefined {
  const view = readManifest(doc);
  return view instanceof InputError ? undefined : view;
}

/**
 * `guardrails/candidate-keeps-answers`: builds the rule with a file reader for the guardrails'
 * rule files and dashboards (tests pass their own; the default reads relative to the working
 * directory).
 */
export function createCandidateKeepsGuardrailsRule(read: GuardrailFileReader = readFileIfExists): Rule {
  const analyses = new WeakMap<ManifestView, QueryAnalysis>();
  return {
    id: 'guardrails/candidate-keeps-answers',
    severity: 'error',
    description: "A candidate's processors neither drop a metric or label a guardrail query needs nor merge series with a function that changes its answer.",
    kinds: COLLECTOR_KINDS,
    // The collector's configs and the experiment manifests (ConfigMaps) describing it.
    reads: { '': [''], ConfigMap: [''], OpenTelemetryCollector: [''] },
    check: (doc, ctx) => checkDocument(doc, ctx, read, analyses),
  };
}

function checkDocument(doc: SourceDocument, ctx: RuleContext, read: GuardrailFileReader, analyses: WeakMap<ManifestView, QueryAnalysis>): RuleFinding[] {
  const unreadable = readManifest(doc);
  if (unreadable instanceof InputError) {
    // Fail closed: a manifest this Phoenix cannot read leaves its guardrails unchecked.
    return [
      {
        pointer: pointerOf('data', MANIFEST_DATA_KEY),
        message: `guardrails cannot be checked: ${unreadable.message.replace(`${doc.file}: `, '')}`,
        fix: 're-synthesize the tree (phoenix synth) with the Phoenix version that checks it',
      },
    ];
  }
  const configs = ctx.collectorConfigs(doc);
  if (configs.length === 0) return [];
  const manifests = ctx
    .ofKind('ConfigMap')
    .map(manifestOf)
    .filter((m): m is ManifestView => m !== undefined && describesCollector(m, doc));
  const findings: RuleFinding[] = [];
  for (const source of configs) {
    const pipelines = new Map(pipelinesOf(source).map((p) => [p.id, p]));
    const processorsSection = sectionOf(source.config, 'processors');
    for (const manifest of manifests) {
      const candidates = candidateProcessors(manifest, pipelines);
      if (candidates.length === 0) continue;
      let analysis = analyses.get(manifest);
      if (!analysis) analyses.set(manifest, (analysis = analyzeQueries(guardrailQueries(manifest.guardrails, manifest.doc.file, read))));
      for (const problem of analysis.problems) {
        findings.push({
          pointer: candidates[0]!.pipelinePointer,
          message: `experiment '${manifest.name}': guardrail cannot be checked: ${formatQueryProblem(problem)}`,
          fix: 'fix the query so Prometheus 2.42 parses it, or remove it from the guardrails',
        });
      }
      for (const candidate of candidates) {
        const processors: CandidateProcessor[] = candidate.processorIds.map((id) => ({
          id,
          type: processorType(id),
          config: isRecord(processorsSection[id]) ? processorsSection[id] : {},
        }));
        for (const v of checkCandidateGuardrails(processors, analysis.analyzed)) {
          const where = `${v.query.origin.file}:${v.line}:${v.column}`;
          const named = v.query.origin.name ? ` "${v.query.origin.name}"` : '';
          findings.push({
            pointer: source.pointer + pointerOf('processors', v.processorId),
            severity: v.verdict === 'changed' ? 'error' : 'warning',
            message:
              v.verdict === 'changed'
                ? `experiment '${manifest.name}', candidate '${candidate.variant}': processor '${v.processorId}' changes the answer of guardrail${named} at ${where}: ${v.reason}`
                : `experiment '${manifest.name}', candidate '${candidate.variant}': cannot tell whether processor '${v.processorId}' keeps the answer of guardrail${named} at ${where}: ${v.reason}`,
            fix:
              v.verdict === 'changed'
                ? `keep ${v.label ? `the attribute behind label '${v.label}'` : `what the query reads of ${v.metric ?? 'the metric'}`} in candidate '${candidate.variant}' (or aggregate with a function the query tolerates), or drop the guardrail if the signal is no longer needed`
                : 'check the query by hand against the candidate, or simplify the processor so its effect on the metric is explicit',
          });
        }
      }
    }
  }
  return findings;
}

/** Whether a manifest belongs to this collector document: same environment, namespace and (for an OpenTelemetryCollector) name. */
function describesCollector(manifest: ManifestView, doc: SourceDocument): boolean {
  const differs = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a !== b;
  if (differs(manifest.doc.environment, doc.environment)) return false;
  if (differs(manifest.collectorNamespace ?? manifest.doc.object.namespace, doc.object.namespace)) return false;
  return !(doc.object.kind === 'OpenTelemetryCollector' && differs(manifest.collectorName, doc.object.name));
}

/** The processors each candidate adds in this config: its shadow pipeline minus the baseline's. */
function candidateProcessors(
  manifest: ManifestView,
  pipelines: ReadonlyMap<string, { processors: readonly string[]; pointer: string }>,
): Array<{ variant: string; processorIds: string[]; pipelinePointer: string }> {
  const baseline = manifest.variants.find((v) => v.kind === 'baseline');
  const baselineIds = new Set(pipelines.get(baseline?.shadowPipeline ?? '')?.processors ?? []);
  const production = pipelines.get(manifest.productionPipeline);
  const out: Array<{ variant: string; processorIds: string[]; pipelinePointer: string }> = [];
  for (const variant of manifest.variants.filter((v) => v.kind === 'candidate')) {
    const shadow = pipelines.get(variant.shadowPipeline);
    if (shadow && baseline) {
      out.push({ variant: variant.name, processorIds: shadow.processors.filter((id) => !baselineIds.has(id)), pipelinePointer: shadow.pointer });
    } else if (!shadow && manifest.phase === 'promoted' && manifest.promotedVariant === variant.name && production) {
      const ids = new Set(variant.processors.map((p) => p.id));
      out.push({ variant: variant.name, processorIds: production.processors.filter((id) => ids.has(id)), pipelinePointer: production.pointer });
    }
  }
  return out;
}
