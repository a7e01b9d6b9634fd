import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './helpers';

const SOURCES = ['app', 'analysis', 'bin', 'clients', 'constructs', 'environments', 'generators', 'policies', 'package.json', 'tsconfig.json'];

function experiment(name: string, data: string, token: string): string {
  return `import { ApiObject } from 'cdk8s';
import { defineExperiment } from '../constructs/experiment/definition';

export default defineExperiment({
  name: '${name}',
  build: (scope) => {
    new ApiObject(scope, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${name}-config' }, data: { 'config.yaml': ${JSON.stringify(data)} } });
    new ApiObject(scope, 'Token', { apiVersion: 'v1', kind: 'Secret', metadata: { name: '${name}-token' }, data: { token: '${token}' } });
  },
});
`;
}

describe('phoenix diff on a real git repository', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  const diff = (...args: string[]) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), 'app/cli/index.ts', 'diff', ...args], { cwd: repo, encoding: 'utf8' });

  beforeAll(() => {
    // GIVEN a config repo (Phoenix's sources, node_modules linked) with two commits
    repo = tempDir('phoenix-diff-repo-');
    for (const entry of SOURCES) {
      fs.cpSync(path.join(repoRoot, entry), path.join(repo, entry), { recursive: true, filter: (src) => !/\.test\.ts$|__snapshots__/.test(src) });
    }
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(repo, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules\n');
    fs.mkdirSync(path.join(repo, 'experiments'));
    fs.writeFileSync(path.join(repo, 'experiments', 'alpha.ts'), experiment('alpha', 'level: 1\n', 'c2VjcmV0LW9uZQ=='));
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
    fs.writeFileSync(path.join(repo, 'experiments', 'alpha.ts'), experiment('alpha', 'level: 2\n', 'c2VjcmV0LXR3bw=='));
    fs.writeFileSync(path.join(repo, 'experiments', 'beta.ts'), experiment('beta', 'x: 1\n', 'YmV0YQ=='));
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'second');
  }, 120_000);
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('shows per environment what the second commit adds and changes, Secret values masked', () => {
    // WHEN diffing the two commits as JSON
    const result = diff('--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json');
    // THEN exit 1 (differences), per environment beta added, alpha's ConfigMap and Secret changed
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.environments.map((env: any) => env.environment)).toEqual(['dev', 'staging', 'prod']);
    const dev = parsed.environments[0];
    expect(dev.added.map((o: any) => `${o.kind}/${o.name}`).sort()).toEqual([
      'ConfigMap/beta-config',
      'Kustomization/phoenix-experiment-beta',
      'Secret/beta-token',
    ]);
    expect(dev.changed.map((o: any) => `${o.kind}/${o.name}`).sort()).toEqual(['ConfigMap/alpha-config', 'Secret/alpha-token']);
    expect(dev.changed.find((o: any) => o.kind === 'ConfigMap').diff).toEqual(expect.arrayContaining(['-    level: 1', '+    level: 2']));
    expect(dev.removed).toEqual([]);
    expect(result.stdout).not.toMatch(/c2VjcmV0|YmV0YQ/);
    // and the temporary worktrees are gone
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  }, 180_000);

  it('compares HEAD with the working tree by default (uncommitted changes included), in markdown', () => {
    fs.writeFileSync(path.join(repo, 'experiments', 'alpha.ts'), experiment('alpha', 'level: 3\n', 'c2VjcmV0LXR3bw=='));
    try {
      const result = diff('--format', 'markdown', '--base', 'HEAD');
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('| dev | 0 | 1 | 0 |');
      expect(result.stdout).toContain('+    level: 3');
    } finally {
      git('checkout', '--', 'experiments/alpha.ts');
    }
  }, 180_000);

  it('exits 0 with no differences between a commit and itself', () => {
    const result = diff('--base', 'HEAD', '--head', 'HEAD');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('no differences\n');
  }, 180_000);

  it('fails with exit 2 on an unknown ref or format', () => {
    const unknown = diff('--base', 'no-such-branch');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown git revision 'no-such-branch'/);
    const format = diff('--format', 'yaml');
    expect(format.status).toBe(2);
    expect(format.stderr).toMatch(/unknown --format 'yaml': use one of text, markdown, json/);
  });
});
