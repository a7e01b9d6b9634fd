import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPaths } from '../../policies';
import { runPhoenix } from '../support/run-phoenix';
import { GIT_REPOSITORY, kustomization, tempTree } from './support';

const NOW = new Date('2026-06-15T12:00:00Z');

/** A repository with two Kustomizations that do not prune (flux/prune warnings) and one bad path (error). */
function repository(waivers: string): string {
  return tempTree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    'apps/README.md': 'apps',
    '.phoenix/waivers.yaml': waivers,
    'gitops/flux.yaml': [
      GIT_REPOSITORY,
      kustomization('exp-a', 'prune: false'),
      kustomization('exp-b', 'prune: false'),
      kustomization('broken').replace('path: ./apps', 'path: ./gone'),
    ].join('---\n'),
  });
}

describe('waivers', () => {
  it('suppresses matching findings by kind, namespace and name glob, and counts only waivers that did', () => {
    // GIVEN a waiver for flux/prune on exp-* and one that matches nothing
    const root = repository(`waivers:
  - rule: flux/prune
    selector: {kind: Kustomization, namespace: flux-system, name: "exp-*"}
    owner: team-metrics
    reason: experiments are removed by the watcher
    expires: 2026-12-31
  - rule: kubernetes/probes
    selector: {name: nothing-matches}
    owner: team-platform
    reason: leftover
    expires: 2026-12-31
`);
    // WHEN checking with the default waivers file
    const report = checkPaths(['gitops'], { baseDir: root, now: NOW });
    // THEN both prune warnings are waived, and the unused waiver is reported where it is written
    expect(report.waived.map(({ finding, waiver }) => [finding.object.name, waiver.owner])).toEqual([
      ['exp-a', 'team-metrics'],
      ['exp-b', 'team-metrics'],
    ]);
    expect(report.findings.map((finding) => [finding.ruleId, finding.severity, finding.file, finding.line])).toEqual([
      ['waiver/unused', 'warning', '.phoenix/waivers.yaml', 7],
      ['flux/path-exists', 'error', 'gitops/flux.yaml', 43],
    ]);
  });

  it('reports an expired waiver as an error and suppresses nothing with it', () => {
    const root = repository(`waivers:
  - rule: flux/path-exists
    selector: {name: broken}
    owner: team-metrics
    reason: folder comes later
    expires: 2026-06-14
`);
    const report = checkPaths(['gitops'], { baseDir: root, now: NOW });
    expect(report.waived).toEqual([]);
    expect(report.findings.find((finding) => finding.ruleId === 'waiver/expired')).toMatchObject({
      severity: 'error',
      line: 2,
      message: expect.stringMatching(/expired on 2026-06-14/),
    });
    expect(report.findings.some((finding) => finding.ruleId === 'flux/path-exists')).toBe(true);
  });

  it('applies a waiver through its last day', () => {
    const root = repository(`waivers:
  - {rule: flux/path-exists, selector: {name: broken}, owner: o, reason: r, expires: 2026-06-15}
`);
    const report = checkPaths(['gitops'], { baseDir: root, now: NOW });
    expect(report.waived).toHaveLength(1);
    expect(report.failed).toBe(false);
  });

  it('takes --waivers FILE on the command line and passes once the only error is waived', async () => {
    const root = repository('waivers: []\n');
    fs.writeFileSync(
      path.join(root, 'other.yaml'),
      'waivers:\n  - {rule: flux/path-exists, selector: {file: "gitops/**"}, owner: o, reason: r, expires: 2999-01-01}\n',
    );
    const run = await runPhoenix(['check', 'gitops', '--waivers', 'other.yaml'], root, { NO_COLOR: '1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/0 errors, 2 warnings, 0 info in 4 documents \(1 file\); 1 waived/);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['a field is missing', 'waivers:\n  - {rule: flux/prune, owner: o, expires: 2026-12-31}\n', /waivers\.yaml:2:5: \/waivers\/0: missing 'reason'/],
    [
      'the date is not a date',
      'waivers:\n  - {rule: flux/prune, owner: o, reason: r, expires: 2026-02-30}\n',
      /waivers\.yaml:2:\d+: expires '2026-02-30' is not a calendar date/,
    ],
    ['the rule is unknown', 'waivers:\n  - {rule: flux/prunes, owner: o, reason: r, expires: 2026-12-31}\n', /unknown rule 'flux\/prunes'/],
    ['a field is misspelt', 'waivers:\n  - {rule: flux/prune, owner: o, reason: r, expires: 2026-12-31, selecter: {}}\n', /unknown field 'selecter'/],
    ['the YAML is malformed', 'waivers: [\n', /waivers\.yaml:\d+: malformed YAML in the waivers file/],
  ];
  for (const [name, content, message] of invalid) {
    it(`fails when ${name}, with exit 2`, async () => {
      const run = await runPhoenix(['check', 'gitops'], repository(content));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  }
});
