import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPaths, checkSources, registerPack, type Rule } from '../../policies';
import { checkHeadTree } from '../../app/bot/review/check-head-tree';
import { GIT_REPOSITORY, kustomization, tempFolder, tempTree } from './support';

const options = { repoRoot: '/nonexistent', pathExists: () => true, waiversFile: undefined };

describe('policy engine: locations', () => {
  it('maps a finding to its line in the right document of a multi-document file', () => {
    // GIVEN three documents, the third one failing, with comments and an empty document in between
    const text = ['# header comment', GIT_REPOSITORY, '---', '---', kustomization('first'), '---', kustomization('third', 'prune: false')].join('\n');
    // WHEN checked
    const report = checkSources([{ file: 'flux.yaml', text }], options);
    // THEN the finding names the third document's prune line
    const finding = report.findings.find((entry) => entry.ruleId === 'flux/prune');
    const expectedLine = text.split('\n').findIndex((line) => line.includes('prune: false')) + 1;
    expect(finding).toMatchObject({
      file: 'flux.yaml',
      line: expectedLine,
      column: 3,
      object: { kind: 'Kustomization', namespace: 'flux-system', name: 'third' },
      pointer: '/spec/prune',
    });
    expect(report.documents).toBe(3);
  });

  it('locates inside a collector config embedded in a ConfigMap block scalar, line and column', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: relay
data:
  relay.yaml: |
    receivers:
      otlp: {}
    exporters:
      otlphttp:
        endpoint: https://backend.example.com
        sending_queue:
          enabled: false
    service:
      pipelines:
        metrics: {receivers: [otlp], exporters: [otlphttp]}
`;
    const report = checkSources([{ file: 'cm.yaml', text }], options);
    const finding = report.findings.find((entry) => entry.ruleId === 'collector/exporter-delivery');
    expect(finding).toMatchObject({ line: 13, column: 11, pointer: '/data/relay.yaml/exporters/otlphttp/sending_queue/enabled' });
  });

  it('reads v1alpha1 OpenTelemetryCollector string configs and v1beta1 object configs', () => {
    const alpha = `apiVersion: opentelemetry.io/v1alpha1
kind: OpenTelemetryCollector
metadata: {name: alpha}
spec:
  config: |
    receivers: {otlp: {}}
    exporters: {debug: {}}
    service:
      pipelines:
        metrics: {receivers: [otlp], processors: [nope], exporters: [debug]}
`;
    const beta = alpha.replace('v1alpha1', 'v1beta1').replace('name: alpha', 'name: beta').replace('config: |', 'config:');
    const report = checkSources(
      [
        { file: 'alpha.yaml', text: alpha },
        { file: 'beta.yaml', text: beta },
      ],
      options,
    );
    const references = report.findings.filter((entry) => entry.ruleId === 'collector/references-resolve');
    expect(references.map((entry) => [entry.file, entry.object.name, entry.line])).toEqual([
      ['alpha.yaml', 'alpha', 10],
      ['beta.yaml', 'beta', 10],
    ]);
  });

  it('reads JSON files: one object, an array, JSON Lines, and Kubernetes Lists', () => {
    const list = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [JSON.parse(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'listed' }, data: { a: 'Yg==' } }))],
      },
      null,
      2,
    );
    const lines = [
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'line-1' } }),
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'line-2' }, stringData: { a: 'b' } }),
    ].join('\n');
    const array = JSON.stringify([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'in-array' }, data: { a: 'Yg==' } }], null, 2);
    const report = checkSources(
      [
        { file: 'list.json', text: list },
        { file: 'lines.json', text: lines },
        { file: 'array.json', text: array },
      ],
      options,
    );
    const secrets = report.findings.filter((entry) => entry.ruleId === 'kubernetes/no-plaintext-secret');
    expect(secrets.map((entry) => [entry.file, entry.object.name, entry.line, entry.pointer])).toEqual([
      ['array.json', 'in-array', 9, '/0/data/a'],
      ['lines.json', 'line-2', 2, '/stringData/a'],
      ['list.json', 'listed', 12, '/items/0/data/a'],
    ]);
    expect(report.documents).toBe(4);
  });

  it('checks a bare collector config file and reports unknown kinds as warnings, not crashes', () => {
    const report = checkSources(
      [
        {
          file: 'otelcol.yaml',
          text: 'receivers: {otlp: {}}\nexporters: {debug: {}}\nservice:\n  pipelines:\n    metrics: {receivers: [otlp], exporters: [debug, missing]}\n',
        },
        { file: 'widget.yaml', text: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: [1, 2]}\n' },
      ],
      options,
    );
    expect(report.findings.find((entry) => entry.ruleId === 'collector/references-resolve')).toMatchObject({ file: 'otelcol.yaml', line: 5, object: {} });
    expect(report.findings.find((entry) => entry.ruleId === 'schema/unknown-kind')).toMatchObject({ severity: 'warning', file: 'widget.yaml', line: 2 });
  });
});

describe('policy engine: repository paths', () => {
  it('resolves Flux paths against the git repository holding the target, not the working directory', () => {
    // GIVEN a repository whose tree names one present and one absent folder
    const root = tempTree({
      'apps/present/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      'gitops/flux.yaml': [
        GIT_REPOSITORY,
        kustomization('present').replace('./apps', './apps/present'),
        kustomization('absent').replace('./apps', './apps/absent'),
      ].join('---\n'),
    });
    try {
      // WHEN checking its gitops/ with the report relative to another folder
      const report = checkPaths([path.join(root, 'gitops')], { baseDir: os.tmpdir() });
      // THEN the root is the repository's, and only the missing path is reported
      expect(report.repoRoot).toBe(root);
      expect(report.findings.filter((entry) => entry.ruleId === 'flux/path-exists').map((entry) => entry.object.name)).toEqual(['absent']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('fails when the target lies outside any git repository and no root is given', () => {
    const root = tempFolder({ 'gitops/flux.yaml': GIT_REPOSITORY });
    try {
      expect(() => checkPaths([path.join(root, 'gitops')], { baseDir: root })).toThrow(/gitops is not inside a git repository: pass --repo-root DIR/);
      expect(checkPaths([path.join(root, 'gitops')], { baseDir: root, repoRoot: root }).repoRoot).toBe(root);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('policy engine: paths that leave the repository', () => {
  it('reports a Flux path that climbs out of the repository or is absolute, although the folder exists on disk', () => {
    // GIVEN Kustomizations naming /etc through ../ and as an absolute path, and a symlink leading out
    const climbs = '../'.repeat(path.resolve(os.tmpdir()).split(path.sep).length + 4) + 'etc';
    const root = tempTree({
      'apps/present/kustomization.yaml': 'resources: []\n',
      'gitops/flux.yaml': [
        GIT_REPOSITORY,
        kustomization('climbs').replace('./apps', climbs),
        kustomization('absolute').replace('./apps', '/etc'),
        kustomization('linked').replace('./apps', './apps/link'),
        kustomization('present').replace('./apps', './apps/present'),
      ].join('---\n'),
    });
    fs.symlinkSync('/etc', path.join(root, 'apps', 'link'));
    try {
      // WHEN checked against that repository root
      const report = checkPaths([path.join(root, 'gitops')], { baseDir: root, repoRoot: root });
      // THEN each path that leaves the repository is an error; the one inside passes
      const found = report.findings.filter((entry) => entry.ruleId === 'flux/path-exists');
      expect(found.map((entry) => [entry.object.name, entry.severity])).toEqual([
        ['climbs', 'error'],
        ['absolute', 'error'],
        ['linked', 'error'],
      ]);
      expect(found[0].message).toMatch(/resolves outside the repository: it climbs above the repository root/);
      expect(found[1].message).toMatch(/resolves outside the repository: it is absolute/);
      expect(found[2].message).toMatch(/does not exist in the repository/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('gives the review the same finding over a committed tree', () => {
    // GIVEN the same Kustomizations read from git (the commit holds etc/, as a repository may)
    const files = new Map([
      [
        'gitops/flux.yaml',
        [GIT_REPOSITORY, kustomization('climbs').replace('./apps', '../../etc'), kustomization('absolute').replace('./apps', '/etc')].join('---\n'),
      ],
    ]);
    // WHEN the review checks the head tree
    const { findings } = checkHeadTree({ files, allPaths: new Set(['gitops', 'gitops/flux.yaml', 'etc']) });
    // THEN both are reported as leaving the repository
    expect(findings.filter((entry) => entry.ruleId === 'flux/path-exists').map((entry) => entry.message)).toEqual([
      "path '../../etc' resolves outside the repository: it climbs above the repository root",
      "path '/etc' resolves outside the repository: it is absolute; Flux paths are relative to the repository root",
    ]);
  });
});

describe('rule packs', () => {
  it('runs a registered pack whose rule sees every document', () => {
    // GIVEN a pack with a cross-object rule
    const countsSecrets: Rule = {
      id: 'example/secrets-counted',
      severity: 'info',
      description: 'Reports how many Secrets the run holds, on each ConfigMap.',
      kinds: ['ConfigMap'],
      check: (doc, ctx) => [
        { pointer: '/metadata/name', message: `${ctx.ofKind('Secret').length} secrets; ${String(ctx.find('Secret', 's', 'ns')?.object.name)}`, fix: 'nothing' },
      ],
    };
    registerPack({ name: 'example', description: 'test pack', rules: [countsSecrets] });
    // WHEN checking
    const report = checkSources(
      [
        {
          file: 'a.yaml',
          text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\n',
        },
      ],
      options,
    );
    // THEN its finding carries the rule id, severity and location
    expect(report.findings.find((entry) => entry.ruleId === 'example/secrets-counted')).toMatchObject({ severity: 'info', line: 3, message: '1 secrets; s' });
  });

  it('gives a rule that declares what it reads views holding exactly that, of every document', () => {
    // GIVEN a cross-object rule declaring one field of Secrets (passed as options.rules: nothing registered)
    const seen: unknown[] = [];
    const readsSecretType: Rule = {
      id: 'example/secret-types',
      severity: 'info',
      description: 'Reads the type of the Secret named like the ConfigMap.',
      kinds: ['ConfigMap'],
      reads: { ConfigMap: ['metadata.labels'], Secret: ['type'] },
      check: (doc, ctx) => {
        const secret = ctx.find('Secret', doc.object.name ?? '', doc.object.namespace);
        seen.push({ own: { ...doc.value }, secret: secret && { ...secret.value }, all: ctx.documents.length });
        return [{ pointer: '/metadata/name', message: String(secret?.value.type), fix: 'nothing' }];
      },
    };
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns\n  labels:\n    a: b\ndata:\n  k: v\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n  namespace: ns\ntype: Opaque\ndata:\n  k: dg==\n';
    // WHEN checking
    const report = checkSources([{ file: 'a.yaml', text }], { ...options, rules: [readsSecretType] });
    // THEN the rule saw only the declared fields (besides apiVersion and kind), and its finding is located as usual
    expect(seen).toEqual([
      { own: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { a: 'b' } } }, secret: { apiVersion: 'v1', kind: 'Secret', type: 'Opaque' }, all: 2 },
    ]);
    expect(report.findings).toMatchObject([
      { ruleId: 'example/secret-types', line: 4, column: 3, message: 'Opaque', object: { kind: 'ConfigMap', name: 'c' } },
    ]);
  });

  it("fails a rule on the document when it declares reads: 'document' and asks for other documents", () => {
    const wrong: Rule = {
      id: 'example/undeclared',
      severity: 'warning',
      description: 'Declares its own document only, then looks up another one.',
      reads: 'document',
      check: (_doc, ctx) => (ctx.find('Secret', 's') ? [] : []),
    };
    const report = checkSources([{ file: 'a.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' }], { ...options, rules: [wrong] });
    expect(report.findings).toMatchObject([
      {
        ruleId: 'example/undeclared',
        severity: 'error',
        line: 1,
        message: expect.stringMatching(/could not check this document: the rule reads other documents \(ctx\.find\) but declares reads: 'document'/),
      },
    ]);
  });

  it('fails when a pack reuses a rule id', () => {
    const rule: Rule = { id: 'flux/prune', severity: 'info', description: 'duplicate', check: () => [] };
    expect(() => registerPack({ name: 'duplicate', description: 'x', rules: [rule] })).toThrow(/rule 'flux\/prune' of pack 'duplicate' is already registered/);
  });
});

describe('the generated tree', () => {
  const gitops = path.join(__dirname, '..', '..', 'gitops');
  it('passes the schema, collector, flux and kubernetes packs with no error findings', () => {
    const report = checkPaths([gitops], { baseDir: path.join(__dirname, '..', '..') });
    const ownPacks = /^(schema|collector|flux|kubernetes)\//;
    expect(report.findings.filter((entry) => entry.severity === 'error' && ownPacks.test(entry.ruleId))).toEqual([]);
    expect(report.documents).toBeGreaterThan(0);
  });
});
