/**
 * Phoenix policies: the engine behind `phoenix check`, its rule packs, schemas and report formats.
 * Other areas use: `checkPaths` / `checkSources` (run), `renderMarkdown` (review bot),
 * `registerPack` + the `Rule` types (more packs, e.g. guardrails).
 */
export { checkPaths, checkSources, DEFAULT_MAX_FILE_SIZE_BYTES, DEFAULT_WAIVERS_FILE } from './engine';
export type { CheckMode, CheckOptions, CheckReport, SeverityCounts } from './engine';
export { findRepoRoot, resolveRepoRoot } from './context';
export { registerPack, registeredPacks, allRules } from './registry';
export { registerBuiltinPacks } from './packs';
export type { CollectorConfigSource, Finding, ObjectRef, Rule, RuleContext, RuleFinding, RuleOptions, RulePack, Severity, SourceDocument } from './types';
export { runTable, pointerOf, escapePointer, type TableRow } from './rule-table';
export { PolicyInputError } from './errors';
export type { SourceText } from './load/load-documents';
export { homeRepositoryOf, normalizeGitUrl, type HomeRepository } from './load/home-repository';
export {
  REPORT_FORMATS,
  renderReport,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderSarif,
  renderText,
  shouldColor,
  describeObject,
  summaryLine,
} from './report';
export type { ReportFormat } from './report';
export type { MarkdownReportOptions } from './report/markdown';
export type { WaivedFinding } from './waivers/apply-waivers';
export type { Waiver } from './waivers/load-waivers';
export { parseGoDuration } from './packs/flux/flux-objects';
export { createCollectorLoadsRule, type CollectorValidator } from './packs/collector/loads';
