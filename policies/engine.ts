import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRuleContext, fileSystemPathExists, resolveRepoRoot } from './context';
import { collectNamedFiles, readInputFile } from './load/collect-files';
import { kustomizePatchFiles } from './load/kustomize-patches';
import { displayPath, loadDocuments, type LoadedDocument, type SourceText } from './load/load-documents';
import { registerBuiltinPacks } from './packs';
import { allRules } from './registry';
import type { Finding, Rule, RuleOptions, Severity } from './types';
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
  const sources = collectNamedFiles(paths, baseDir).map(({ file, named }) => ({ file: displayPath(file, baseDir), text: readInputFile(file, maxFileSizeBytes, displayPath(file, baseDir)), named }));
  const repoRoot = options.repoRoot ?? resolveRepoRoot(path.resolve(baseDir, paths[0] ?? '.'));
  return checkSources(sources, { ...options, repoRoot, baseDir });
}

/** Checks in-memory sources (the review bot reads them from git). */
export function checkSources(sources: readonly SourceText[], options: CheckOptions = {}): CheckReport {
  registerBuiltinPacks();
  const baseDir = options.baseDir ?? process.cwd();
  const repoRoot = options.repoRoot ?? baseDir;
  const rules = options.rules ?? allRules();
  const loaded = loadDocuments(sources);
  const patchFiles = kustomizePatchFiles(loaded);
  const documents = patchFiles.size === 0 ? loaded : loaded.filter((doc) => !patchFiles.has(doc.file));
  const ctx = createRuleContext(documents, options.ruleOptions ?? {}, options.pathExists ?? fileSystemPathExists(repoRoot));
  const raw = runRules(documents, rules, ctx);

  const waiversFile =
    options.waiversFile === false ? undefined : options.waiversFile !== undefined ? path.resolve(baseDir, options.waiversFile) : defaultWaiversFile(repoRoot);
  const waivers = waiversFile ? loadWaivers(waiversFile, new Set(rules.map((rule) => rule.id)), displayPath(waiversFile, baseDir)) : [];
  const outcome = applyWaivers(raw, waivers, options.now ?? new Date());
  const waiverFindings = outcome.waiverFindings.map((finding) => ({ ...finding, file: displayPath(finding.file, baseDir) }));
  const findings = [...outcome.findings, ...waiverFindings].sort(compareFindings);

  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  const documentsPerFile = new Map<string, number>();
  for (const source of sources) documentsPerFile.set(source.file, 0);
  for (const doc of documents) documentsPerFile.set(doc.file, (documentsPerFile.get(doc.file) ?? 0) + 1);
  const mode = options.mode ?? 'enforce';
  return {
    mode,
    findings,
    waived: outcome.waived,
    counts,
    files: sources.map((source) => source.file),
    documentsPerFile,
    documents: documents.length,
    rules,
    repoRoot,
    baseDir,
    failed: mode === 'enforce' && counts.error > 0,
  };
}

function runRules(documents: readonly LoadedDocument[], rules: readonly Rule[], ctx: ReturnType<typeof createRuleContext>): Finding[] {
  const rulesByKind = new Map<string, Rule[]>();
  const rulesFor = (kind: string): Rule[] => {
    let list = rulesByKind.get(kind);
    if (!list) rulesByKind.set(kind, (list = rules.filter((rule) => !rule.kinds || rule.kinds.includes(kind))));
    return list;
  };
  const findings: Finding[] = [];
  for (const doc of documents) {
    for (const rule of rulesFor(doc.object.kind ?? '')) {
      let results;
      try {
        results = rule.check(doc, ctx);
      } catch (error) {
        // One broken rule never ends the run: it becomes one finding for that rule on that document.
        const at = doc.locator.locate(doc.chunk, doc.chunk.pointerPrefix);
        const message = String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 300);
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
  return findings;
}

function defaultWaiversFile(repoRoot: string): string | undefined {
  const candidate = path.join(repoRoot, DEFAULT_WAIVERS_FILE);
  return fs.existsSync(candidate) ? candidate : undefined;
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}
