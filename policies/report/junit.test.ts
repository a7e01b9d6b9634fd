import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../engine';
import type { Finding } from '../types';
import { renderJunit } from './junit';

function reportWith(finding: Finding): CheckReport {
  return {
    mode: 'enforce',
    findings: [finding],
    waived: [],
    counts: { error: 1, warning: 0, info: 0 },
    files: [finding.file],
    documentsPerFile: new Map([[finding.file, 1]]),
    documents: 1,
    rules: [],
    repoRoot: '/repo',
    baseDir: '/repo',
    failed: true,
  };
}

describe('renderJunit', () => {
  it('leaves out the control characters XML cannot carry and escapes markup, keeping tabs and line breaks', () => {
    // GIVEN a finding whose message holds C0 control characters, markup, a tab and a line break
    const finding: Finding = {
      ruleId: 'collector/x',
      severity: 'error',
      file: 'gitops/a&b.yaml',
      line: 3,
      column: 1,
      object: { kind: 'ConfigMap', name: 'c' },
      pointer: '/data',
      message: 'bad \u0000\u0001\u0008\u000b\u000c\u001f<value> "q"\tand\nmore',
      fix: 'fix it',
    };
    // WHEN it is rendered as JUnit XML
    const xml = renderJunit(reportWith(finding));
    // THEN the control characters are gone, the rest is escaped, and xmllint reads the document
    expect(xml).toContain('message="bad &lt;value&gt; &quot;q&quot;\tand\nmore"');
    expect(xml).toContain('classname="gitops/a&amp;b.yaml"');
    expect([...xml].filter((char) => char < ' ' && !'\t\n\r'.includes(char))).toEqual([]);
    expect(execFileSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' })).toBe('');
  });
});
