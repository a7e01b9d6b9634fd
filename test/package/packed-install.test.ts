import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorBinary } from '../support/collector';
import { FakeGitHub } from '../support/fake-github';
import { installPacked, packRepository, type PackedPackage } from '../support/install-packed';
import { runAction } from '../support/run-action';

const ours = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
  overrides?: Record<string, string>;
};
const REPOSITORY = 'https://github.com/platform-team/metrics-config';

/**
 * Phoenix as a team installs it: `npm pack`, the tarball installed into an empty folder with
 * production dependencies only (`npm ci --omit=dev`, offline from npm's cache), then the
 * installed `phoenix` scaffolds a config repository where synth, check and the action pass.
 */
describe('the packed package, installed without devDependencies', { timeout: 300_000 }, () => {
  let root: string;
  let app: string;
  let packed: PackedPackage;
  let bin: string;
  let installOutput: string;
  const phoenix = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(bin, args, { cwd: app, encoding: 'utf8', env: { ...process.env, PHOENIX_DEBUG: '', ...env }, timeout: 120_000 });

  beforeAll(() => {
    // GIVEN the tarball `npm pack` makes, installed into an empty folder as a dependency
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-package-'));
    app = path.join(root, 'metrics-config');
    fs.mkdirSync(app);
    packed = packRepository(root);
    installOutput = installPacked(packed, app);
    bin = path.join(app, 'node_modules', '.bin', 'phoenix');
  }, 300_000);

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('ships the runtime sources and the scaffold, and no tests, benchmarks or example trees', () => {
    expect(packed.name).toBe(ours.name);
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'bin/phoenix',
        'index.ts',
        'app/cli/index.ts',
        'templates/init/.github/workflows/phoenix.yml',
        'templates/init/gitignore',
        'action.yml',
      ]),
    );
    expect(
      packed.files.filter(
        (file) => /(^|\/)(test|bench|gitops|experiments\/baselines)\/|\.test\.ts$|__snapshots__/.test(file) && !file.startsWith('templates/'),
      ),
    ).toEqual([]);
    // and none of the devDependencies is installed (type declarations some runtime dependencies carry aside)
    const installed = Object.keys(ours.devDependencies)
      .filter((name) => !name.startsWith('@types/'))
      .filter((name) => fs.existsSync(path.join(app, 'node_modules', name, 'package.json')));
    expect(installed).toEqual([]);
  });

  it('runs phoenix --version, watch --help and bot --help', () => {
    const version = phoenix(['--version']);
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(ours.version);
    for (const command of ['watch', 'bot']) {
      const help = phoenix([command, '--help']);
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Usage: phoenix ${command}`));
    }
  });

  it('writes a new package.json with the overrides Phoenix needs, so npm installs it on Node 20 without a warning', () => {
    // GIVEN an empty folder WHEN phoenix init runs there
    const fresh = path.join(root, 'fresh-config');
    fs.mkdirSync(fresh);
    const init = spawnSync(bin, ['init', '--repository', REPOSITORY], {
      cwd: fresh,
      encoding: 'utf8',
      env: { ...process.env, PHOENIX_DEBUG: '' },
      timeout: 120_000,
    });
    expect(init.status, init.stderr).toBe(0);
    // THEN its package.json depends on this release and repeats Phoenix's overrides (npm applies only the root's)
    const manifest = JSON.parse(fs.readFileSync(path.join(fresh, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; overrides?: unknown };
    expect(manifest.dependencies[ours.name]).toBe(ours.version);
    expect(ours.overrides).toBeDefined();
    expect(manifest.overrides).toEqual(ours.overrides);
  });

  it('scaffolds a config repository where synth, synth --check and check (with the real collector) pass', () => {
    // WHEN phoenix init runs in the folder that depends on the package
    const init = phoenix(['init', '--repository', REPOSITORY]);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/kept {3} {2}package\.json/);
    for (const file of [
      'environments/dev.ts',
      'environments/prod.ts',
      'experiments/drop-go-gc-metrics.ts',
      '.phoenix/waivers.yaml',
      '.github/workflows/phoenix.yml',
      '.gitignore',
    ]) {
      expect(fs.existsSync(path.join(app, file)), file).toBe(true);
    }
    // the experiment imports the package, not a source tree
    expect(fs.readFileSync(path.join(app, 'experiments/drop-go-gc-metrics.ts'), 'utf8')).toMatch(/from 'phoenix-metrics'/);
    expect(fs.readFileSync(path.join(app, 'environments/shared.ts'), 'utf8')).toContain(`'${REPOSITORY}'`);

    // THEN synth writes the tree, synth --check finds it fresh, and check passes with the pinned collector
    const synth = phoenix(['synth']);
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.stdout).toMatch(/dev {6}drop-go-gc-metrics/);
    expect(fs.existsSync(path.join(app, 'gitops/clusters/dev/phoenix-experiments.yaml'))).toBe(true);
    expect(fs.readFileSync(path.join(app, 'gitops/clusters/prod/phoenix-infrastructure.yaml'), 'utf8')).toContain(REPOSITORY);
    const fresh = phoenix(['synth', '--check']);
    expect(fresh.status, fresh.stdout + fresh.stderr).toBe(0);
    const check = phoenix(['check', '--collector', collectorBinary()]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^0 errors, 0 warnings/m);

    // and a second init keeps every file
    const again = phoenix(['init', '--repository', REPOSITORY]);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toMatch(/created/);
  });

  it("runs the action's steps from the installed package in the config repository", () => {
    // GIVEN the scaffolded repository committed (the workflow uses ./node_modules/phoenix-metrics)
    expect(fs.existsSync(path.join(app, 'gitops')), 'the scaffold test above ran first').toBe(true);
    const workflow = fs.readFileSync(path.join(app, '.github/workflows/phoenix.yml'), 'utf8');
    expect(workflow).toMatch(/uses: \.\/node_modules\/phoenix-metrics/);
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: app,
        encoding: 'utf8',
        env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.invalid' },
      }).trim();
    git('init', '--quiet', '--initial-branch=main');
    git('add', '--all');
    git('commit', '--quiet', '-m', 'config repository');
    expect(git('ls-files', 'node_modules').length).toBe(0);
    const head = git('rev-parse', 'HEAD');
    // WHEN the composite action's steps run with action_path = the installed package
    const results = runAction(path.join(app, 'node_modules', ours.name), app, { base: head, head });
    // THEN both pass and the review is written
    expect(results.map((r) => [r.id, r.status, r.status === 0 ? '' : r.stderr])).toEqual([
      ['synth', 0, ''],
      ['review', 0, ''],
    ]);
    expect(fs.readFileSync(path.join(app, 'phoenix-review.md'), 'utf8')).toMatch(/phoenix/i);
  });

  it("proposes a person's decision whose commit carries the re-synthesized tree, so CI's synth --check passes", async () => {
    // GIVEN the committed config repository (the test above) pushed to a remote, and GitHub (fake)
    expect(fs.existsSync(path.join(app, '.git')), 'the action test above ran first').toBe(true);
    const remote = path.join(root, 'remote.git');
    execFileSync('git', ['clone', '--quiet', '--bare', app, remote]);
    const github = await FakeGitHub.start();
    try {
      github.addRepo({ owner: 'platform-team', name: 'metrics-config' });
      const branch = 'phoenix/start/drop-go-gc-metrics/dev';
      github.setRef('platform-team/metrics-config', `heads/${branch}`, '2'.repeat(40));
      const gitconfig = path.join(root, 'gitconfig');
      fs.writeFileSync(gitconfig, '[user]\n\tname = Alice Operator\n\temail = alice@example.invalid\n');
      const env = { ...process.env, GITHUB_TOKEN: 'a-person-token', GIT_CONFIG_GLOBAL: gitconfig, PHOENIX_DEBUG: '' };
      const args = [
        'experiment',
        'start',
        'drop-go-gc-metrics',
        '--env',
        'dev',
        '--remote',
        remote,
        '--repo',
        'platform-team/metrics-config',
        '--github-url',
        github.baseUrl,
      ];
      // (asynchronously: the GitHub fake answers from this process)
      const run = (extra: string[]) =>
        promisify(execFile)(bin, [...args, ...extra], { cwd: app, env, encoding: 'utf8' }).then(
          ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
          (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
        );
      // WHEN a dry run, then the real thing
      const dry = await run(['--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^dry run: would push phoenix\/start\/drop-go-gc-metrics\/dev \(.*gitops.*\)/);
      expect(execFileSync('git', ['branch', '--list', 'phoenix/*'], { cwd: remote, encoding: 'utf8' })).toBe('');
      const real = await run([]);
      expect(real.code, real.stderr).toBe(0);
      // THEN the pushed commit changes the state, the decision record and the tree, and the tree is fresh
      const changed = execFileSync('git', ['diff', '--name-only', 'main', branch], { cwd: remote, encoding: 'utf8' }).trim().split('\n');
      expect(changed).toEqual(
        expect.arrayContaining([
          'experiments/drop-go-gc-metrics.state.yaml',
          'gitops/experiments/dev/drop-go-gc-metrics/opentelemetrycollector-drop-go-gc-metrics.yaml',
        ]),
      );
      expect(changed.filter((file) => file.startsWith('node_modules'))).toEqual([]);
      const checkout = path.join(root, 'branch');
      execFileSync('git', ['clone', '--quiet', '--branch', branch, remote, checkout]);
      fs.symlinkSync(path.join(app, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
      const fresh = spawnSync(bin, ['synth', '--check'], { cwd: checkout, encoding: 'utf8' });
      expect(fresh.status, fresh.stdout + fresh.stderr).toBe(0);
      expect(github.repo('platform-team/metrics-config').pulls[0]!.body).not.toMatch(/re-synthesi[sz]e/i);
    } finally {
      await github.stop();
    }
  });

  it('installs without an engine warning: content-type is held at a release that supports Node 20, and parses', () => {
    // @octokit/request asks for content-type ^3 (Node >= 22); the overrides phoenix init writes hold it at 2.1.0 (ADR 0002)
    expect(installOutput).not.toMatch(/EBADENGINE/);
    const requestDir = path.join(app, 'node_modules', '@octokit', 'request');
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        "const m = require(require.resolve('content-type', { paths: [process.argv[1]] })); console.log(m.parse('application/json; charset=utf-8').parameters.charset)",
        requestDir,
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('utf-8');
  });

  it('fails with one clear line when the bin is run without its dependencies', () => {
    const bare = path.join(root, 'bare');
    fs.mkdirSync(path.join(bare, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(app, 'node_modules', ours.name, 'bin', 'phoenix'), path.join(bare, 'bin', 'phoenix'));
    const result = spawnSync(process.execPath, [path.join(bare, 'bin', 'phoenix'), '--version'], { cwd: bare, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/^phoenix: error: cannot load tsx, a dependency of phoenix-metrics: install the package's dependencies first/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
