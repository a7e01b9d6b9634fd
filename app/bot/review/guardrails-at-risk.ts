import { parseAllDocuments } from 'yaml';
import { environmentOf } from './diff-gitops-trees';
import type { EnvironmentChanges, GuardrailAtRisk, ReviewFinding } from './types';
import { EXPERIMENT_OBJECT_LABEL, MANIFEST_LABEL } from '../../../analysis/labels';

/**
 * Which guardrail queries a change may alter. A guardrail is at risk when the changed lines of its
 * experiment's existing objects (added and removed objects do not count) name a metric or label its query uses (collector attribute names are compared
 * in their Prometheus form: `http.route` → `http_route`), or when a policy rule about guardrails or
 * dropped attributes fires on the experiment's files (`guardrails/candidate-keeps-answers` proves a
 * candidate changes an answer).
 *
 * Guardrails are read from the head tree's experiment manifests: the ConfigMap labelled
 * `phoenix.dev/experiment-manifest: "true"`, key `experiment.json`, `guardrails.queries[].{name,expr}`.
 */

const MANIFEST_KEY = 'experiment.json';

const IGNORED_TOKENS = new Set(['key', 'keys', 'action', 'delete', 'insert', 'update', 'upsert', 'include', 'exclude', 'match_type', 'strict', 'regexp', 'metrics', 'metric', 'name', 'names', 'value', 'values', 'attributes', 'processors', 'pipelines', 'exporters', 'receivers', 'service', 'data', 'true', 'false', 'null', 'sum', 'rate', 'by', 'without', 'and', 'or', 'unless', 'phase', 'expr', 'guardrails', 'queries']);

interface Guardrail {
  readonly experiment: string;
  readonly environment: string;
  readonly name: string;
  readonly expr: string;
}

function readGuardrails(head: ReadonlyMap<string, string>, root: string): Guardrail[] {
  const guardrails: Guardrail[] = [];
  for (const [file, text] of head) {
    if (!/\.ya?ml$/.test(file) || !text.includes(MANIFEST_LABEL)) continue;
    for (const document of parseAllDocuments(text)) {
      const value = document.errors.length === 0 ? (document.toJS() as Record<string, any> | null) : null; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (value?.kind !== 'ConfigMap' || value.metadata?.labels?.[MANIFEST_LABEL] !== 'true' || typeof value.data?.[MANIFEST_KEY] !== 'string') continue;
      let manifest: { name?: unknown; environment?: unknown; guardrails?: { queries?: unknown } };
      try {
        manifest = JSON.parse(value.data[MANIFEST_KEY]);
      } catch {
        continue;
      }
      const queries = Array.isArray(manifest.guardrails?.queries) ? (manifest.guardrails?.queries as Array<{ name?: unknown; expr?: unknown }>) : [];
      const experiment = String(manifest.name ?? value.metadata?.labels?.[EXPERIMENT_OBJECT_LABEL] ?? '');
      const environment = typeof manifest.environment === 'string' ? manifest.environment : environmentOf(file, root);
      for (const query of queries) {
        if (typeof query.expr === 'string') guardrails.push({ experiment, environment, name: String(query.name ?? query.expr), expr: query.expr });
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

/** Guardrails whose answers the change may alter, one entry per guardrail and reason. */
export function guardrailsAtRisk(environments: readonly EnvironmentChanges[], head: ReadonlyMap<string, string>, findings: readonly ReviewFinding[], root = 'gitops'): GuardrailAtRisk[] {
  const guardrails = readGuardrails(head, root);
  const atRisk = new Map<string, GuardrailAtRisk>();
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
      for (const guardrail of guardrails.filter((g) => g.experiment === experiment && g.environment === env.environment)) {
        const hits = [...queryTokens(guardrail.expr)].filter((t) => tokens.has(t) || [...tokens].some((c) => t.startsWith(`${c}_`)));
        if (hits.length > 0) {
          atRisk.set(`${env.environment}/${experiment}/${guardrail.name}`, { experiment, environment: env.environment, guardrail: `${guardrail.name}: ${guardrail.expr}`, reason: `the change touches ${hits.map((h) => `\`${h}\``).join(', ')}, which the query uses` });
        }
      }
      const files = filesByExperiment.get(experiment) ?? new Set();
      for (const finding of findings.filter((f) => files.has(f.file) && /guardrail|attribute-drop|aggregation/.test(f.ruleId))) {
        atRisk.set(`${env.environment}/${experiment}/${finding.ruleId}/${finding.line}`, { experiment, environment: env.environment, guardrail: finding.ruleId, reason: `${finding.message} (${finding.file}:${finding.line})` });
      }
    }
  }
  return [...atRisk.values()];
}
