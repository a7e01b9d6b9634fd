import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDocumentContext, createRuleContext, fileSystemPathExists, resolveRepoRoot } from './context';
import { planViews, viewOf } from './document-views';
import { collectNamedFiles, readInputFile } from './load/collect-files';
import { kustomizePatchFiles } from './load/kustomize-patches';
import { displayPath, loadDocuments, type LoadedDocument, type SourceText } from './load/load-documents';
import { registerBuiltinPacks } from './packs';
import { allRules } from './registry';
import type { Finding, Rule, RuleContext, RuleOptions, Severity } from './types';
import { applyWaivers, type WaivedFinding } from './waivers/apply-waivers';
import { loadWaivers } from './waivers/load-waivers';

/** `enforce` fails on error findings; `audit` reports them and passes. */
export type CheckMode = 'enforce' | 'audit';

/** The default waivers file, used when present. */
export const DEFAULT_WAIVERS_FILE = '.phoenix/waivers.yaml';
/** The default per-file size limit. */
export const DEFAULT_MAX_FILE_SIZE_BYTES = 64 * 2 ** 20;

/** How to run a check. */
export interface CheckOptions {
  /** @default 'enforce' */
  readonly mode?: CheckMode;
  /** Waivers file, or `false` for none. @default - `.phoenix/waivers.yaml` under the repository root when it exists */
  readonly waiversFile?: string | false;
  /** Files over this size are an input error. @default 64 MiB */
  readonly maxFileSizeBytes?: number;
  /** Today, for waiver expiry. @default - the current time */
  readonly now?: Date;
  /** The rules to run. @default - every registered pack */
  readonly rules?: readonly Rule[];
  /** Tunables of the built-in rules. @default - see DEFAULT_RULE_OPTIONS */
  readonly ruleOptions?: RuleOptions;
  /** Root for Flux `path` checks and the default waivers file. @default - the git repository holding the first input (see resolveRepoRoot); an input error when there is none */
  readonly repoRoot?: string;
  /** Overrides the file-system check of repository paths (the review bot checks a git tree). @default - the file system under repoRoot */
  readonly pathExists?: (relativePath: string) => boolean;
  /** Folder that reported file paths are relative to. @default process.cwd() */
  readonly baseDir?: string;
}

/** Counts of findings by severity. */
export type SeverityCounts = Record<Severity, number>;

/** Everything a report needs. */
export interface CheckReport {
  readonly mode: CheckMode;
  /** Findings still in force after waivers, sorted by file, line, column, rule. */
  readonly findings: readonly Finding[];
  readonly waived: readonly WaivedFinding[];
  readonly counts: SeverityCounts;
  /** Files checked (display paths) and how many documents they held. */
  readonly files: readonly string[];
  readonly documentsPerFile: ReadonlyMap<string, number>;
  readonly documents: number;
  readonly rules: readonly Rule[];
  readonly repoRoot: string;
  readonly baseDir: string;
  /** True when the check should fail: error findings in enforce mode. */
  readonly failed: boolean;
}

/** Checks files and folders (recursively: *.yaml, *.yml, *.json). Throws PolicyInputError (exit 2) for bad input. */
export function checkPaths(paths: readonly string[], options: CheckOptions = {}): CheckReport {
  const baseDir = options.baseDir ?? process.cwd();
  const maxFileSizeBytes = options.maxFileSizeBytes ?? DEFAULT_MAX_FILE_SIZE_BYTES;
  const sources = collectNamedFiles(paths, baseDir).map(({ file, named }) => ({
    file: displayPath(file, baseDir),
    text: readInputFile(file, maxFileSizeBytes, displayPath(file, baseDir)),
    named,
  }));
  const repoRoot = options.repoRoot ?? resolveRepoRoot(path.resolve(baseDir, paths[0] ?? '.'));
  return checkSources(sources, { ...options, repoRoot, baseDir });
}

/** Checks in-memory sources (the review bot reads them from git). */
export function checkSources(sources: readonly SourceText[], options: CheckOptions = {}): CheckReport {
  registerBuiltinPacks();
  const baseDir = options.baseDir ?? process.cwd();
  const repoRoot = options.repoRoot ?? baseDir;
  const rules = options.rules ?? allRules();
  const { raw, documentsPerFile, documents } = runRules(sources, rules, options.ruleOptions ?? {}, options.pathExists ?? fileSystemPathExists(repoRoot));

  const waiversFile =
    options.waiversFile === false ? undefined : options.waiversFile !== undefined ? path.resolve(baseDir, options.waiversFile) : defaultWaiversFile(repoRoot);
  const waivers = waiversFile ? loadWaivers(waiversFile, new Set(rules.map((rule) => rule.id)), displayPath(waiversFile, baseDir)) : [];
  const outcome = applyWaivers(raw, waivers, options.now ?? new Date());
  const waiverFindings = outcome.waiverFindings.map((finding) => ({ ...finding, file: displayPath(finding.file, baseDir) }));
  const findings = [...outcome.findings, ...waiverFindings].sort(compareFindings);

  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  const mode = options.mode ?? 'enforce';
  return {
    mode,
    findings,
    waived: outcome.waived,
    counts,
    files: sources.map((source) => source.file),
    documentsPerFile,
    documents,
    rules,
    repoRoot,
    baseDir,
    failed: mode === 'enforce' && counts.error > 0,
  };
}

/**
 * Runs the rules file by file (ADR 0163): rules that read only their own document run right after
 * each file is parsed; of each document, only the view the cross-object rules declared is kept, and
 * those rules run once every file is parsed. Throws PolicyInputError for malformed input.
 */
function runRules(
  sources: readonly SourceText[],
  rules: readonly Rule[],
  ruleOptions: RuleOptions,
  pathExists: (relativePath: string) => boolean,
): { raw: Finding[]; documentsPerFile: Map<string, number>; documents: number } {
  const perDocument = rules.filter((rule) => rule.reads === 'document');
  const crossObject = rules.filter((rule) => rule.reads !== 'document');
  const plan = planViews(crossObject);
  const keep = crossObject.length > 0;
  const kept: LoadedDocument[] = [];
  const documentsPerFile = new Map<string, number>();
  for (const source of sources) documentsPerFile.set(source.file, 0);
  const findings: Finding[] = [];
  const ownDocumentContext = createDocumentContext(ruleOptions, pathExists);
  const perDocumentFor = rulesByKind(perDocument);
  let documents = 0;
  // kustomize reads only files of these names; the patches they name are not objects (ADR 0190)
  const patchFiles = kustomizePatchFiles(loadDocuments(sources.filter((source) => KUSTOMIZATION_FILE.test(source.file))));
  for (const source of sources) {
    const loaded = loadDocuments([source]);
    if (patchFiles.has(source.file)) continue;
    documents += loaded.length;
    documentsPerFile.set(source.file, (documentsPerFile.get(source.file) ?? 0) + loaded.length);
    for (const doc of loaded) {
      runOn(doc, perDocumentFor(doc.object.kind ?? ''), ownDocumentContext, findings);
      if (keep) kept.push(viewOf(doc, plan));
    }
  }
  if (crossObject.length > 0) {
    const ctx = createRuleContext(kept, ruleOptions, pathExists);
    const crossObjectFor = rulesByKind(crossObject);
    for (const doc of kept) runOn(doc, crossObjectFor(doc.object.kind ?? ''), ctx, findings);
  }
  return { raw: findings, documentsPerFile, documents };
}

/** The file names kustomize reads as a kustomization. */
const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/** The rules that look at documents of a kind, computed once per kind. */
function rulesByKind(rules: readonly Rule[]): (kind: string) => readonly Rule[] {
  const byKind = new Map<string, Rule[]>();
  return (kind) => {
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = rules.filter((rule) => !rule.kinds || rule.kinds.includes(kind))));
    return list;
  };
}

function runOn(doc: LoadedDocument, rules: readonly Rule[], ctx: RuleContext, findings: Finding[]): void {
  for (const rule of rules) {
    let results;
    try {
      results = rule.check(doc, ctx);
    } catch (error) {
      // One broken rule never ends the run: it becomes one finding for that rule on that document.
      const at = doc.locator.locate(doc.chunk, doc.chunk.pointerPrefix);
      const message = String((error as Error)?.message ?? error)
        .split('\n')[0]!
        .slice(0, 300);
      findings.push({
        ruleId: rule.id,
        severity: 'error',
        file: doc.file,
        line: at.line,
        column: at.column,
        object: doc.object,
        pointer: doc.chunk.pointerPrefix,
        message: `the rule could not check this document: ${message}`,
        fix: 'fix the document where it is malformed; if it is valid, report this as a bug in Phoenix with the document',
      });
      continue;
    }
    for (const result of results) {
      const pointer = doc.chunk.pointerPrefix + result.pointer;
      const at = doc.locator.locate(doc.chunk, pointer);
      findings.push({
        ruleId: rule.id,
        severity: result.severity ?? rule.severity,
        file: doc.file,
        line: at.line,
        column: at.column,
        object: doc.object,
        pointer,
        message: result.message,
        fix: result.fix,
      });
    }
  }
}

function defaultWaiversFile(repoRoot: string): string | undefined {
  const candidate = path.join(repoRoot, DEFAULT_WAIVERS_FILE);
  return fs.existsSync(candidate) ? candidate : undefined;
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}
