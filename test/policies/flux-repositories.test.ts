import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPaths, checkSources } from '../../policies';
import { gitRemotes } from '../../clients/git/local-git';
import { homeRepositoryOf, normalizeGitUrl } from '../../policies/load/home-repository';
import { git } from '../support/git';
import { runPhoenix } from '../support/run-phoenix';

// Published Flux repositories (test/fixtures/flux-repos/README.md), checked as a user checks their
// own: the whole tree, the repository root for Flux paths. Correct upstream files give no error.

const TENANCY = path.join(__dirname, '..', 'fixtures', 'flux-repos', 'flux2-multi-tenancy');

describe('fluxcd/flux2-multi-tenancy (staging cluster and tenant)', () => {
  const report = checkPaths([TENANCY], { baseDir: TENANCY, repoRoot: TENANCY, waiversFile: false });

  it('has no error finding', () => {
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
  });

  it('reads the comment-only flux-system placeholders as files without documents', () => {
    expect(report.documentsPerFile.get('clusters/staging/flux-system/gotk-components.yaml')).toBe(0);
    expect(report.documentsPerFile.get('clusters/staging/flux-system/gotk-sync.yaml')).toBe(0);
    // and still checks the cluster's Kustomizations, which name the bootstrap source
    expect(report.documentsPerFile.get('clusters/staging/tenants.yaml')).toBe(1);
  });

  it('checks a kustomize patch file only through the object it patches', () => {
    // GIVEN tenants/staging/kustomization.yaml naming dev-team-patch.yaml as a patch
    expect(report.documentsPerFile.get('tenants/staging/dev-team-patch.yaml')).toBe(0);
    expect(report.findings.filter((f) => f.file === 'tenants/staging/dev-team-patch.yaml')).toEqual([]);
    // the patched object itself is checked where it is defined
    expect(report.documentsPerFile.get('tenants/base/dev-team/sync.yaml')).toBe(2);
  });
});

describe("a tenant's Kustomization: its path is in the tenant's source, not in this repository (ADR 0193)", () => {
  // GIVEN a clone of flux2-multi-tenancy (its remote, default branch main) holding the staging tenant as
  // `kubectl kustomize tenants/staging` renders it: Kustomization dev-team, path ./staging, from
  // GitRepository apps/dev-team (the same URL, branch dev-team), a tree this clone does not hold
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-tenancy-'));
  afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));
  fs.cpSync(TENANCY, clone, { recursive: true });
  const rendered = execFileSync('kubectl', ['kustomize', path.join(TENANCY, 'tenants', 'staging')], { encoding: 'utf8' });
  fs.mkdirSync(path.join(clone, 'rendered'));
  fs.writeFileSync(path.join(clone, 'rendered', 'tenants-staging.yaml'), rendered);
  git(clone, 'init', '-q', '-b', 'main');
  git(clone, 'remote', 'add', 'origin', 'https://github.com/fluxcd/flux2-multi-tenancy');
  git(clone, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  const pathFindings = (root: string, files: string[]) =>
    checkPaths(
      files.map((file) => path.join(root, file)),
      // the repository's remotes, as phoenix check reads them
      { baseDir: root, waiversFile: false, ruleOptions: { homeRepository: homeRepositoryOf(gitRemotes(root)) } },
    )
      .findings.filter((f) => f.ruleId === 'flux/path-exists')
      .map((f) => `${f.file}:${f.line} ${f.message}`);

  it('reads the rendered tenant as upstream renders it', () => {
    expect(rendered).toMatch(/^ {2}path: \.\/staging$/m);
    expect(rendered).toMatch(/^ {4}branch: dev-team$/m);
    expect(fs.existsSync(path.join(clone, 'staging'))).toBe(false);
    expect(homeRepositoryOf(gitRemotes(clone))).toEqual({ urls: ['github.com/fluxcd/flux2-multi-tenancy'], branches: ['main'] });
  });

  it('does not look the tenant path up in this repository', () => {
    expect(pathFindings(clone, ['.'])).toEqual([]);
  });

  it('phoenix check reads the remotes itself: the tenant path is not looked up, the same path on the default branch is', async () => {
    const pathFindingsOfCli = async (file: string) => {
      const run = await runPhoenix(['check', file, '--format', 'json'], clone);
      expect([0, 1], run.stderr).toContain(run.code);
      return (JSON.parse(run.stdout) as { findings: { ruleId: string }[] }).findings.filter((f) => f.ruleId === 'flux/path-exists');
    };
    expect(await pathFindingsOfCli('rendered/tenants-staging.yaml')).toEqual([]);
    fs.writeFileSync(path.join(clone, 'rendered', 'own-cli.yaml'), rendered.replace(/^ {4}branch: dev-team$/m, '    branch: main'));
    try {
      expect(await pathFindingsOfCli('rendered/own-cli.yaml')).toHaveLength(1);
    } finally {
      fs.rmSync(path.join(clone, 'rendered', 'own-cli.yaml'));
    }
  });

  it('still looks it up when the source is this repository on its default branch', () => {
    const own = rendered.replace(/^ {4}branch: dev-team$/m, '    branch: main');
    fs.writeFileSync(path.join(clone, 'rendered', 'own.yaml'), own);
    const line = own.split('\n').indexOf('  path: ./staging') + 1;
    try {
      expect(pathFindings(clone, ['rendered/own.yaml'])).toEqual([`rendered/own.yaml:${line} path './staging' does not exist in the repository`]);
    } finally {
      fs.rmSync(path.join(clone, 'rendered', 'own.yaml'));
    }
  });

  it('tells them apart by the bootstrap source when the folder has no git remote', () => {
    // GIVEN the tree without .git, and gotk-sync.yaml as `flux bootstrap` writes it (SSH URL)
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-tenancy-bare-'));
    try {
      fs.cpSync(path.join(clone, 'rendered'), path.join(bare, 'rendered'), { recursive: true });
      const sync = (branch: string) =>
        `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: ${branch}\n  url: ssh://git@github.com/fluxcd/flux2-multi-tenancy.git\n`;
      fs.writeFileSync(path.join(bare, 'gotk-sync.yaml'), sync('main'));
      const run = (root: string) =>
        checkPaths([root], { baseDir: root, repoRoot: root, waiversFile: false }).findings.filter((f) => f.ruleId === 'flux/path-exists');
      expect(run(bare)).toEqual([]);
      // the bootstrap source on the tenant's branch: the tenant's source is this tree, and ./staging is missing
      fs.writeFileSync(path.join(bare, 'gotk-sync.yaml'), sync('dev-team'));
      expect(run(bare).map((f) => f.message)).toEqual(["path './staging' does not exist in the repository"]);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  it('spells a repository one way whatever the URL form', () => {
    const forms = [
      'https://github.com/fluxcd/flux2-multi-tenancy',
      'https://GitHub.com/fluxcd/flux2-multi-tenancy.git/',
      'ssh://git@github.com:22/fluxcd/flux2-multi-tenancy.git',
      'git@github.com:fluxcd/flux2-multi-tenancy.git',
      'https://user:secret@github.com/fluxcd/flux2-multi-tenancy',
    ];
    expect(new Set(forms.map(normalizeGitUrl))).toEqual(new Set(['github.com/fluxcd/flux2-multi-tenancy']));
    expect(normalizeGitUrl('https://github.com/fluxcd/flux2-kustomize-helm-example')).not.toBe('github.com/fluxcd/flux2-multi-tenancy');
  });
});

describe('what stays an error', () => {
  const kustomization = (source: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  prune: true
  path: ./
  sourceRef:
    kind: GitRepository
    name: ${source}
`;
  const check = (files: Record<string, string>) =>
    checkSources(
      Object.entries(files).map(([file, text]) => ({ file, text })),
      { waiversFile: false, pathExists: () => true },
    ).findings.filter((f) => f.severity === 'error');

  it('a source other than the bootstrap one that is not among the files', () => {
    expect(check({ 'a.yaml': kustomization('flux-system') })).toEqual([]);
    expect(check({ 'a.yaml': kustomization('elsewhere') }).map((f) => f.ruleId)).toEqual(['flux/source-ref-resolves']);
  });

  it('a file that is not named as a patch, with the same partial object', () => {
    const partial =
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: dev-team\n  namespace: apps\nspec:\n  path: ./staging\n';
    const kustomize = (patch: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\npatches:\n  - path: ${patch}\n`;
    expect(check({ 't/kustomization.yaml': kustomize('p.yaml'), 't/p.yaml': partial })).toEqual([]);
    expect(check({ 't/kustomization.yaml': kustomize('other.yaml'), 't/p.yaml': partial }).map((f) => f.ruleId)).toContain('schema/valid');
  });

  it('a file named on the command line that holds no document (exit 2)', async () => {
    const run = await runPhoenix(['check', 'clusters/staging/flux-system/gotk-sync.yaml', '--repo-root', '.'], TENANCY);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/gotk-sync\.yaml: holds no documents/);
  });
});

const HELM_EXAMPLE = path.join(__dirname, '..', 'fixtures', 'flux-repos', 'flux2-kustomize-helm-example');

describe('fluxcd/flux2-kustomize-helm-example (podinfo and the infrastructure controllers)', () => {
  const report = checkPaths([HELM_EXAMPLE], { baseDir: HELM_EXAMPLE, repoRoot: HELM_EXAMPLE, waiversFile: false });
  const kinds = (ruleId: string) => report.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.object.kind} ${f.object.apiVersion}`);

  it('validates HelmRelease v2 and HelmRepository v1 against their CRDs, without error', () => {
    expect(kinds('schema/unknown-kind').filter((k) => k.startsWith('Helm'))).toEqual([]);
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
  });

  it('reports a HelmRelease that does not match its CRD', () => {
    const release = fs.readFileSync(path.join(HELM_EXAMPLE, 'apps/base/podinfo/release.yaml'), 'utf8');
    expect(release).toMatch(/^ {2}interval: 50m$/m);
    const broken = release.replace(/^ {2}interval: 50m$/m, '  interval: [50m]');
    const errors = checkSources([{ file: 'release.yaml', text: broken }], { waiversFile: false, pathExists: () => true }).findings.filter(
      (f) => f.ruleId === 'schema/valid',
    );
    expect(errors.map((f) => f.message)).toEqual([expect.stringMatching(/interval/)]);
  });
});
