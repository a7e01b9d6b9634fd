import type { FilePosition } from '../position';

/** Where a query comes from. */
export type QuerySourceKind = 'rule-file' | 'prometheus-rule' | 'grafana' | 'inline';

/** The origin of a query: file, position of the expression in the file, and its name there. */
export interface QueryOrigin {
  readonly file: string;
  /** 1-based line of the expression's first character in the file. */
  readonly line: number;
  /** 1-based column of the expression's first character in the file. */
  readonly column: number;
  readonly source: QuerySourceKind;
  /** Alert or record name, panel title, or guardrail name. @default - unnamed */
  readonly name?: string;
  /** Rule group, or dashboard title. @default - none */
  readonly group?: string;
  /** Grafana target refId. @default - none */
  readonly refId?: string;
  /** Of a rule: an alerting (`alert:`) or a recording (`record:`) rule; `name` is what it records. @default - not a rule */
  readonly rule?: 'alert' | 'record';
}

/** A query found in a source, ready to parse. */
export interface FoundQuery {
  /** The PromQL text, with Grafana macros and template variables already expanded. */
  readonly expr: string;
  /** The expression as written in the file, before expansion. */
  readonly original: string;
  readonly origin: QueryOrigin;
  /** Template variables replaced by placeholders (Grafana). */
  readonly variables: readonly string[];
  /** Maps an offset in `expr` to its line and column in the file. */
  locate(offset: number): FilePosition;
}

/** A file that could not be read as a query source, with the position of the problem. */
export interface SourceProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Queries found in one file, and why anything in it was not usable. */
export interface FoundQueries {
  readonly queries: readonly FoundQuery[];
  readonly problems: readonly SourceProblem[];
}
