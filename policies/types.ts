import type { HomeRepository } from './load/home-repository';

/** How bad a finding is: `error` fails `phoenix check` (exit 1) in enforce mode; the others only report. */
export type Severity = 'error' | 'warning' | 'info';

/** Which Kubernetes object a finding is about (empty fields for a bare collector config file). */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** One parsed document of an input file, as rules see it. */
export interface SourceDocument {
  /** The file path as given on the command line (or as named by the caller of `checkSources`). */
  readonly file: string;
  /** 0-based position of the document in its file (after `List` items are expanded). */
  readonly index: number;
  /** The parsed document: a JSON-compatible mapping. */
  readonly value: Readonly<Record<string, unknown>>;
  /** apiVersion / kind / namespace / name read from the document. */
  readonly object: ObjectRef;
  /**
   * The environment the document deploys to: a label named `environment` or ending in `/environment`,
   * else the folder after `gitops/<section>/` in its path (`gitops/clusters/prod/…` → `prod`).
   * Undefined when neither says.
   */
  readonly environment?: string;
}

/** What a rule returns: where (a JSON pointer into the document) and what; the engine adds the rest. */
export interface RuleFinding {
  /** RFC 6901 pointer into the document; it may continue into a YAML string (`/data/collector.yaml/service`). */
  readonly pointer: string;
  readonly message: string;
  /** What to change so the finding goes away. */
  readonly fix: string;
  /** Overrides the rule's severity for this finding. @default - the rule's severity */
  readonly severity?: Severity;
}

/** A finding as reported: the rule's finding located in its file. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly file: string;
  /** 1-based line of the node the pointer names (or of its nearest existing parent). */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  readonly object: ObjectRef;
  readonly pointer: string;
  readonly message: string;
  readonly fix: string;
}

/** A collector configuration found in a document: a bare config, a ConfigMap entry or an OpenTelemetryCollector. */
export interface CollectorConfigSource {
  /** The configuration exactly as the collector reads it. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Pointer to where the configuration sits in its document (`''` for a bare config file). */
  readonly pointer: string;
}

/** Tunables of the built-in rules. */
export interface RuleOptions {
  /** Shortest Flux reconcile interval accepted. @default 30 */
  readonly fluxIntervalMinSeconds?: number;
  /** Longest Flux reconcile interval accepted. @default 86400 (24 h) */
  readonly fluxIntervalMaxSeconds?: number;
  /** Environments where a detailed `debug` exporter is allowed. @default ['dev'] */
  readonly debugEnvironments?: readonly string[];
  /** The checked repository's remotes, to tell its Flux Git sources from others (ADR 0193). @default - none known */
  readonly homeRepository?: HomeRepository;
}

/** What a rule can see besides its own document: every document of the run, indexed. */
export interface RuleContext {
  /** Every document of the run, in input order (as views for rules that declare `reads`: see Rule.reads). */
  readonly documents: readonly SourceDocument[];
  /** Documents of one kind (fast: indexed once). */
  ofKind(kind: string): readonly SourceDocument[];
  /** The object of that kind and name, in that namespace when given. */
  find(kind: string, name: string, namespace?: string): SourceDocument | undefined;
  /** Collector configurations held by a document (cached). */
  collectorConfigs(doc: SourceDocument): readonly CollectorConfigSource[];
  /**
   * How many collector replicas may run a configuration held by `doc`: from the workload mounting the
   * ConfigMap (replicas, HPA maxReplicas, DaemonSet = many) or the OpenTelemetryCollector's mode/replicas/autoscaler.
   * `undefined` when nothing in the inputs says.
   */
  maxReplicas(doc: SourceDocument): number | undefined;
  /** True when `relativePath` (relative to the repository root) is an existing folder or file. */
  pathExists(relativePath: string): boolean;
  /** The rule tunables in force. */
  readonly options: Required<RuleOptions>;
}

/**
 * A policy: one file per rule. Rules read documents (never constructs) and return findings.
 * `kinds` lets the engine skip documents quickly; leave it out to see every document
 * (use `''` for documents without a kind, such as a bare collector config).
 */
export interface Rule {
  /** `<pack>/<name>`, stable: waivers and SARIF refer to it. */
  readonly id: string;
  readonly severity: Severity;
  /** One sentence: what the rule protects against. */
  readonly description: string;
  /** Kinds the rule looks at. @default - every document */
  readonly kinds?: readonly string[];
  /**
   * What the rule reads besides the document it checks, so that the engine keeps no more than that
   * (ADR 0163). `'document'`: nothing else (`ctx.collectorConfigs`, `ctx.pathExists` and
   * `ctx.options` only); the rule runs on each document right after its file is parsed. A
   * {@link CrossObjectReads}: the rule runs once every file is parsed, on views of the documents
   * that hold only the declared fields.
   * @default - every document in full, of every kind (as rules written before this field expect)
   */
  readonly reads?: 'document' | CrossObjectReads;
  check(doc: SourceDocument, ctx: RuleContext): readonly RuleFinding[];
}

/**
 * Kind → the fields a cross-object rule reads of documents of that kind, as dotted paths into the
 * document (`'spec.dependsOn'`; `''` for the whole document). The rule's own kinds are among them.
 * `ctx.documents`, `ctx.ofKind` and `ctx.find` see every document of the run, as a view: its
 * `object`, `environment`, `apiVersion` and `kind`, and of declared kinds the declared fields
 * (the union over the run's cross-object rules).
 */
export type CrossObjectReads = Readonly<Record<string, readonly string[]>>;

/** A named set of rules, registered with `registerPack`. */
export interface RulePack {
  readonly name: string;
  readonly description: string;
  readonly rules: readonly Rule[];
}
