import type { CheckReport } from '../engine';
import type { Finding, Severity } from '../types';
import { summaryLine, withObject } from './summary';

const COLOURS: Record<Severity | 'dim' | 'bold', string> = {
  error: '\u001b[31m',
  warning: '\u001b[33m',
  info: '\u001b[36m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
};
const RESET = '\u001b[0m';

/** Options of the text report. */
export interface TextReportOptions {
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

/** The terminal report: findings grouped by file, one line each plus its fix, then a summary. */
export function renderText(report: CheckReport, options: TextReportOptions = {}): string {
  const paint = (style: keyof typeof COLOURS, text: string) => (options.color ? `${COLOURS[style]}${text}${RESET}` : text);
  const byFile = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    let list = byFile.get(finding.file);
    if (!list) byFile.set(finding.file, (list = []));
    list.push(finding);
  }
  const lines: string[] = [];
  for (const [file, findings] of byFile) {
    lines.push(paint('bold', file));
    for (const finding of findings) {
      const where = `${finding.line}:${finding.column}`.padEnd(8);
      lines.push(
        `  ${where} ${paint(finding.severity, finding.severity.padEnd(7))} ${withObject(finding.object, finding.message)}  ${paint('dim', finding.ruleId)}`,
      );
      lines.push(`  ${' '.repeat(8)} ${paint('dim', `fix: ${finding.fix}`)}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

/** Whether to colour: a TTY, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
