import type { RuleFinding, Severity } from './types';

/** One row of a rule table: when `when` holds for a subject, report `message` at `pointer`. */
export interface TableRow<T> {
  readonly when: (subject: T) => boolean;
  readonly pointer: (subject: T) => string;
  readonly message: (subject: T) => string;
  readonly fix: string;
  /** @default - the rule's severity */
  readonly severity?: Severity;
}

/** Runs a rule table over subjects: rule tables over if-chains. */
export function runTable<T>(rows: readonly TableRow<T>[], subjects: Iterable<T>): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const subject of subjects) {
    for (const row of rows) {
      if (row.when(subject)) findings.push({ pointer: row.pointer(subject), message: row.message(subject), fix: row.fix, severity: row.severity });
    }
  }
  return findings;
}

/** Escapes one RFC 6901 pointer segment. */
export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins pointer segments into an RFC 6901 pointer. */
export function pointerOf(...segments: ReadonlyArray<string | number>): string {
  return segments.map((segment) => `/${escapePointer(segment)}`).join('');
}

/** Splits an RFC 6901 pointer into segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
