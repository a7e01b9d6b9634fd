import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSources, registerBuiltinPacks, registeredPacks, type Finding } from '../../policies';

const FIXTURES = path.join(__dirname, 'fixtures', 'rules');
const REPO = path.join(__dirname, 'fixtures', 'repo');

interface Expectation {
  readonly ruleId: string;
  readonly object: string;
  readonly line: number;
  readonly severity?: string;
}

/** Reads `# expect: <rule> <Kind>/<name> [severity]` declarations (several joined by ` ; `) with their line. */
function expectationsOf(text: string): Expectation[] {
  return text.split('\n').flatMap((content, index) => {
    const match = /#\s*expect:\s*(.+)$/.exec(content);
    if (!match) return [];
    return match[1].split(' ; ').map((entry) => {
      const [ruleId, object, severity] = entry.trim().split(/\s+/);
      return { ruleId, object, line: index + 1, ...(severity ? { severity } : {}) };
    });
  });
}

function describeFinding(finding: Finding, withSeverity: boolean): Expectation {
  const object = finding.object.kind ? `${finding.object.kind}/${finding.object.name}` : '-';
  return { ruleId: finding.ruleId, object, line: finding.line, ...(withSeverity ? { severity: finding.severity } : {}) };
}

const order = (a: Expectation, b: Expectation) => a.line - b.line || a.object.localeCompare(b.object) || (a.severity ?? '').localeCompare(b.severity ?? '');

registerBuiltinPacks();
const fixtureFiles = fs
  .readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.yaml'))
  .sort();

describe('rule fixtures', () => {
  it('covers every rule of the schema, collector, flux and kubernetes packs with a fixture', () => {
    // GIVEN the rules of these packs WHEN listing the fixtures THEN each rule has its own file
    const covered = fixtureFiles.map((file) =>
      file
        .replace(/\.yaml$/, '')
        .split(path.sep)
        .join('/'),
    );
    const rules = registeredPacks()
      .filter((pack) => ['schema', 'collector', 'flux', 'kubernetes'].includes(pack.name))
      .flatMap((pack) => pack.rules.map((rule) => rule.id));
    expect(rules.length).toBeGreaterThan(20);
    expect(rules.filter((id) => !covered.includes(id))).toEqual([]);
  });

  for (const file of fixtureFiles) {
    const ruleId = file
      .replace(/\.yaml$/, '')
      .split(path.sep)
      .join('/');
    it(`${ruleId}: reports exactly the declared findings`, () => {
      // GIVEN a fixture with passing and failing objects
      const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const expected = expectationsOf(text).filter((expectation) => expectation.ruleId === ruleId);
      expect(expected.length, 'a fixture declares at least one failing case').toBeGreaterThan(0);
      // WHEN the engine checks it
      const report = checkSources([{ file: `fixtures/${file}`, text }], { repoRoot: REPO, waiversFile: undefined, now: new Date('2026-01-01T00:00:00Z') });
      // THEN the rule reports exactly the declared findings (rule, object, line, severity where declared)
      const actual = report.findings.filter((finding) => finding.ruleId === ruleId);
      const withSeverity = expected.some((expectation) => expectation.severity !== undefined);
      expect(actual.map((finding) => describeFinding(finding, withSeverity)).sort(order)).toEqual(
        expected.map((expectation) => (withSeverity ? { ...expectation, severity: expectation.severity ?? 'error' } : expectation)).sort(order),
      );
      for (const finding of actual) {
        expect(finding.message.length).toBeGreaterThan(10);
        expect(finding.fix.length).toBeGreaterThan(5);
        expect(finding.file).toBe(`fixtures/${file}`);
      }
    });
  }
});
