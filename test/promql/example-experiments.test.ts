import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../app/cli/program';
import { checkPaths } from '../../policies';
import { createCandidateKeepsGuardrailsRule } from '../../policies/packs/guardrails';

const out = mkdtempSync(join(tmpdir(), 'phoenix-guardrails-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the guardrails pack on the example experiments', () => {
  it('catches the deliberately harmful candidate and passes the others', async () => {
    // GIVEN the example experiments synthesized for staging, where http-server-histograms runs
    // both candidates in shadow mode
    expect(await runCli(['synth', '-o', out, '--env', 'staging'])).toBe(0);
    // WHEN the guardrails rule checks the tree (from the repository root, so rule files resolve)
    const report = checkPaths([out], { rules: [createCandidateKeepsGuardrailsRule()], waiversFile: undefined, repoRoot: process.cwd() });
    // THEN route-only, which merges away the status code the error-ratio rule reads, is an error
    // at its processor, naming the rule file position; nothing else is reported as changed
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const finding of errors) {
      expect(finding.message).toMatch(/candidate 'route-only'/);
      expect(finding.message).toMatch(/checkout-slo\.rules\.yaml:\d+:\d+/);
      expect(finding.message).toMatch(/http_response_status_code/);
      expect(finding.pointer).toMatch(/\/processors\/transform~1/);
    }
    expect(report.failed).toBe(true);
  });
});
