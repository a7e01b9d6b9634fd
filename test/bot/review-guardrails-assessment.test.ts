import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReviewMarkdown } from '../../app/bot/review/render-markdown';
import { reviewRefs } from '../../app/bot/review/review-refs';
import type { ReviewReport } from '../../app/bot/review/types';
import { loadSnapshotFile } from '../../app/snapshot/load-snapshot';
import { makeLayout } from '../recommend/support';

// Issue item 6: a one-label edit of a real experiment (written by `phoenix recommend` from the redis
// mixin's dashboard) touches most of the dashboard's queries — the changed keep_keys line names
// cluster, namespace, pod, container — but breaks only the panels that read the dropped label.
// The review must say which, exactly as `phoenix estimate` does, and only count the rest.

const DASHBOARD = path.resolve(__dirname, '../fixtures/corpora/redis/dashboards/redis_overview.json');
const layout = makeLayout({ series: [], samples: [], families: new Map(), rules: {}, dashboards: {} });
afterAll(() => layout.cleanup());

const run = (command: string, ...args: string[]) => {
  const result = spawnSync(command, args, { cwd: layout.root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout.slice(0, 2000)}`);
  return result.stdout;
};
const phoenix = (...args: string[]) => run(process.execPath, 'bin/phoenix', ...args);
const git = (...args: string[]) => run('git', '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args);

/** The guardrail queries the review judged (policy findings are listed beside them under their rule id). */
const assessed = (r: ReviewReport) => r.guardrails.filter((g) => !/^[a-z-]+\/[a-z-]+$/.test(g.guardrail));

function snapshot(): string {
  const lines = ['# TYPE redis_commands_total counter'];
  for (const instance of ['r-0', 'r-1'])
    for (const cmd of ['get', 'set', 'del'])
      for (const addr of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
        lines.push(
          `redis_commands_total{job="redis",instance="${instance}",cluster="c1",namespace="ns",pod="redis-${instance}",container="redis-server-exporter",cmd="${cmd}",client_addr="${addr}"} 1`,
        );
      }
  return `${lines.join('\n')}\n`;
}

describe('review: guardrails at risk judged like estimate (redis mixin, one label removed from keep)', { timeout: 240_000 }, () => {
  let report: ReviewReport;
  let changedByEstimate: Set<string>;
  let guardrailCount: number;

  beforeAll(async () => {
    // GIVEN the experiment recommend writes for the redis dashboard, running in dev, synthesized and committed
    fs.copyFileSync(DASHBOARD, path.join(layout.root, 'dashboards', 'redis_overview.json'));
    fs.writeFileSync(path.join(layout.root, 'snapshot.prom'), snapshot());
    phoenix('recommend', '--snapshot', 'snapshot.prom', '--dashboards', 'dashboards', '-o', 'experiments/redis-lossless.ts');
    fs.writeFileSync(path.join(layout.root, 'experiments', 'redis-lossless.state.yaml'), 'version: 1\nenvironments:\n  dev:\n    phase: running\n');
    phoenix('synth', '-o', 'gitops');
    git('init', '--quiet', '-b', 'main');
    git('add', 'gitops', 'experiments', 'dashboards');
    git('commit', '--quiet', '-m', 'base');
    // WHEN one label (cmd) leaves the candidate's keep list, and the tree is synthesized again
    const file = path.join(layout.root, 'experiments', 'redis-lossless.ts');
    const source = fs.readFileSync(file, 'utf8');
    const edited = source.replace(/, "cmd"(?=[,\]])/, '');
    expect(edited).not.toBe(source);
    fs.writeFileSync(file, edited);
    phoenix('synth', '-o', 'gitops');
    git('checkout', '--quiet', '-b', 'edit');
    git('add', 'gitops', 'experiments');
    git('commit', '--quiet', '-m', 'drop cmd');
    report = await reviewRefs({ repoDir: layout.root, base: 'main', head: 'edit' });
    // AND estimate judges the edited experiment over the snapshot
    const estimate = JSON.parse(phoenix('estimate', '--snapshot', 'snapshot.prom', '--format', 'json', '--fail-on', 'never')) as {
      experiments: Array<{ experiment: string; candidates: Array<{ guardrails: Array<{ query: string; status: string }> }> }>;
    };
    const guardrails = estimate.experiments.find((e) => e.experiment === 'redis-lossless')!.candidates.flatMap((c) => c.guardrails);
    guardrailCount = guardrails.length;
    changedByEstimate = new Set(guardrails.filter((g) => g.status === 'changed').map((g) => g.query));
  });

  it('lists as broken exactly the queries estimate shows changed', () => {
    const broken = assessed(report).filter((g) => g.verdict === 'broken' && g.environment === 'dev');
    const exprOf = (g: { guardrail: string }) => g.guardrail.slice(g.guardrail.indexOf(': ') + 2);
    expect(changedByEstimate.size).toBeGreaterThan(0);
    expect(new Set(broken.map(exprOf))).toEqual(changedByEstimate);
    expect([...changedByEstimate].every((q) => /sum by \(cmd\)/.test(q))).toBe(true);
    expect(broken[0]!.reason).toMatch(/label cmd/);
  });

  it('judges the same over the snapshot estimate used (phoenix review --snapshot)', async () => {
    const series = (await loadSnapshotFile(path.join(layout.root, 'snapshot.prom'))).series;
    const withSnapshot = await reviewRefs({ repoDir: layout.root, base: 'main', head: 'edit', assessmentSeries: series });
    const broken = (r: ReviewReport) =>
      assessed(r)
        .filter((g) => g.verdict === 'broken')
        .map((g) => g.guardrail)
        .sort();
    expect(broken(withSnapshot)).toEqual(broken(report));
    expect(withSnapshot.guardrailsUnaffected).toEqual(report.guardrailsUnaffected);
  });

  it('counts the touched queries whose answers stay, instead of listing them', () => {
    const unaffected = report.guardrailsUnaffected.find((u) => u.environment === 'dev' && u.experiment === 'redis-lossless');
    const listed = assessed(report).filter((g) => g.environment === 'dev' && g.experiment === 'redis-lossless');
    // the edited line names cluster, namespace, pod, container: far more queries are touched than broken
    expect(unaffected?.count ?? 0).toBeGreaterThan(changedByEstimate.size);
    expect(listed.length + unaffected!.count).toBeLessThanOrEqual(guardrailCount);
    for (const g of listed.filter((l) => l.verdict === 'possibly-changed')) expect(g.reason).toMatch(/candidate 'recommended'|manifest holds no candidate/);
    console.log(
      `review: ${listed.length + unaffected!.count} of ${guardrailCount} guardrails touched: ${listed.filter((g) => g.verdict === 'broken').length} broken, ${listed.filter((g) => g.verdict === 'possibly-changed').length} possibly changed, ${unaffected!.count} unaffected; estimate: ${changedByEstimate.size} changed`,
    );
    const markdown = renderReviewMarkdown(report);
    expect(markdown).toMatch(/\*\*Broken\*\* \(\d+\)/);
    expect(markdown).toMatch(new RegExp(`\\*\\*Unaffected\\*\\*: ${unaffected!.count} of dev/redis-lossless`));
  });
});
