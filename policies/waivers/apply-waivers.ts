import type { Finding } from '../types';
import type { Waiver } from './load-waivers';

/** A finding a waiver suppressed, with the waiver that did. */
export interface WaivedFinding {
  readonly finding: Finding;
  readonly waiver: Waiver;
}

/** The outcome of applying waivers: what is still reported, what was waived, and findings about waivers. */
export interface WaiverOutcome {
  readonly findings: Finding[];
  readonly waived: WaivedFinding[];
  /** `waiver/expired` (error) and `waiver/unused` (warning). */
  readonly waiverFindings: Finding[];
}

/**
 * Applies waivers. An expired waiver suppresses nothing and is an error; a waiver counts only when it
 * suppressed a finding, and one that suppressed nothing is reported as unused.
 */
export function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[], now: Date): WaiverOutcome {
  const today = now.toISOString().slice(0, 10);
  const active = waivers.filter((waiver) => waiver.expires >= today);
  const used = new Set<Waiver>();
  const kept: Finding[] = [];
  const waived: WaivedFinding[] = [];
  for (const finding of findings) {
    const waiver = active.find((candidate) => matches(candidate, finding));
    if (waiver) {
      used.add(waiver);
      waived.push({ finding, waiver });
    } else {
      kept.push(finding);
    }
  }
  const waiverFindings: Finding[] = [];
  for (const waiver of waivers) {
    const base = { file: waiver.file, line: waiver.line, column: waiver.column, object: {}, pointer: `/waivers` };
    if (waiver.expires < today) {
      waiverFindings.push({
        ...base,
        ruleId: 'waiver/expired',
        severity: 'error',
        message: `waiver for ${waiver.rule} (owner ${waiver.owner}) expired on ${waiver.expires}; the findings it covered are reported again`,
        fix: 'fix the findings and delete the waiver, or agree a new expiry date with its owner',
      });
    } else if (!used.has(waiver)) {
      waiverFindings.push({
        ...base,
        ruleId: 'waiver/unused',
        severity: 'warning',
        message: `waiver for ${waiver.rule} (owner ${waiver.owner}) matches no finding`,
        fix: 'delete the waiver, or correct its rule id and selector',
      });
    }
  }
  return { findings: kept, waived, waiverFindings };
}

function matches(waiver: Waiver, finding: Finding): boolean {
  if (waiver.rule !== finding.ruleId) return false;
  const { kind, namespace } = waiver.selector;
  if (kind !== undefined && kind !== finding.object.kind) return false;
  if (namespace !== undefined && namespace !== finding.object.namespace) return false;
  if (waiver.selector.name !== undefined && !waiver.matchName(finding.object.name ?? '')) return false;
  return waiver.matchFile(finding.file) && waiver.matchPointer(finding.pointer);
}
