import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotCostEstimator } from '../../app/bot/review/cost-snapshot';
import { cutMarkdown, renderReviewMarkdown } from '../../app/bot/review/render-markdown';
import { reviewRefs } from '../../app/bot/review/review-refs';
import { runCli } from '../../app/cli/program';
import { costEstimatorFor } from '../../app/bot/review/cost-source';
import { GitFixture, baseTree, collectorConfigMap, manifest, secret } from './support/git-fixture';

const BASE_SECRET = 'hunter2-base-secret';
const HEAD_SECRET = 'correct-horse-battery-staple';

describe('phoenix review (committed trees of two refs)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length > 0) cleanups.pop()?.();
  });

  function repoWithChange(): GitFixture {
    const repo = GitFixture.create();
    cleanups.push(() => repo.remove());
    repo.commit(baseTree(BASE_SECRET), 'base');
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.commit(
      {
        'gitops/experiments/prod/drop-pod-labels/configmap-collector.yaml': collectorConfigMap(['instance']),
        'gitops/experiments/prod/drop-pod-labels/secret-remote-write.yaml': secret(HEAD_SECRET),
        'gitops/experiments/prod/drop-pod-labels/service-collector.yaml': null,
        'gitops/experiments/dev/drop-pod-labels/configmap-collector.yaml': collectorConfigMap(['pod']),
        'gitops/experiments/dev/drop-pod-labels/configmap-drop-pod-labels-phoenix-experiment.yaml': manifest('dev'),
      },
      'head',
    );
    return repo;
  }

  it('reports objects added, changed and removed per environment', async () => {
    // GIVEN a change that edits prod and adds dev
    const repo = repoWithChange();
    // WHEN it is reviewed
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'feature' });
    // THEN each environment lists its own changes
    const prod = report.environments.find((e) => e.environment === 'prod');
    const dev = report.environments.find((e) => e.environment === 'dev');
    expect(prod?.changed.map((c) => c.key)).toEqual(['ConfigMap/observability/collector', 'Secret/observability/remote-write']);
    expect(prod?.removed.map((c) => c.key)).toEqual(['Service/observability/collector']);
    expect(dev?.added.map((c) => c.key)).toEqual(['ConfigMap/observability/collector', 'ConfigMap/observability/drop-pod-labels-phoenix-experiment']);
    expect(prod?.changed[0].diff).toMatch(/^- +- key: pod$/m);
    expect(report.summary).toMatchObject({ added: 2, changed: 2, removed: 1, changedExperiments: ['drop-pod-labels'] });
  });

  it('shows no secret value in markdown or JSON, only that it changed', async () => {
    const repo = repoWithChange();
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'feature' });
    const markdown = renderReviewMarkdown(report);
    const json = JSON.stringify(report);
    for (const text of [markdown, json]) {
      expect(text).not.toContain(BASE_SECRET);
      expect(text).not.toContain(HEAD_SECRET);
    }
    expect(markdown).toMatch(/password: ["']?\*\*\* \(changed\)/);
  });

  it('reports the policy findings on head with file and line', async () => {
    const repo = repoWithChange();
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'feature' });
    const plaintext = report.findings.find((f) => f.ruleId === 'kubernetes/no-plaintext-secret');
    expect(plaintext).toMatchObject({ severity: 'error', file: 'gitops/experiments/prod/drop-pod-labels/secret-remote-write.yaml' });
    expect(report.summary.errors).toBeGreaterThan(0);
  });

  it("lists the waived findings it relied on: rule, object, field and the waiver's reason", async () => {
    // GIVEN a head whose waivers file waives the plaintext Secret on one field
    const repo = repoWithChange();
    repo.commit(
      {
        '.phoenix/waivers.yaml': [
          'waivers:',
          '  - rule: kubernetes/no-plaintext-secret',
          '    selector: {kind: Secret, name: remote-write, pointer: "/stringData/*"}',
          '    owner: team-metrics',
          '    reason: test credentials of the shadow tenant',
          '    expires: 2999-01-01',
          '',
        ].join('\n'),
      },
      'waive',
    );
    // WHEN it is reviewed
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'feature' });
    // THEN the finding is not among the findings, but is listed with its waiver
    expect(report.findings.filter((f) => f.ruleId === 'kubernetes/no-plaintext-secret')).toEqual([]);
    expect(report.waived).toEqual([
      expect.objectContaining({
        ruleId: 'kubernetes/no-plaintext-secret',
        severity: 'error',
        file: 'gitops/experiments/prod/drop-pod-labels/secret-remote-write.yaml',
        object: 'Secret observability/remote-write',
        pointer: expect.stringMatching(/^\/stringData\//),
        waiver: { reason: 'test credentials of the shadow tenant', owner: 'team-metrics', expires: '2999-01-01', file: '.phoenix/waivers.yaml', line: 2 },
      }),
    ]);
    const markdown = renderReviewMarkdown(report);
    expect(markdown).toMatch(/### Waived findings relied on \(1\)/);
    expect(markdown).toMatch(
      /\| `kubernetes\/no-plaintext-secret` \| Secret observability\/remote-write \| `\/stringData\/[^`]+` \| `gitops\/experiments\/prod\/drop-pod-labels\/secret-remote-write\.yaml:\d+` \| test credentials of the shadow tenant \(team-metrics, until 2999-01-01; `\.phoenix\/waivers\.yaml:2`\) \|/,
    );
    expect(markdown).not.toContain(HEAD_SECRET);
  });

  it('flags the guardrail (from the experiment manifest) whose query uses a label the change drops, not the others', async () => {
    const repo = repoWithChange();
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'feature' });
    const prod = report.guardrails.filter((g) => g.environment === 'prod');
    expect(prod.map((g) => g.guardrail)).toEqual([expect.stringMatching(/^p99 latency: /)]);
    expect(prod[0].reason).toMatch(/`pod`/);
    // a new experiment (dev) names its metrics everywhere: that alone puts nothing at risk
    expect(report.guardrails.filter((g) => g.environment === 'dev')).toEqual([]);
  });

  it('simulates the cost of a promotion over a series snapshot with the environment price model', async () => {
    // GIVEN prod's collector as committed (pending), and a head that carries the promoted collector
    // (both taken from this repository's own synthesized tree and its example snapshot)
    const root = path.join(__dirname, '..', '..');
    const collector = (env: string) =>
      fs.readFileSync(path.join(root, 'gitops', 'experiments', env, 'http-server-histograms', 'opentelemetrycollector-http-server-histograms.yaml'), 'utf8');
    const target = 'gitops/experiments/prod/http-server-histograms/collector.yaml';
    const repo = GitFixture.create();
    cleanups.push(() => repo.remove());
    repo.commit({ [target]: collector('prod') }, 'base');
    repo.git('checkout', '--quiet', '-b', 'promote');
    repo.commit({ [target]: collector('dev') }, 'promote');
    // WHEN reviewed with the series snapshot
    const estimateCost = costEstimatorFor({ seriesSnapshot: path.join(root, 'experiments', 'snapshots', 'example.prom') });
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'promote', estimateCost });
    // THEN the promoted candidate costs less than the baseline did
    expect(report.cost).toHaveLength(1);
    expect(report.cost?.[0]).toMatchObject({ environment: 'prod', experiment: 'http-server-histograms', currency: 'USD' });
    expect(Number(report.cost?.[0].monthlyDelta)).toBeLessThan(0);
    expect(Number(report.cost?.[0].monthlyBefore)).toBeGreaterThan(Number(report.cost?.[0].monthlyAfter));
  });

  it('treats an object moved to another file as unchanged', async () => {
    const repo = GitFixture.create();
    cleanups.push(() => repo.remove());
    repo.commit(baseTree(), 'base');
    repo.git('checkout', '--quiet', '-b', 'move');
    const tree = baseTree();
    repo.commit({
      'gitops/experiments/prod/drop-pod-labels/service-collector.yaml': null,
      'gitops/experiments/prod/drop-pod-labels/all.yaml': `${tree['gitops/experiments/prod/drop-pod-labels/service-collector.yaml']}`,
    });
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'move' });
    expect(report.environments).toEqual([]);
  });

  it('estimates the cost change of a promotion from a snapshot and the state files', async () => {
    // GIVEN a promotion in prod and a snapshot of measured variant costs
    const repo = GitFixture.create();
    cleanups.push(() => repo.remove());
    repo.commit({ ...baseTree(), 'experiments/drop-pod-labels.state.yaml': 'version: 1\nenvironments:\n  prod:\n    phase: running\n' }, 'base');
    repo.git('checkout', '--quiet', '-b', 'promote');
    repo.commit({
      'experiments/drop-pod-labels.state.yaml': 'version: 1\nenvironments:\n  prod:\n    phase: promoted\n    variant: drop-pod\n',
      'gitops/experiments/prod/drop-pod-labels/configmap-collector.yaml': collectorConfigMap(['instance']),
    });
    const snapshotFile = path.join(repo.dir, '..', `${path.basename(repo.dir)}-cost.json`);
    fs.writeFileSync(
      snapshotFile,
      JSON.stringify({ currency: 'USD', experiments: { 'drop-pod-labels': { prod: { baseline: '1240.00', 'drop-pod': '460.00', shadow: '35.00' } } } }),
    );
    cleanups.push(() => fs.rmSync(snapshotFile, { force: true }));
    // WHEN reviewed with the snapshot
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'promote', estimateCost: snapshotCostEstimator(snapshotFile) });
    // THEN the production cost moves from baseline + shadow to the promoted variant
    expect(report.cost).toEqual([
      expect.objectContaining({
        environment: 'prod',
        experiment: 'drop-pod-labels',
        monthlyBefore: '1275.00',
        monthlyAfter: '460.00',
        monthlyDelta: '-815.00',
      }),
    ]);
  });

  it('never runs a filter or hook of the repository while reading the trees', async () => {
    // GIVEN a head commit whose .gitattributes asks for a filter the local config defines
    const repo = GitFixture.create();
    cleanups.push(() => repo.remove());
    const marker = path.join(os.tmpdir(), `phoenix-filter-ran-${process.pid}-${Date.now()}`);
    repo.git('config', 'filter.evil.smudge', `sh -c 'touch ${marker}; cat'`);
    repo.git('config', 'filter.evil.textconv', `sh -c 'touch ${marker}; cat'`);
    repo.commit(baseTree(), 'base');
    repo.git('checkout', '--quiet', '-b', 'evil');
    repo.commit({ '.gitattributes': '* filter=evil diff=evil\n', 'gitops/experiments/prod/drop-pod-labels/configmap-collector.yaml': collectorConfigMap([]) });
    fs.rmSync(marker, { force: true });
    // WHEN it is reviewed
    await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'evil' });
    // THEN the filter never ran
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('fails when a ref is not a commit of the repository', async () => {
    const repo = repoWithChange();
    await expect(reviewRefs({ repoDir: repo.dir, base: 'main', head: 'no-such-branch' })).rejects.toThrow(/'no-such-branch' is not a commit/);
  });

  it('writes JSON with -o and exits 1 when head has error findings (CLI; --repo: the former name of --repo-root)', async () => {
    const repo = repoWithChange();
    const out = path.join(repo.dir, 'out', 'review.json');
    const code = await runCli(['review', '--base', 'main', '--head', 'feature', '--repo', repo.dir, '--format', 'json', '-o', out]);
    expect(code).toBe(1);
    const written = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(written.summary.changed).toBe(2);
  });

  it('writes plain text by default, like the other commands, with file:line per finding and change and no secret (CLI)', async () => {
    // GIVEN a change with an error finding on head
    const repo = repoWithChange();
    const out = path.join(repo.dir, 'out', 'review.txt');
    // WHEN it is reviewed without --format
    const code = await runCli(['review', '--base', 'main', '--head', 'feature', '--repo-root', repo.dir, '-o', out]);
    // THEN the text report has the sections of the markdown one, without markdown, and fails like it
    const text = fs.readFileSync(out, 'utf8');
    const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'feature' });
    expect(code).toBe(1);
    expect(text).toMatch(/^phoenix review: main \([0-9a-f]{7}\) → feature \([0-9a-f]{7}\)\n2 added, 2 changed, 1 removed; experiments: drop-pod-labels\n/);
    for (const title of ['Policy findings on head', 'Estimated cost change', 'Guardrails at risk', 'Changes per environment'])
      expect(text).toContain(`\n${title}\n`);
    const finding = report.findings.find((f) => f.severity === 'error')!;
    expect(text).toContain(`  ${finding.file}:${finding.line}${finding.column === undefined ? '' : `:${finding.column}`} error ${finding.ruleId}: `);
    expect(text).toContain('    removed Service/observability/collector  gitops/experiments/prod/drop-pod-labels/service-collector.yaml:1');
    expect(text).toMatch(/^ {6}- +- key: pod$/m);
    expect(text).not.toMatch(/```|<details>|^#/m);
    expect(text).not.toContain(HEAD_SECRET);
    expect(text).not.toContain(BASE_SECRET);
    // AND --format markdown is still what the bot posts
    const md = path.join(repo.dir, 'out', 'review.md');
    await runCli(['review', '--base', 'main', '--head', 'feature', '--repo-root', repo.dir, '--format', 'markdown', '-o', md]);
    expect(fs.readFileSync(md, 'utf8')).toBe(renderReviewMarkdown(report));
  });

  it('fails with exit 2 on an unknown format (CLI)', async () => {
    const repo = repoWithChange();
    expect(await runCli(['review', '--base', 'main', '--repo', repo.dir, '--format', 'sarif'])).toBe(2);
  });
});

describe('cutMarkdown', () => {
  it('cuts a long body below the limit without leaving a fence or details block open', () => {
    const body = `<details><summary>x</summary>\n\n\`\`\`diff\n${'+ line\n'.repeat(5000)}\`\`\`\n</details>\n`;
    const cut = cutMarkdown(body, 10_000, 'Cut: see the check run.');
    expect(cut.length).toBeLessThanOrEqual(10_000);
    expect(cut.split('\n').filter((l) => l.startsWith('```')).length % 2).toBe(0);
    expect(cut).toContain('</details>');
    expect(cut.trimEnd().endsWith('Cut: see the check run.')).toBe(true);
  });
});
