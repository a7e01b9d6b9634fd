import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPhoenix } from '../support/run-phoenix';
import { fixtureExperiments, phoenix, readFiles, repoRoot, tempDir } from './helpers';

/** Writes experiment files into a fresh folder; `$CDK8S` and `$DEFINE` stand for absolute import paths. */
function experimentsDir(files: Record<string, string>, options: { readonly repository?: boolean } = {}): string {
  const dir = tempDir('phoenix-exp-');
  if (options.repository !== false) execFileSync('git', ['init', '--quiet', dir]);
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(
      path.join(dir, name),
      text.replace('$CDK8S', path.join(repoRoot, 'node_modules', 'cdk8s')).replace('$DEFINE', path.join(repoRoot, 'constructs', 'experiment', 'definition')),
    );
  }
  return dir;
}

describe('phoenix synth (CLI)', () => {
  let work: string;
  beforeAll(() => {
    work = tempDir();
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('prints one line per experiment and environment, and --check passes on the fresh tree', async () => {
    const out = path.join(work, 'fresh');
    const synth = await runPhoenix(['synth', '-o', out, '--experiments', fixtureExperiments]);
    expect(synth.code).toBe(0);
    expect(synth.stdout.split('\n').filter((line) => /^(dev|staging|prod)\s/.test(line))).toHaveLength(6);
    expect(synth.stdout).toMatch(/^dev\s+beta\s+running\s+2 objects → .*experiments\/dev\/beta\/$/m);
    const check = await runPhoenix(['synth', '-o', out, '--experiments', fixtureExperiments, '--check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/is up to date/);
  });

  it('--check exits 1 and lists stale, missing and extra files', async () => {
    // GIVEN a tree where one file was edited, one deleted and one owned file no longer produced
    const out = path.join(work, 'stale');
    await runPhoenix(['synth', '-o', out, '--experiments', fixtureExperiments]);
    fs.appendFileSync(path.join(out, 'clusters/dev/phoenix-experiments.yaml'), '# edited\n');
    fs.rmSync(path.join(out, 'experiments/prod/alpha/kustomization.yaml'));
    const owned = JSON.parse(fs.readFileSync(path.join(out, '.phoenix-owned.json'), 'utf8'));
    fs.writeFileSync(path.join(out, 'experiments/dev/old.yaml'), 'x');
    fs.writeFileSync(path.join(out, '.phoenix-owned.json'), JSON.stringify({ ...owned, files: [...owned.files, 'experiments/dev/old.yaml'] }));
    const before = readFiles(out);
    // WHEN checked
    const check = await runPhoenix(['synth', '-o', out, '--experiments', fixtureExperiments, '--check']);
    // THEN exit 1 with each difference, and nothing written
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^stale\s+.*clusters\/dev\/phoenix-experiments\.yaml$/m);
    expect(check.stdout).toMatch(/^missing\s+.*experiments\/prod\/alpha\/kustomization\.yaml$/m);
    expect(check.stdout).toMatch(/^extra\s+.*experiments\/dev\/old\.yaml$/m);
    expect(check.stderr).toMatch(/is stale .*run 'npm run synth' and commit/);
    expect(readFiles(out)).toEqual(before);
  });

  it('--env writes only the named environments', async () => {
    const out = path.join(work, 'only-dev');
    expect((await runPhoenix(['synth', '-o', out, '--experiments', fixtureExperiments, '--env', 'dev'])).code).toBe(0);
    expect([...readFiles(out).keys()].filter((file) => /(staging|prod)/.test(file))).toEqual([]);
    expect(readFiles(out).has('experiments/dev/alpha/kustomization.yaml')).toBe(true);
  });

  it('fails with exit 2 and writes nothing on an unknown environment', async () => {
    const out = path.join(work, 'unknown-env');
    const result = await runPhoenix(['synth', '-o', out, '--experiments', fixtureExperiments, '--env', 'qa']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown environment 'qa': known environments are dev, staging, prod/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('fails with exit 2 and writes nothing when two experiments share a name', async () => {
    const dir = experimentsDir({
      'one.ts': "export default { name: 'same', build() {} };\n",
      'two.ts': "export default { name: 'same', build() {} };\n",
    });
    const out = path.join(work, 'dup-name');
    const result = await runPhoenix(['synth', '-o', out, '--experiments', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/two\.ts: experiment 'same' is already defined in .*one\.ts/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('fails with exit 2 when two objects of one kind and name land in one folder', async () => {
    const dir = experimentsDir({
      'dup.ts': `import { ApiObject } from '$CDK8S';
export default { name: 'dup', build(scope: any) {
  new ApiObject(scope, 'A', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' } });
  new ApiObject(scope, 'B', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' } });
} };
`,
    });
    const out = path.join(work, 'dup-object');
    const result = await runPhoenix(['synth', '-o', out, '--experiments', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/dup\.ts: two objects ConfigMap\/phoenix-collectors\/config in experiments\/dev\/dup/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('fails with exit 2 naming file and line when an experiment does not compile', async () => {
    const dir = experimentsDir({ 'broken.ts': "export default {\n  name: 'broken',\n  build() { const = 1; },\n};\n" });
    const result = await runPhoenix(['synth', '-o', path.join(work, 'broken'), '--experiments', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.ts:3:\d+: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails with exit 2 and names the construct path when an experiment reports a validation error', async () => {
    const dir = experimentsDir({
      'invalid.ts': `import { ApiObject } from '$CDK8S';
export default { name: 'invalid', build(scope: any) {
  const object = new ApiObject(scope, 'Collector', { apiVersion: 'v1', kind: 'ConfigMap' });
  object.node.addValidation({ validate: () => ['an experiment needs at least one candidate'] });
} };
`,
    });
    const result = await runPhoenix(['synth', '-o', path.join(work, 'invalid'), '--experiments', dir, '--env', 'dev']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid\.ts \(dev\): invalid\/Collector: an experiment needs at least one candidate/);
  });

  it('fails with exit 2 and writes nothing when the output folder is not writable', async () => {
    fs.writeFileSync(path.join(work, 'plain-file'), 'x');
    const result = await runPhoenix(['synth', '-o', path.join(work, 'plain-file', 'gitops'), '--experiments', fixtureExperiments]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot write to the output folder .*: ENOTDIR; choose a writable folder with -o/);
  });

  it('runs end to end through bin/phoenix', () => {
    const out = path.join(work, 'e2e');
    const result = phoenix(['synth', '-o', out, '--experiments', fixtureExperiments, '--env', 'prod']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^prod\s+alpha\s+pending/m);
  }, 180_000);
});

describe('phoenix synth: the repository root and Flux paths', () => {
  let work: string;
  beforeAll(() => {
    work = tempDir();
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const fluxPaths = (tree: Map<string, string>) => [...tree.get('clusters/dev/phoenix-experiments.yaml')!.matchAll(/path: (\S+)/g)].map((match) => match[1]);

  it('writes the same tree, with Flux paths relative to the repository root, into any folder outside the repository', async () => {
    // GIVEN two output folders outside the repository
    const [first, second] = [path.join(work, 'one'), path.join(work, 'elsewhere', 'two')];
    // WHEN synthesizing into each
    expect((await runPhoenix(['synth', '-o', first, '--experiments', fixtureExperiments, '--env', 'dev'])).code).toBe(0);
    expect((await runPhoenix(['synth', '-o', second, '--experiments', fixtureExperiments, '--env', 'dev'])).code).toBe(0);
    // THEN the trees are identical and name the folders the tree has in the repository
    expect(readFiles(second)).toEqual(readFiles(first));
    expect(fluxPaths(readFiles(first))).toEqual(['./gitops/experiments/dev/alpha', './gitops/experiments/dev/beta']);
  });

  it('derives Flux paths from the repository root, not the working directory, for a folder inside it', async () => {
    // GIVEN experiments in a repository and a working directory elsewhere (this project's, which holds the environments)
    const repo = experimentsDir({ 'one.ts': "export default { name: 'one', build() {} };\n" });
    const out = path.join(repo, 'deploy', 'tree');
    expect(path.relative(repo, process.cwd()).startsWith('..')).toBe(true);
    // WHEN synthesizing into a folder of that repository
    const inside = await runPhoenix(['synth', '-o', out, '--experiments', repo, '--env', 'dev']);
    expect(inside.code, inside.stderr).toBe(0);
    // THEN the Flux path is the folder's path in the repository
    expect(fluxPaths(readFiles(out))).toEqual(['./deploy/tree/experiments/dev/one']);
    // AND --flux-path names it explicitly
    const named = path.join(work, 'named');
    expect((await runPhoenix(['synth', '-o', named, '--experiments', repo, '--env', 'dev', '--flux-path', './clusters/config/'])).code).toBe(0);
    expect(fluxPaths(readFiles(named))).toEqual(['./clusters/config/experiments/dev/one']);
    expect((await runPhoenix(['synth', '-o', named, '--experiments', repo, '--flux-path', '../up'])).code).toBe(2);
  });

  it('fails with one line when the experiments lie outside any repository, and --repo-root names the root', async () => {
    // GIVEN experiments outside any git repository
    const dir = experimentsDir({ 'one.ts': "export default { name: 'one', build() {} };\n" }, { repository: false });
    const out = path.join(work, 'outside');
    // WHEN synthesized without a root THEN exit 2, one line, nothing written
    const refused = await runPhoenix(['synth', '-o', out, '--experiments', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/is not inside a git repository: pass --repo-root DIR/);
    expect(fs.existsSync(out)).toBe(false);
    // WHEN given --repo-root THEN it synthesizes
    expect((await runPhoenix(['synth', '-o', out, '--experiments', dir, '--env', 'dev', '--repo-root', dir])).code).toBe(0);
    expect(fluxPaths(readFiles(out))).toEqual(['./gitops/experiments/dev/one']);
  });
});
