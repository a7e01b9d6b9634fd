import type { CheckReport } from '../engine';
import { renderJson } from './json';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';
import { renderSarif } from './sarif';
import { renderText } from './text';

/** Report formats of `phoenix check`. */
export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a report in one of the formats. */
export function renderReport(report: CheckReport, format: ReportFormat, options: { color?: boolean } = {}): string {
  switch (format) {
    case 'text':
      return renderText(report, options);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
  }
}

export { renderJson, renderJunit, renderMarkdown, renderSarif, renderText };
export { shouldColor } from './text';
export { describeObject, summaryLine, withObject } from './summary';
