import { describe, expect, it } from 'vitest';
import { diffTrees, emitYaml, renderDiffMarkdown, renderDiffText, unifiedLineDiff } from '../../generators';

const configMap = (data: Record<string, string>) => emitYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'collector', namespace: 'obs' }, data });
const secret = (token: string) =>
  emitYaml({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'obs' }, data: { token, user: 'YWRtaW4=' } });

describe('diffTrees', () => {
  it('lists objects added, changed and removed per environment, in the given order', () => {
    // GIVEN two trees: dev's ConfigMap changes, prod gains one file and loses another
    const base = {
      'experiments/dev/a/configmap-collector.yaml': configMap({ 'config.yaml': 'a: 1\nb: 2\n' }),
      'experiments/prod/a/old.yaml': emitYaml({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'old', namespace: 'obs' } }),
      'experiments/dev/a/kustomization.yaml': emitYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['x'] }),
    };
    const head = {
      'experiments/dev/a/configmap-collector.yaml': configMap({ 'config.yaml': 'a: 1\nb: 3\n' }),
      'experiments/prod/a/new.yaml': emitYaml({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'new', namespace: 'obs' } }),
      'experiments/dev/a/kustomization.yaml': emitYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['y'] }),
    };
    // WHEN compared
    const diff = diffTrees(base, head, ['prod', 'dev']);
    // THEN prod comes first, and the kustomization.yaml files are not objects
    expect(diff.environments.map((env) => env.environment)).toEqual(['prod', 'dev']);
    expect(diff.environments[0].added.map((o) => o.name)).toEqual(['new']);
    expect(diff.environments[0].removed.map((o) => o.name)).toEqual(['old']);
    const [changed] = diff.environments[1].changed;
    expect(changed).toMatchObject({ kind: 'ConfigMap', namespace: 'obs', name: 'collector' });
    expect(changed.diff).toContain('-    b: 2');
    expect(changed.diff).toContain('+    b: 3');
  });

  it('sees no change when only key order differs', () => {
    const a = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: "1"\n  y: "2"\n';
    const b = 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\ndata:\n  y: "2"\n  x: "1"\n';
    expect(diffTrees({ 'clusters/dev/a.yaml': a }, { 'clusters/dev/a.yaml': b }).environments).toEqual([]);
  });

  it('never shows Secret values, only which keys changed', () => {
    const diff = diffTrees({ 'experiments/dev/s/secret.yaml': secret('c2VjcmV0LW9uZQ==') }, { 'experiments/dev/s/secret.yaml': secret('c2VjcmV0LXR3bw==') });
    const rendered = renderDiffText(diff) + renderDiffMarkdown(diff) + JSON.stringify(diff);
    expect(rendered).not.toMatch(/c2VjcmV0|YWRtaW4/);
    expect(diff.environments[0].changed[0].diff).toContain('+  token: "*** (changed)"'.replace(/"/g, "'"));
  });

  it('reports unreadable YAML instead of failing', () => {
    const diff = diffTrees({}, { 'clusters/dev/bad.yaml': 'a: [1\n' });
    expect(diff.unreadable).toEqual([{ side: 'head', file: 'clusters/dev/bad.yaml', message: expect.stringMatching(/./) }]);
  });

  it('renders markdown with a summary table and a fence longer than any backtick run in the diff', () => {
    const diff = diffTrees({ 'clusters/dev/c.yaml': configMap({ q: 'x' }) }, { 'clusters/dev/c.yaml': configMap({ q: 'has ``` fence' }) });
    const markdown = renderDiffMarkdown(diff);
    expect(markdown).toMatch(/^\| environment \| added \| changed \| removed \|/);
    expect(markdown).toContain('| dev | 0 | 1 | 0 |');
    expect(markdown).toContain('````diff');
  });

  it('says so when nothing differs', () => {
    expect(renderDiffText(diffTrees({}, {}))).toBe('no differences\n');
  });
});

describe('unifiedLineDiff', () => {
  it('keeps two lines of context around each change and separates hunks', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
    const after = ['1', 'two', '3', '4', '5', '6', '7', '8', '9', 'ten'].join('\n');
    expect(unifiedLineDiff(before, after)).toEqual(['@@', ' 1', '-2', '+two', ' 3', ' 4', '@@', ' 8', ' 9', '-10', '+ten']);
  });
});
