import { InputError } from '../../../analysis/input-error';
import { readManifestsInYaml } from '../../../constructs/experiment/read-manifest';
import type { ExperimentManifest } from '../../../constructs/experiment/manifest';
import type { EnvironmentChanges, GuardrailAtRisk, ReviewFinding } from './types';

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
 */

const IGNORED_TOKENS = new Set(['key', 'keys', 'action', 'delete', 'insert', 'update', 'upsert', 'include', 'exclude', 'match_type', 'strict', 'regexp', 'metrics', 'metric', 'name', 'names', 'value', 'values', 'attributes', 'processors', 'pipelines', 'exporters', 'receivers', 'service', 'data', 'true', 'false', 'null', 'sum', 'rate', 'by', 'without', 'and', 'or', 'unless', 'phase', 'expr', 'guardrails', 'queries']);

interface Guardrail {
  readonly experiment: string;
  readonly environment: string;
  readonly name: string;
  readonly expr: string;
}

function readGuardrails(head: ReadonlyMap<string, string>): Guardrail[] {
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

/** Guardrails whose answers the change may alter, one entry per guardrail and reason. */
export function guardrailsAtRisk(environments: readonly EnvironmentChanges[], head: ReadonlyMap<string, string>, findings: readonly ReviewFinding[]): GuardrailAtRisk[] {
  const guardrails = readGuardrails(head);
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
