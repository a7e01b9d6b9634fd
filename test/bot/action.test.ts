import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitFixture } from './support/git-fixture';

const ROOT = path.join(__dirname, '..', '..');

interface ActionStep {
  readonly id: string;
  readonly run: string;
  readonly env?: Record<string, string>;
}

/** Runs the composite action's steps the way the runner does: bash, its env mapping, in the repository. */
function runAction(repoDir: string, inputs: Record<string, string>): Array<{ id: string; status: number | null; stderr: string }> {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { steps: ActionStep[] } };
  const outputFile = path.join(repoDir, '..', `${path.basename(repoDir)}-github-output`);
  const summaryFile = path.join(repoDir, '..', `${path.basename(repoDir)}-step-summary`);
  const expand = (value: string) =>
    value
      .replace(/\$\{\{\s*github\.action_path\s*\}\}/g, ROOT)
      .replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_all, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '');
  const results: Array<{ id: string; status: number | null; stderr: string }> = [];
  for (const step of action.runs.steps) {
    const env = { ...process.env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v)])) };
    const result = spawnSync('bash', ['-c', step.run], { cwd: repoDir, env, encoding: 'utf8' });
    results.push({ id: step.id, status: result.status, stderr: result.stderr });
    if (result.status !== 0) break;
  }
  return results;
}

describe('action.yml (composite action) on a real config repo', { timeout: 180_000 }, () => {
  let repo: GitFixture;
  let base: string;
  let fresh: string;

  beforeAll(() => {
    // GIVEN a config repo whose main has no tree yet, and a branch that commits the synthesized tree
    repo = GitFixture.create('phoenix-action-');
    base = repo.commit({ 'experiments/.keep': '', 'README.md': 'config repo\n' }, 'start');
    repo.git('checkout', '--quiet', '-b', 'tree');
    execFileSync(path.join(ROOT, 'bin', 'phoenix'), ['synth'], { cwd: repo.dir, encoding: 'utf8' });
    fresh = repo.commit({}, 'synthesize');
  });

  afterAll(() => {
    repo.remove();
    for (const suffix of ['-github-output', '-step-summary']) fs.rmSync(path.join(repo.dir, '..', `${path.basename(repo.dir)}${suffix}`), { force: true });
  });

  it('passes on a fresh tree and writes the review, the step summary and the output', () => {
    const results = runAction(repo.dir, { base, head: fresh });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['synth', 0],
      ['review', 0],
    ]);
    const review = fs.readFileSync(path.join(repo.dir, 'phoenix-review.md'), 'utf8');
    expect(review).toMatch(/## Phoenix review — (✅|⚠️ no errors)/);
    expect(review).toContain('<b>prod</b>');
    expect(fs.readFileSync(path.join(repo.dir, '..', `${path.basename(repo.dir)}-step-summary`), 'utf8')).toContain('Phoenix review');
    expect(fs.readFileSync(path.join(repo.dir, '..', `${path.basename(repo.dir)}-github-output`), 'utf8')).toContain('report=phoenix-review.md');
    fs.rmSync(path.join(repo.dir, 'phoenix-review.md'));
  });

  it('fails at the freshness step when the committed tree was edited by hand', () => {
    // GIVEN a head that edits a synthesized file directly
    repo.git('checkout', '--quiet', '-b', 'hand-edit', fresh);
    const file = path.join(repo.dir, 'gitops', 'infrastructure', 'prod', 'namespace-phoenix-collectors.yaml');
    fs.appendFileSync(file, '  # edited by hand\n');
    const edited = repo.commit({}, 'hand edit');
    // WHEN the action runs THEN synth --check fails and the review does not run
    const results = runAction(repo.dir, { base, head: edited });
    expect(results.map((r) => [r.id, r.status])).toEqual([['synth', 1]]);
    expect(results[0].stderr).toMatch(/stale/);
    repo.git('checkout', '--quiet', 'tree');
  });

  it('fails when the review finds an error on head', () => {
    // GIVEN a fresh tree plus a plain-text Secret outside the owned files (a policy error)
    repo.git('checkout', '--quiet', '-b', 'secret', fresh);
    const head = repo.commit({ 'gitops/extra/prod/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: phoenix-collectors\nstringData:\n  token: do-not-show-me\n' }, 'secret');
    // WHEN the action runs
    const results = runAction(repo.dir, { base: fresh, head });
    const review = fs.readFileSync(path.join(repo.dir, 'phoenix-review.md'), 'utf8');
    repo.git('checkout', '--quiet', 'tree');
    // THEN the tree is fresh (the file is not Phoenix's), the review fails and shows no secret value
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['synth', 0],
      ['review', 1],
    ]);
    expect(review).toContain('kubernetes/no-plaintext-secret');
    expect(review).not.toContain('do-not-show-me');
  });
});

