import { describe, expect, it } from 'vitest';
import { checkSources, renderMarkdown, renderText } from '../../policies';
import { GIT_REPOSITORY, kustomization } from './support';

const report = () =>
  checkSources(
    [
      {
        file: 'gitops/flux.yaml',
        text: [
          GIT_REPOSITORY,
          kustomization('a', 'prune: false'),
          kustomization('b', 'prune: false'),
          kustomization('c').replace('path: ./apps', 'path: ./gone'),
        ].join('---\n'),
      },
      {
        file: 'otelcol.yaml',
        text: 'receivers: {otlp: {}}\nexporters: {debug: {}}\nservice: {pipelines: {metrics: {receivers: [otlp], exporters: [debug, nope]}}}\n',
      },
    ],
    { repoRoot: '/repo', pathExists: (relative) => relative === 'apps', waiversFile: undefined },
  );

describe('markdown report (for the review bot)', () => {
  it('lists errors first, links each finding, and caps the list', () => {
    // GIVEN a report with errors and warnings
    // WHEN rendered with a link builder and a cap of two findings
    const markdown = renderMarkdown(report(), { linkTo: (file, line) => `https://example.test/${file}#L${line}`, maxFindings: 2, headingLevel: 2 });
    // THEN errors come first, with links, and the rest is counted
    const rows = markdown.split('\n').filter((line) => line.startsWith('| 🔴') || line.startsWith('| 🟡'));
    expect(markdown.startsWith('## ❌ policies fail')).toBe(true);
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.startsWith('| 🔴'))).toBe(true);
    expect(rows[0]).toContain('[gitops/flux.yaml:43](https://example.test/gitops/flux.yaml#L43)');
    expect(markdown).toMatch(/…and 5 more \(run `phoenix check` for all\)\./);
  });

  it('says the policies pass when there is no error', () => {
    const clean = checkSources([{ file: 'a.yaml', text: GIT_REPOSITORY }], { repoRoot: '/repo', waiversFile: undefined });
    expect(renderMarkdown(clean)).toMatch(/^### ✅ policies pass\n\n0 errors, 0 warnings, 0 info in 1 document \(1 file\)/);
  });
});

describe('text report', () => {
  it('groups by file in order and leaves out the object for a bare collector config', () => {
    const text = renderText(report());
    expect(text.indexOf('gitops/flux.yaml\n')).toBeLessThan(text.indexOf('otelcol.yaml\n'));
    expect(text).toMatch(/\n {2}3:71 +error +pipeline 'metrics' names exporter 'nope', which is not defined/);
    expect(text.trimEnd().split('\n').pop()).toBe('2 errors, 4 warnings, 1 info in 5 documents (2 files)');
  });
});
