import type { CheckResult, Verdict } from './types';

/**
 * Severity order of verdicts: a definite failure outranks missing data (so a broken guardrail is
 * not hidden by an unrelated gap), and an error (a query Prometheus keeps rejecting) outranks all.
 */
const SEVERITY: Readonly<Record<Verdict, number>> = { pass: 0, inconclusive: 1, fail: 2, error: 3 };

/** The worst of `verdicts`; `inconclusive` for none at all (nothing measured is never a pass). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict | undefined;
  for (const verdict of verdicts) {
    if (worst === undefined || SEVERITY[verdict] > SEVERITY[worst]) worst = verdict;
  }
  return worst ?? 'inconclusive';
}

/** Whether a window with this verdict counts towards promotion or rollback. */
export function isDecisive(verdict: Verdict): verdict is 'pass' | 'fail' {
  return verdict === 'pass' || verdict === 'fail';
}

/**
 * Builds a check result with every field spelled out (object spread with added fields is slow
 * in V8 on hot paths like this one).
 */
export function checkResult(
  kind: CheckResult['kind'],
  id: string,
  hard: boolean,
  verdict: Verdict,
  statistic: string,
  values: { baseline?: number | null; candidate?: number | null; difference?: number | null; threshold?: number | null },
  detail: string,
): CheckResult {
  return {
    kind,
    id,
    hard,
    verdict,
    statistic,
    baseline: values.baseline ?? null,
    candidate: values.candidate ?? null,
    difference: values.difference ?? null,
    threshold: values.threshold ?? null,
    detail,
  };
}
