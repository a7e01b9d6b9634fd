import type { CheckReport } from '../engine';
import type { Finding, Severity } from '../types';
import { describeObject, summaryLine } from './summary';

/** Options of the markdown report. */
export interface MarkdownReportOptions {
  /** Most findings listed before "and N more". @default 50 */
  readonly maxFindings?: number;
  /** Turns a file and line into a link (the review bot links to the pull request's head). @default - no links */
  readonly linkTo?: (file: string, line: number) => string;
  /** Heading level of the title. @default 3 */
  readonly headingLevel?: number;
}

const ICONS: Record<Severity, string> = { error: '🔴', warning: '🟡', info: '🔵' };

/**
 * The policy verdict as markdown for pull-request comments: a verdict line, counts, a table of findings
 * (errors first), and waived findings folded away.
 */
export function renderMarkdown(report: CheckReport, options: MarkdownReportOptions = {}): string {
  const max = options.maxFindings ?? 50;
  const heading = '#'.repeat(options.headingLevel ?? 3);
  const verdict = report.counts.error === 0 ? '✅ policies pass' : report.failed ? '❌ policies fail' : '⚠️ policies report errors (audit mode)';
  const lines = [`${heading} ${verdict}`, '', summaryLine(report), ''];
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const sorted = [...report.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  if (sorted.length > 0) {
    lines.push('| | where | object | finding | rule |', '|---|---|---|---|---|');
    for (const finding of sorted.slice(0, max)) lines.push(row(finding, options));
    if (sorted.length > max) lines.push('', `…and ${sorted.length - max} more (run \`phoenix check\` for all).`);
    lines.push('');
  }
  if (report.waived.length > 0) {
    lines.push(`<details><summary>${report.waived.length} waived</summary>`, '');
    for (const { finding, waiver } of report.waived) {
      lines.push(
        `- \`${finding.ruleId}\` ${cell(describeObject(finding.object) || finding.file)} — owner ${cell(waiver.owner)}, until ${waiver.expires}: ${cell(waiver.reason)}`,
      );
    }
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n')}`;
}

function row(finding: Finding, options: MarkdownReportOptions): string {
  const place = `${finding.file}:${finding.line}`;
  const where = options.linkTo ? `[${cell(place)}](${options.linkTo(finding.file, finding.line)})` : `\`${cell(place)}\``;
  return `| ${ICONS[finding.severity]} | ${where} | ${cell(describeObject(finding.object) || '—')} | ${cell(finding.message)}<br>*fix:* ${cell(finding.fix)} | \`${finding.ruleId}\` |`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}
