/**
 * The review report: what a pull request changes in each cluster, the policy verdict on its head
 * and the cost it is expected to move. `phoenix review` prints it; the bot posts it.
 */

import type { EnvironmentDiff } from '../../../generators/tree-diff';

/** How one object changes between the base and head trees. */
export type ChangeKind = 'added' | 'changed' | 'removed';

/** Where a Kubernetes object (or kustomize file) of a `gitops/` tree is. */
export interface ObjectLocation {
  readonly environment: string;
  /** `Kind/namespace/name`. */
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The file (of a change: head's for added/changed, base's for removed) and 1-based line of the object. */
  readonly file: string;
  readonly line: number;
  /** The experiment the object belongs to, from its path or `phoenix.dev/experiment` label. @default - none */
  readonly experiment?: string;
}

/** One Kubernetes object (or kustomize file) that differs between base and head. */
export interface ObjectChange extends ObjectLocation {
  readonly change: ChangeKind;
  /** Compact unified YAML diff, Secret values masked. */
  readonly diff: string;
}

/** The changes of one environment. */
export type EnvironmentChanges = EnvironmentDiff<ObjectChange>;

/** A policy finding on the head tree, as the review shows it. */
export interface ReviewFinding {
  readonly ruleId: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly message: string;
  readonly fix?: string;
}

/** A finding on the head tree that a waiver suppressed: the review relied on it, so it shows it. */
export interface ReviewWaivedFinding {
  readonly ruleId: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly file: string;
  readonly line: number;
  /** `Kind namespace/name` of the object, or `-` for a bare collector config. */
  readonly object: string;
  /** RFC 6901 pointer of the field the finding is about. @default - the whole object */
  readonly pointer?: string;
  readonly message: string;
  /** The waiver: why, who owns it, until when, and where it is written. */
  readonly waiver: { readonly reason: string; readonly owner: string; readonly expires: string; readonly file: string; readonly line: number };
}

/** Estimated cost change of one changed experiment in one environment. */
export interface CostChange {
  readonly experiment: string;
  readonly environment: string;
  /** Monthly cost before (base) and after (head), decimal strings. */
  readonly monthlyBefore?: string;
  readonly monthlyAfter?: string;
  /** after − before, decimal string (negative is a saving). */
  readonly monthlyDelta: string;
  readonly currency: string;
  /** Where the figures come from (`snapshot FILE`, `prometheus URL`). */
  readonly source: string;
}

/** A guardrail query whose answer the change may alter. */
export interface GuardrailAtRisk {
  readonly experiment: string;
  readonly environment: string;
  readonly guardrail: string;
  /**
   * `broken`: the assessment `phoenix estimate` makes says a candidate changes the answer (or a
   * policy error says so); `possibly-changed`: it cannot tell, and `reason` says why.
   */
  readonly verdict: 'broken' | 'possibly-changed';
  readonly reason: string;
}

/** How many guardrails the change touches whose answers every candidate keeps (listed by count only). */
export interface GuardrailsUnaffected {
  readonly experiment: string;
  readonly environment: string;
  readonly count: number;
}

/** The whole review. */
export interface ReviewReport {
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly ref: string; readonly commit: string };
  readonly environments: readonly EnvironmentChanges[];
  readonly findings: readonly ReviewFinding[];
  /** Findings the head's waivers suppressed (the verdict relies on them). */
  readonly waived: readonly ReviewWaivedFinding[];
  /** Cost changes; undefined when no cost source is configured. */
  readonly cost?: readonly CostChange[];
  /** Why cost is missing, when it is. @default - cost present */
  readonly costUnavailable?: string;
  readonly guardrails: readonly GuardrailAtRisk[];
  /** Guardrails the change touches that the assessment finds unaffected, counted per experiment and environment. */
  readonly guardrailsUnaffected: readonly GuardrailsUnaffected[];
  readonly summary: ReviewSummary;
}

/** Counts for titles and conclusions. */
export interface ReviewSummary {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly errors: number;
  readonly warnings: number;
  /** Experiments with at least one changed object. */
  readonly changedExperiments: readonly string[];
}
