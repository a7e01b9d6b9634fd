import { InputError } from '../../../analysis/input-error';
import type { Series } from '../../../analysis/series';
import type { ExperimentManifest } from '../../../constructs/experiment/manifest';
import { readManifestsInYaml } from '../../../constructs/experiment/read-manifest';
import { assessCandidateGuardrails, type ManifestCandidate } from './assess-candidate-guardrails';
import type { EnvironmentChanges, GuardrailAtRisk, GuardrailsUnaffected, ReviewFinding } from './types';

/**
 * Which guardrail queries a change may alter. A guardrail is at risk when the changed lines of its
 * experiment's existing objects (added and removed objects do not count) name a metric or label its query uses (collector attribute names are compared
 * in their Prometheus form: `http.route` → `http_route`), or when a policy rule about guardrails or
 * dropped attributes fires on the experiment's files (`guardrails/candidate-keeps-answers` proves a
 * candidate changes an answer).
 *
 * Guardrails are read from the head tree's experiment manifests (`readManifestsInYaml`). A
 * manifest that cannot be read is left out here: the policy rule `guardrails/candidate-keeps-answers`
 * reports it as an error finding of the review.
 *
 * Each guardrail the change touches is then judged with the assessment `phoenix estimate` makes
 * (`assessCandidateGuardrails`: the manifest's candidate processors simulated, `assessGuardrail`
 * per query): broken, possibly changed (with why), or unaffected — the unaffected ones are only
 * counted. Without candidate processors in the manifest the touch alone is reported, as possibly
 * changed.
 */

const IGNORED_TOKENS = new Set([
  'key',
  'keys',
  'action',
  'delete',
  'insert',
  'update',
  'upsert',
  'include',
  'exclude',
  'match_type',
  'strict',
  'regexp',
  'metrics',
  'metric',
  'name',
  'names',
  'value',
  'values',
  'attributes',
  'processors',
  'pipelines',
  'exporters',
  'receivers',
  'service',
  'data',
  'true',
  'false',
  'null',
  'sum',
  'rate',
  'by',
  'without',
  'and',
  'or',
  'unless',
  'phase',
  'expr',
  'guardrails',
  'queries',
]);

interface Guardrail {
  readonly experiment: string;
  readonly environment: string;
  readonly name: string;
  readonly expr: string;
}

/** The candidates of each manifest, by `environment/experiment`. */
type Candidates = Map<string, ManifestCandidate[]>;

function candidatesOf(manifest: { variants?: unknown }): ManifestCandidate[] {
  if (!Array.isArray(manifest.variants)) return [];
  return manifest.variants.flatMap((variant: { name?: unknown; kind?: unknown; processors?: unknown }) => {
    if (variant?.kind !== 'candidate' || !Array.isArray(variant.processors)) return [];
    const processors = variant.processors
      .filter((p: { id?: unknown; config?: unknown }) => typeof p?.id === 'string' && typeof p.config === 'object' && p.config !== null)
      .map((p: { id: string; config: Record<string, unknown> }) => ({ id: p.id, config: p.config }));
    return [{ name: String(variant.name ?? 'candidate'), processors }];
  });
}

function readGuardrails(head: ReadonlyMap<string, string>, candidates: Candidates = new Map()): Guardrail[] {
  const guardrails: Guardrail[] = [];
  for (const [file, text] of head) {
    if (!/\.ya?ml$/.test(file)) continue;
    let manifests: ExperimentManifest[];
    try {
      manifests = readManifestsInYaml(text, file);
    } catch (error) {
      if (error instanceof InputError) continue; // reported by guardrails/candidate-keeps-answers
      throw error;
    }
    for (const manifest of manifests) {
      candidates.set(`${manifest.environment}/${manifest.name}`, candidatesOf(manifest as unknown as { variants?: unknown }));
      for (const query of manifest.guardrails.queries) {
        guardrails.push({ experiment: manifest.name, environment: manifest.environment, name: query.name, expr: query.expr });
      }
    }
  }
  return guardrails;
}

/** Identifiers on changed lines, in Prometheus form. */
function changedTokens(diff: string): Set<string> {
  const tokens = new Set<string>();
  for (const line of diff.split('\n')) {
    if (!/^[+-]/.test(line) || line.includes('"expr"')) continue;
    for (const match of line.slice(1).matchAll(/[A-Za-z_][A-Za-z0-9_.]*/g)) {
      const token = match[0].replace(/\./g, '_');
      if (token.length >= 3 && !IGNORED_TOKENS.has(token.toLowerCase())) tokens.add(token);
    }
  }
  return tokens;
}

function queryTokens(expr: string): Set<string> {
  return new Set([...expr.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)].map((m) => m[0]));
}

/** Options of {@link guardrailsAtRisk}. */
export interface GuardrailsAtRiskOptions {
  /** The synthesized tree's folder. @default 'gitops' */
  readonly root?: string;
  /** Active series to simulate the candidates over (the review's snapshot). @default - made from the guardrails */
  readonly series?: readonly Series[];
}

/** Guardrails whose answers the change may alter, one entry per guardrail and reason, and the count of those it leaves alone. */
export function guardrailsAtRisk(
  environments: readonly EnvironmentChanges[],
  head: ReadonlyMap<string, string>,
  findings: readonly ReviewFinding[],
  options: GuardrailsAtRiskOptions = {},
): { atRisk: GuardrailAtRisk[]; unaffected: GuardrailsUnaffected[] } {
  const candidates: Candidates = new Map();
  const guardrails = readGuardrails(head, candidates);
  const atRisk = new Map<string, GuardrailAtRisk>();
  const unaffected: GuardrailsUnaffected[] = [];
  for (const env of environments) {
    const byExperiment = new Map<string, Set<string>>();
    const filesByExperiment = new Map<string, Set<string>>();
    for (const change of [...env.added, ...env.changed, ...env.removed]) {
      if (!change.experiment) continue;
      const tokens = byExperiment.get(change.experiment) ?? new Set<string>();
      // Only edits of existing objects count: a new experiment's whole text names every metric it scopes.
      if (change.change === 'changed') for (const token of changedTokens(change.diff)) tokens.add(token);
      byExperiment.set(change.experiment, tokens);
      filesByExperiment.set(change.experiment, (filesByExperiment.get(change.experiment) ?? new Set()).add(change.file));
    }
    for (const [experiment, tokens] of byExperiment) {
      const touched = guardrails
        .filter((g) => g.experiment === experiment && g.environment === env.environment)
        .map((guardrail) => ({
          guardrail,
          hits: [...queryTokens(guardrail.expr)].filter((t) => tokens.has(t) || [...tokens].some((c) => t.startsWith(`${c}_`))),
        }))
        .filter((t) => t.hits.length > 0);
      const experimentCandidates = (candidates.get(`${env.environment}/${experiment}`) ?? []).filter((c) => c.processors.length > 0);
      const assessed =
        experimentCandidates.length > 0
          ? assessCandidateGuardrails(
              touched.map((t) => t.guardrail.expr),
              experimentCandidates,
              options.series,
            )
          : undefined;
      let untouchedAnswers = 0;
      touched.forEach(({ guardrail, hits }, i) => {
        const touches = `the change touches ${hits.map((h) => `\`${h}\``).join(', ')}, which the query uses`;
        const assessment = assessed?.[i];
        if (assessment?.verdict === 'unaffected') {
          untouchedAnswers += 1;
          return;
        }
        const entry: GuardrailAtRisk = assessment
          ? {
              experiment,
              environment: env.environment,
              guardrail: `${guardrail.name}: ${guardrail.expr}`,
              verdict: assessment.verdict,
              reason: `${assessment.why} (${touches})`,
            }
          : {
              experiment,
              environment: env.environment,
              guardrail: `${guardrail.name}: ${guardrail.expr}`,
              verdict: 'possibly-changed',
              reason: `${touches}; the manifest holds no candidate processors to assess`,
            };
        atRisk.set(`${env.environment}/${experiment}/${guardrail.name}`, entry);
      });
      if (untouchedAnswers > 0) unaffected.push({ experiment, environment: env.environment, count: untouchedAnswers });
      const files = filesByExperiment.get(experiment) ?? new Set();
      for (const finding of findings.filter((f) => files.has(f.file) && /guardrail|attribute-drop|aggregation/.test(f.ruleId))) {
        atRisk.set(`${env.environment}/${experiment}/${finding.ruleId}/${finding.line}`, {
          experiment,
          environment: env.environment,
          guardrail: finding.ruleId,
          verdict: finding.severity === 'error' ? 'broken' : 'possibly-changed',
          reason: `${finding.message} (${finding.file}:${finding.line})`,
        });
      }
    }
  }
  const order = (g: GuardrailAtRisk) => (g.verdict === 'broken' ? 0 : 1);
  return { atRisk: [...atRisk.values()].sort((a, b) => order(a) - order(b)), unaffected };
}
