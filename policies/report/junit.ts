import type { CheckReport } from '../engine';
import type { Finding } from '../types';
import { describeObject, summaryLine } from './summary';

/**
 * JUnit XML (the common Jenkins/Ant schema): one testsuite per file, one testcase per object with findings
 * (error findings are failures; warnings and info go to system-out), and one passing testcase per file
 * for the documents without findings.
 */
export function renderJunit(report: CheckReport): string {
  const byFile = new Map<string, Map<string, Finding[]>>();
  for (const file of report.files) byFile.set(file, new Map());
  for (const finding of report.findings) {
    let objects = byFile.get(finding.file);
    if (!objects) byFile.set(finding.file, (objects = new Map()));
    const key = describeObject(finding.object) || 'file';
    objects.set(key, [...(objects.get(key) ?? []), finding]);
  }
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const [file, objects] of byFile) {
    const cases: string[] = [];
    let failures = 0;
    for (const [object, findings] of objects) {
      const errors = findings.filter((finding) => finding.severity === 'error');
      const others = findings.filter((finding) => finding.severity !== 'error');
      if (errors.length > 0) failures++;
      const body = [
        ...errors.map((finding) => `      <failure type="${escape(finding.ruleId)}" message="${escape(finding.message)}">${escape(lineOf(finding))}</failure>`),
        ...(others.length > 0 ? [`      <system-out>${escape(others.map(lineOf).join('\n'))}</system-out>`] : []),
      ];
      cases.push(
        `    <testcase classname="${escape(file)}" name="${escape(object)}" file="${escape(file)}" line="${findings[0].line}">\n${body.join('\n')}\n    </testcase>`,
      );
    }
    const clean = (report.documentsPerFile.get(file) ?? 0) - objects.size;
    if (clean > 0 || cases.length === 0)
      cases.push(`    <testcase classname="${escape(file)}" name="${Math.max(clean, 0)} documents without findings" file="${escape(file)}"/>`);
    totalTests += cases.length;
    totalFailures += failures;
    suites.push(
      `  <testsuite name="${escape(file)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" file="${escape(file)}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="phoenix check: ${escape(summaryLine(report))}" tests="${totalTests}" failures="${totalFailures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function lineOf(finding: Finding): string {
  return `${finding.file}:${finding.line}:${finding.column} ${finding.severity} ${finding.ruleId}: ${finding.message} (fix: ${finding.fix})`;
}

/** Escapes text for XML attributes and content, leaving out what XML 1.0 cannot carry. */
function escape(text: string): string {
  return withoutControlCharacters(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The C0 control characters other than tab, line feed and carriage return are not allowed in XML 1.0. */
function withoutControlCharacters(text: string): string {
  let kept = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) kept += char;
  }
  return kept;
}
