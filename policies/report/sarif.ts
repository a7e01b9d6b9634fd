import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { CheckReport } from '../engine';
import type { Finding, Rule, Severity } from '../types';
import { describeObject, withObject } from './summary';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
const WAIVER_RULES: Rule[] = [
  { id: 'waiver/expired', severity: 'error', description: 'Waivers past their expiry date suppress nothing and must be renewed or removed.', check: () => [] },
  { id: 'waiver/unused', severity: 'warning', description: 'Waivers that suppress no finding should be removed.', check: () => [] },
];
const { version } = require('../../package.json') as { version: string };

/**
 * SARIF 2.1.0 for GitHub code scanning: every rule under tool.driver.rules, results with ruleId, ruleIndex,
 * level, message and a physical location relative to the repository root, and a partial fingerprint that
 * survives line moves (rule, file, object, pointer).
 */
export function renderSarif(report: CheckReport): string {
  const rules = [...report.rules, ...WAIVER_RULES];
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'phoenix-check',
            version,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/[/-](\w)/g, (_, letter: string) => letter.toUpperCase()),
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.description },
              help: { text: rule.description, markdown: `**${rule.id}**: ${rule.description}` },
              defaultConfiguration: { level: LEVELS[rule.severity] },
              properties: { tags: [rule.id.split('/')[0]] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: `file://${toPosix(report.repoRoot).replace(/\/?$/, '/')}` } },
        results: report.findings.map((finding) => resultOf(finding, report, ruleIndex.get(finding.ruleId) ?? 0)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function resultOf(finding: Finding, report: CheckReport, index: number) {
  const uri = toPosix(path.relative(report.repoRoot, path.resolve(report.baseDir, finding.file)));
  return {
    ruleId: finding.ruleId,
    ruleIndex: index,
    level: LEVELS[finding.severity],
    message: { text: `${withObject(finding.object, finding.message)}. Fix: ${finding.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: 'SRCROOT' },
          region: { startLine: finding.line, startColumn: finding.column },
        },
      },
    ],
    partialFingerprints: {
      phoenixFinding: createHash('sha256')
        .update(`${finding.ruleId}\u0000${uri}\u0000${describeObject(finding.object)}\u0000${finding.pointer}`)
        .digest('hex')
        .slice(0, 32),
    },
    properties: { pointer: finding.pointer, fix: finding.fix },
  };
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}
