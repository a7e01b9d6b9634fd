import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { runPhoenix } from '../support/run-phoenix';
import { GIT_REPOSITORY, kustomization, tempFolder, tempTree } from './support';

const SCHEMAS = path.join(__dirname, 'fixtures', 'schemas');

/** A repository whose gitops/ tree has one error (prune: false is a warning; a missing path is an error). */
function repoWithFindings(): string {
  return tempTree({
    'apps/README.md': 'apps',
    'gitops/clusters/prod/flux.yaml': [GIT_REPOSITORY, kustomization('good'), kustomization('bad', 'prune: false\n  timeout: 5m')]
      .join('---\n')
      .replace(
        'name: bad\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps',
        'name: bad\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./missing',
      ),
  });
}

describe('phoenix check', () => {
  it('exits 0 when there are no error findings, and defaults to gitops/', async () => {
    // GIVEN a clean tree
    const root = tempTree({ 'apps/README.md': 'apps', 'gitops/flux.yaml': [GIT_REPOSITORY, kustomization('good')].join('---\n') });
    // WHEN checking without paths
    const run = await runPhoenix(['check'], root, { NO_COLOR: '1' });
    // THEN it passes and says how much it checked
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/0 errors, 0 warnings, 0 info in 2 documents \(1 file\)/);
  });

  it('exits 1 on error findings, grouped by file with line:column, rule and fix', async () => {
    const root = repoWithFindings();
    const run = await runPhoenix(['check', 'gitops'], root, { NO_COLOR: '1' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('gitops/clusters/prod/flux.yaml\n');
    expect(run.stdout).toMatch(/ 30:3 +error +Kustomization flux-system\/bad: path '.\/missing' does not exist in the repository +flux\/path-exists/);
    expect(run.stdout).toMatch(/fix: correct spec.path/);
    expect(run.stdout).toMatch(/31:3 +warning +Kustomization flux-system\/bad: prune is not true/);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('colours the text report when FORCE_COLOR is set, and NO_COLOR wins over it', async () => {
    const root = repoWithFindings();
    const coloured = await runPhoenix(['check', 'gitops'], root, { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(coloured.stdout).toContain('\u001b[31merror');
    const plain = await runPhoenix(['check', 'gitops'], root, { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('exits 0 with --fail-on never (and the former --mode audit) and still reports the errors', async () => {
    const root = repoWithFindings();
    const run = await runPhoenix(['check', 'gitops', '--fail-on', 'never'], root, { NO_COLOR: '1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1 error, 1 warning, 0 info .*audit mode: not failing/);
    expect((await runPhoenix(['check', 'gitops', '--mode', 'audit'], root, { NO_COLOR: '1' })).code).toBe(0);
  });

  it('--fail-on warning fails on warnings alone; --fail-on error does not', async () => {
    // GIVEN a tree whose only finding is a warning (prune: false)
    const root = tempTree({ 'apps/README.md': 'apps', 'gitops/flux.yaml': [GIT_REPOSITORY, kustomization('w', 'prune: false\n  timeout: 5m')].join('---\n') });
    const json = JSON.parse((await runPhoenix(['check', 'gitops', '--format', 'json'], root)).stdout) as { findings: Array<{ severity: string }> };
    expect(json.findings.map((f) => f.severity)).toEqual(['warning']);
    // WHEN checking with each threshold THEN only --fail-on warning fails
    expect((await runPhoenix(['check', 'gitops'], root)).code).toBe(0);
    expect((await runPhoenix(['check', 'gitops', '--fail-on', 'warning'], root)).code).toBe(1);
    expect((await runPhoenix(['check', 'gitops', '--fail-on', 'sometimes'], root)).code).toBe(2);
  });

  it('writes SARIF 2.1.0 that validates against the schema and carries what GitHub code scanning needs', async () => {
    // GIVEN a tree with findings WHEN writing SARIF to a file
    const root = repoWithFindings();
    const run = await runPhoenix(['check', 'gitops', '--format', 'sarif', '-o', 'out/report.sarif'], root);
    expect(run.code).toBe(1);
    const sarif = JSON.parse(fs.readFileSync(path.join(root, 'out/report.sarif'), 'utf8'));
    // THEN it validates against the SARIF 2.1.0 JSON schema
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'sarif-2.1.0.schema.json'), 'utf8')));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    // AND carries the fields code scanning reads
    const [runLog] = sarif.runs;
    expect(runLog.tool.driver.name).toBe('phoenix-check');
    const ruleIds = runLog.tool.driver.rules.map((rule: { id: string }) => rule.id);
    const result = runLog.results.find((entry: { ruleId: string }) => entry.ruleId === 'flux/path-exists');
    expect(result).toMatchObject({
      level: 'error',
      ruleIndex: ruleIds.indexOf('flux/path-exists'),
      locations: [{ physicalLocation: { artifactLocation: { uri: 'gitops/clusters/prod/flux.yaml' }, region: { startLine: 30, startColumn: 3 } } }],
    });
    expect(result.message.text).toMatch(/does not exist/);
    expect(result.partialFingerprints.phoenixFinding).toMatch(/^[0-9a-f]{32}$/);
    expect(run.stderr).toMatch(/report written to out\/report.sarif/);
  });

  it('writes JUnit XML that validates against the common JUnit XSD', async () => {
    const root = repoWithFindings();
    await runPhoenix(['check', 'gitops', '--format', 'junit', '-o', 'report.xml'], root);
    const xml = fs.readFileSync(path.join(root, 'report.xml'), 'utf8');
    expect(xml).toContain('<failure type="flux/path-exists"');
    // xmllint exits non-zero (and execFileSync throws) when the document does not validate
    const output = execFileSync('xmllint', ['--noout', '--schema', path.join(SCHEMAS, 'junit-10.xsd'), path.join(root, 'report.xml')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(output).toBe('');
  });

  it('renders markdown for pull-request comments and JSON for machines', async () => {
    const root = repoWithFindings();
    const markdown = await runPhoenix(['check', 'gitops', '--format', 'markdown'], root);
    expect(markdown.stdout).toMatch(/^### ❌ policies fail/);
    expect(markdown.stdout).toMatch(/\| 🔴 \| `gitops\/clusters\/prod\/flux.yaml:30` \| Kustomization flux-system\/bad \|/);
    const json = await runPhoenix(['check', 'gitops', '--format', 'json'], root);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.counts).toEqual({ error: 1, warning: 1, info: 0 });
    expect(parsed.findings[0]).toMatchObject({
      ruleId: 'flux/path-exists',
      line: 30,
      column: 3,
      object: { kind: 'Kustomization', name: 'bad' },
      pointer: '/spec/path',
    });
  });

  it('lists its rules', async () => {
    const run = await runPhoenix(['check', '--list-rules'], tempTree({}));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^flux\/prune +warning /m);
  });
});

describe('phoenix check: input errors exit 2', () => {
  const cases: Array<{ name: string; files: Record<string, string | Buffer>; args?: string[]; message: RegExp }> = [
    {
      name: 'fails when the YAML is malformed, naming file:line',
      files: { 'in/a.yaml': `${GIT_REPOSITORY}---\nkind: [unclosed\n` },
      message: /in\/a\.yaml:11:\d+: malformed YAML/,
    },
    { name: 'fails when a document is a list', files: { 'in/a.yaml': '- a\n- b\n' }, message: /in\/a\.yaml:1:1: document 1 is a list; expected a mapping/ },
    {
      name: 'fails when kind is not a string',
      files: { 'in/a.yaml': 'apiVersion: v1\nkind: 3\n' },
      message: /in\/a\.yaml:1:1: 'kind' is a number \(3\); expected a string/,
    },
    {
      name: 'fails when a file named on the command line holds no documents',
      files: { 'in/a.yaml': '# nothing\n---\n' },
      args: ['in/a.yaml'],
      message: /in\/a\.yaml: holds no documents/,
    },
    { name: 'fails when the file is binary', files: { 'in/a.yaml': Buffer.from([0x61, 0x3a, 0x00, 0x01]) }, message: /in\/a\.yaml: binary file/ },
    {
      name: 'fails when the file is over the size limit',
      files: { 'in/a.yaml': GIT_REPOSITORY },
      args: ['--max-file-size', '0.0001'],
      message: /in\/a\.yaml: 0\.0 MiB is over the 0 MiB limit; split it or raise --max-file-size/,
    },
    { name: 'fails when the JSON is malformed', files: { 'in/a.json': '{"apiVersion": "v1",\n "kind": }' }, message: /in\/a\.json:2: malformed JSON/ },
  ];
  for (const { name, files, args = [], message } of cases) {
    it(name, async () => {
      const run = await runPhoenix(['check', 'in', ...args], tempTree(files));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('fails when a path does not exist', async () => {
    const run = await runPhoenix(['check', 'nowhere'], tempTree({}));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nowhere: no such file or folder/);
  });

  it('fails when no path is given and there is no gitops/ folder', async () => {
    const run = await runPhoenix(['check'], tempTree({}));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no paths given and no gitops\/ folder here/);
  });

  it('fails on bad option values', async () => {
    const root = tempTree({ 'in/a.yaml': GIT_REPOSITORY });
    expect((await runPhoenix(['check', 'in', '--max-file-size', 'lots'], root)).stderr).toMatch(/--max-file-size 'lots' must be a positive number/);
    expect((await runPhoenix(['check', 'in', '--flux-interval', '1h..1m'], root)).code).toBe(2);
    expect((await runPhoenix(['check', 'in', '--format', 'html'], root)).code).toBe(2);
  });
});

describe('phoenix check: the repository of the target', () => {
  const WAIVE_PATHS = 'waivers:\n  - {rule: flux/path-exists, selector: {kind: Kustomization, name: app}, owner: o, reason: r, expires: 2999-01-01}\n';
  const tree = (folder: string) => [GIT_REPOSITORY, kustomization('app').replace('./apps', `./${folder}`)].join('---\n');

  it("uses the target's own repository for Flux paths and waivers when run from another repository", async () => {
    // GIVEN a repository holding apps/ and no waivers, and another one (the working directory)
    // whose waivers would hide the finding and which has no apps/ folder
    const target = tempTree({ 'apps/README.md': 'apps', 'gitops/flux.yaml': tree('apps') + '---\n' + kustomization('gone').replace('./apps', './gone') });
    const elsewhere = tempTree({ '.phoenix/waivers.yaml': WAIVE_PATHS.replace('name: app', 'name: gone'), 'gitops/README.md': 'x' });
    // WHEN checking the target's tree from the other repository
    const run = await runPhoenix(['check', path.join(target, 'gitops'), '--format', 'json'], elsewhere);
    // THEN apps/ resolves in the target's repository and the other repository's waiver does not apply
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; object: { name: string } }>; waived: unknown[] };
    expect(report.findings.filter((entry) => entry.ruleId === 'flux/path-exists').map((entry) => entry.object.name)).toEqual(['gone']);
    expect(report.waived).toEqual([]);
    expect(run.code).toBe(1);
  });

  it("reads the waivers of the target's repository", async () => {
    const target = tempTree({ '.phoenix/waivers.yaml': WAIVE_PATHS, 'gitops/flux.yaml': tree('missing') });
    const run = await runPhoenix(['check', path.join(target, 'gitops'), '--format', 'json'], tempFolder({}));
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string }>; waived: Array<{ finding: { ruleId: string } }> };
    expect(report.waived.map((entry) => entry.finding.ruleId)).toEqual(['flux/path-exists']);
    expect(run.code).toBe(0);
  });

  it('fails with one line when the target is outside any repository, and --repo-root names the root', async () => {
    // GIVEN a tree outside any git repository
    const root = tempFolder({ 'apps/README.md': 'apps', 'gitops/flux.yaml': tree('apps') });
    // WHEN checked without a root THEN exit 2 with one line saying so
    const refused = await runPhoenix(['check', 'gitops'], root);
    expect(refused.code).toBe(2);
    expect(
      refused.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('info: ')),
    ).toHaveLength(1);
    expect(refused.stderr).toMatch(/gitops is not inside a git repository: pass --repo-root DIR/);
    // WHEN given --repo-root THEN paths resolve against it
    const given = await runPhoenix(['check', 'gitops', '--repo-root', '.', '--format', 'json'], root);
    expect(given.code).toBe(0);
    expect((JSON.parse(given.stdout) as { counts: { error: number } }).counts.error).toBe(0);
    const wrong = await runPhoenix(['check', 'gitops', '--repo-root', 'nowhere'], root);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--repo-root nowhere: no such folder/);
  });
});
