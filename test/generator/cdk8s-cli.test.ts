import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureExperiments, readFiles, repoRoot, tempDir } from './helpers';

describe('cdk8s synth (the real cdk8s CLI, the repository cdk8s.yaml)', () => {
  const root = tempDir('phoenix-cdk8s-cli-');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes one YAML file per chart to the folder the README names, and nothing to cdk8s’s default dist/', () => {
    // GIVEN a folder holding the repository's cdk8s.yaml, its app and environments (linked), and the fixture experiments
    for (const entry of ['app', 'environments', 'node_modules', 'tsconfig.json', 'package.json'])
      fs.symlinkSync(path.join(repoRoot, entry), path.join(root, entry));
    fs.copyFileSync(path.join(repoRoot, 'cdk8s.yaml'), path.join(root, 'cdk8s.yaml'));
    // WHEN the cdk8s CLI synthesizes there
    const cli = path.join(repoRoot, 'node_modules', '.bin', 'cdk8s');
    expect(fs.existsSync(cli), `${cli} is missing: run npm ci`).toBe(true);
    const run = spawnSync(cli, ['synth'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PHOENIX_EXPERIMENTS_DIR: fixtureExperiments },
    });
    expect(run.status, run.stderr).toBe(0);
    // THEN the folder the README documents holds the charts, and dist/ does not exist
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const documented = /`cdk8s synth` works too \(`cdk8s\.yaml`\) and writes the same objects to `([^`/]+)\/`/.exec(readme)?.[1];
    expect(documented, 'README names the cdk8s output folder').toBeDefined();
    const charts = [...readFiles(path.join(root, documented!)).keys()];
    expect(charts).toEqual(expect.arrayContaining(['dev-alpha.k8s.yaml', 'prod-phoenix-experiments-flux.k8s.yaml']));
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
  }, 180_000);
});
