import type { CheckReport } from '../engine';

/** Version of the JSON report format; bumped on incompatible changes. */
export const JSON_REPORT_VERSION = 1;

/** The machine-readable report: findings, waived findings, counts. */
export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(
    {
      version: JSON_REPORT_VERSION,
      mode: report.mode,
      failed: report.failed,
      counts: report.counts,
      documents: report.documents,
      files: report.files.length,
      findings: report.findings,
      waived: report.waived.map(({ finding, waiver }) => ({
        finding,
        waiver: {
          rule: waiver.rule,
          selector: waiver.selector,
          owner: waiver.owner,
          reason: waiver.reason,
          expires: waiver.expires,
          file: waiver.file,
          line: waiver.line,
        },
      })),
    },
    null,
    2,
  )}\n`;
}
