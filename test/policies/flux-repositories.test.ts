import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPaths, checkSources } from '../../policies';
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
