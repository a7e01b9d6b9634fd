import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitFixture } from './support/git-fixture';
import { shippedEnvironmentFiles } from '../support/shipped-environments';
import { runAction as runActionIn, type StepResult } from '../support/run-action';

const ROOT = path.join(__dirname, '..', '..');

function runAction(repoDir: string, inputs: Record<string, string>): StepResult[] {
  return runActionIn(ROOT, repoDir, inputs);
}

describe('action.yml (composite action) on a real config repo', { timeout: 180_000 }, () => {
  let repo: GitFixture;
  let base: string;
  let fresh: string;

  beforeAll(() => {
    // GIVEN a config repo whose main has no tree yet, and a branch that commits the synthesized tree
    repo = GitFixture.create('phoenix-action-');
    base = repo.commit({ ...shippedEnvironmentFiles(), 'experiments/.keep': '', 'README.md': 'config repo\n' }, 'start');
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
    const head = repo.commit(
      {
        'gitops/extra/prod/secret.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: phoenix-collectors\nstringData:\n  token: do-not-show-me\n',
      },
      'secret',
    );
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
