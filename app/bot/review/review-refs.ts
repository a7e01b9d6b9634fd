import { checkHeadTree, WAIVERS_FILE, type HeadTreeChecker } from './check-head-tree';
import { diffGitopsTrees } from './diff-gitops-trees';
import { guardrailsAtRisk } from './guardrails-at-risk';
import { allPathsOf, listCommittedFiles, readBlobs, resolveCommit } from '../../../clients/git/committed-tree';
import type { CostChange, EnvironmentChanges, ReviewFinding, ReviewReport } from './types';
import type { Series } from '../../../analysis/series';

/**
 * The review of one pull request (or any two refs): reads the committed `gitops/` trees of base and
 * head from git — nothing is synthesized and nothing from the pull request runs — and composes the
 * per-environment object diff, the policy findings on head, the cost change of each changed
 * experiment and the guardrails at risk.
 */

/** What a cost estimator gets: both trees and the experiments that changed. */
export interface CostEstimateInput {
  readonly base: ReadonlyMap<string, string>;
  readonly head: ReadonlyMap<string, string>;
  readonly changed: ReadonlyArray<{ readonly environment: string; readonly experiment: string }>;
  /** Experiment state files (`experiments/<name>.state.yaml` → text) at base and head. */
  readonly baseStates?: ReadonlyMap<string, string>;
  readonly headStates?: ReadonlyMap<string, string>;
}

/** Estimates cost changes; returns why it cannot when its data is missing. */
export type CostEstimator = (input: CostEstimateInput) => Promise<{ readonly changes: readonly CostChange[] } | { readonly unavailable: string }>;

/** Options of `reviewRefs`. */
export interface ReviewRefsOptions {
  /** A git repository (work dir or bare) holding both commits. */
  readonly repoDir: string;
  readonly base: string;
  readonly head: string;
  /** The synthesized tree's folder. @default 'gitops' */
  readonly treeFolder?: string;
  /** Policy check of the head tree. @default - the policy engine (`phoenix check`) */
  readonly check?: HeadTreeChecker;
  /** Cost source. @default - none: the report says cost is not configured */
  readonly estimateCost?: CostEstimator;
  /** Series to judge the guardrails at risk over (the snapshot of the cost source). @default - series made from the guardrails */
  readonly assessmentSeries?: readonly Series[];
}

function filesOf(listed: ReadonlyMap<string, string>, texts: ReadonlyMap<string, string>, pattern = /./): Map<string, string> {
  return new Map([...listed].filter(([file]) => pattern.test(file)).map(([file, blob]) => [file, texts.get(blob) ?? '']));
}

const STATE_FILE = /^experiments\/[^/]+\.state\.yaml$/;

/** Reviews `head` against `base`. */
export async function reviewRefs(options: ReviewRefsOptions): Promise<ReviewReport> {
  const folder = options.treeFolder ?? 'gitops';
  const [baseCommit, headCommit] = await Promise.all([resolveCommit(options.repoDir, options.base), resolveCommit(options.repoDir, options.head)]);
  const [baseListed, headListed, waiversListed, baseStateListed, headStateListed] = await Promise.all([
    listCommittedFiles(options.repoDir, baseCommit, folder),
    listCommittedFiles(options.repoDir, headCommit, folder),
    listCommittedFiles(options.repoDir, headCommit, WAIVERS_FILE),
    listCommittedFiles(options.repoDir, baseCommit, 'experiments'),
    listCommittedFiles(options.repoDir, headCommit, 'experiments'),
  ]);
  const stateBlobs = [...baseStateListed, ...headStateListed].filter(([file]) => STATE_FILE.test(file)).map(([, blob]) => blob);
  const texts = await readBlobs(options.repoDir, [...baseListed.values(), ...headListed.values(), ...waiversListed.values(), ...stateBlobs]);
  const baseFiles = filesOf(baseListed, texts);
  const headFiles = filesOf(headListed, texts);

  const { environments, problems } = diffGitopsTrees(baseFiles, headFiles, folder);
  const check = options.check ?? checkHeadTree;
  const waiversBlob = waiversListed.get(WAIVERS_FILE);
  const checked = check({
    files: headFiles,
    allPaths: await allPathsOf(options.repoDir, headCommit),
    waiversText: waiversBlob ? texts.get(waiversBlob) : undefined,
  });
  const findings: ReviewFinding[] = [...checked.findings, ...problems.filter((p) => p.startsWith('head ')).map(problemFinding)];
  const dedupedFindings = dedupe(findings);

  const changed = changedExperiments(environments);
  let cost: readonly CostChange[] | undefined;
  let costUnavailable: string | undefined;
  if (!options.estimateCost) costUnavailable = 'no cost source configured (pass --snapshot FILE, --prometheus URL or --cost-snapshot FILE)';
  else if (changed.length > 0) {
    const estimate = await options.estimateCost({
      base: baseFiles,
      head: headFiles,
      changed,
      baseStates: filesOf(baseStateListed, texts, STATE_FILE),
      headStates: filesOf(headStateListed, texts, STATE_FILE),
    });
    if ('unavailable' in estimate) costUnavailable = estimate.unavailable;
    else cost = estimate.changes;
  } else cost = [];

  const guardrails = guardrailsAtRisk(environments, headFiles, dedupedFindings, {
    root: folder,
    ...(options.assessmentSeries ? { series: options.assessmentSeries } : {}),
  });
  const count = (kind: 'added' | 'changed' | 'removed') => environments.reduce((sum, env) => sum + env[kind].length, 0);
  return {
    base: { ref: options.base, commit: baseCommit },
    head: { ref: options.head, commit: headCommit },
    environments,
    findings: dedupedFindings,
    waived: checked.waived,
    cost,
    costUnavailable,
    guardrails: guardrails.atRisk,
    guardrailsUnaffected: guardrails.unaffected,
    summary: {
      added: count('added'),
      changed: count('changed'),
      removed: count('removed'),
      errors: dedupedFindings.filter((f) => f.severity === 'error').length,
      warnings: dedupedFindings.filter((f) => f.severity === 'warning').length,
      changedExperiments: [...new Set(changed.map((c) => c.experiment))].sort(),
    },
  };
}

function problemFinding(problem: string): ReviewFinding {
  const located = /^head ([^:]+?)(?::(\d+))?: (.*)$/.exec(problem);
  return {
    ruleId: 'phoenix/input',
    severity: 'error',
    file: located?.[1] ?? '',
    line: Number(located?.[2] ?? 1),
    message: located?.[3] ?? problem,
    fix: 'make the file valid YAML (re-run phoenix synth)',
  };
}

function dedupe(findings: readonly ReviewFinding[]): ReviewFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\0${f.file}\0${f.line}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** (environment, experiment) pairs with at least one added, changed or removed object. */
export function changedExperiments(environments: readonly EnvironmentChanges[]): Array<{ environment: string; experiment: string }> {
  const pairs = new Map<string, { environment: string; experiment: string }>();
  for (const env of environments) {
    for (const change of [...env.added, ...env.changed, ...env.removed]) {
      if (change.experiment) pairs.set(`${env.environment}/${change.experiment}`, { environment: env.environment, experiment: change.experiment });
    }
  }
  return [...pairs.values()];
}
