import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../app/cli/program';
import { repoFromRemote } from '../../app/cli/commands/experiment';
import { parseExperimentState } from '../../constructs/experiment/state';
import { git } from '../support/git';
import { FakeGitHub, seedConfigRepo, usePersonGitIdentity } from '../support/fake-github';

describe('phoenix experiment pause|resume|abort', () => {
  let root: string;
  let remote: string;
  let github: FakeGitHub;
  const saved = { ...process.env };
  let stdout = '';
  let stderr = '';

  beforeEach(async () => {
    // GIVEN a config repo where drop-pod-labels runs in dev, a person's git identity and a GitHub token
    root = await mkdtemp(path.join(tmpdir(), 'phoenix-exp-cli-'));
    usePersonGitIdentity(root);
    process.env.GITHUB_TOKEN = 'test-token';
    ({ remote } = seedConfigRepo(root));
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'acme', name: 'config' });
    stdout = '';
    stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    github.assertValid();
    await github.stop();
    await rm(root, { recursive: true, force: true });
  });

  const args = (action: string) => [
    'experiment',
    action,
    'drop-pod-labels',
    '--env',
    'dev',
    '--remote',
    remote,
    '--repo',
    'acme/config',
    '--github-url',
    github.baseUrl,
    '--reason',
    'incident freeze',
  ];

  it('opens a pull request that pauses the experiment, authored by the person', async () => {
    github.setRef('acme/config', 'heads/phoenix/pause/drop-pod-labels/dev', 'f'.repeat(40));
    const code = await runCli(args('pause'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/\/acme\/config\/pull\/1/);
    const state = parseExperimentState(git(remote, 'show', 'phoenix/pause/drop-pod-labels/dev:experiments/drop-pod-labels.state.yaml'), 'state');
    expect(state.environments.dev).toMatchObject({ phase: 'paused', reason: 'incident freeze' });
    expect(git(remote, 'log', '-1', '--format=%ae', 'phoenix/pause/drop-pod-labels/dev')).toBe('alice@example.invalid');
    expect(github.repo('acme/config').pulls[0].title).toBe('pause drop-pod-labels in dev');
  });

  it('fails with exit 2 and says why when the experiment is not paused', async () => {
    const code = await runCli(args('resume'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot resume: the experiment is running, not paused, in dev/);
    expect(github.repo('acme/config').pulls).toHaveLength(0);
  });

  it('fails with exit 2 when no token is set', async () => {
    delete process.env.GITHUB_TOKEN;
    delete process.env.PHOENIX_GITHUB_TOKEN;
    expect(await runCli(args('abort'))).toBe(2);
    expect(stderr).toMatch(/no GitHub token: set GITHUB_TOKEN/);
  });

  it('--dry-run prints what it would push and open, and pushes nothing', async () => {
    const code = await runCli([...args('pause'), '--dry-run']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^dry run: would push phoenix\/pause\/drop-pod-labels\/dev \(experiments\/drop-pod-labels\.state\.yaml, experiments\/decisions\/\S+\) and open a pull request 'pause drop-pod-labels in dev' against main$/m,
    );
    expect(git(remote, 'branch', '--list', 'phoenix/*')).toBe('');
    expect(github.calls('pulls/create')).toHaveLength(0);
  });

  it('reads the state in the folder --experiments names, like synth and estimate (--experiments-dir: its former name)', async () => {
    // GIVEN the repository also holds the experiment paused in conf/ (running in experiments/)
    const seed = path.join(root, 'seed');
    await mkdir(path.join(seed, 'conf'));
    await writeFile(path.join(seed, 'conf/drop-pod-labels.state.yaml'), 'version: 1\nenvironments:\n  dev:\n    phase: paused\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'conf');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    for (const flag of ['--experiments', '--experiments-dir']) {
      stdout = '';
      // WHEN a resume is proposed with that folder
      const code = await runCli([...args('resume'), flag, 'conf', '--dry-run']);
      // THEN it resumes the paused experiment of conf/ and writes there
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^dry run: would push phoenix\/resume\/drop-pod-labels\/dev \(conf\/drop-pod-labels\.state\.yaml, conf\/decisions\/\S+\)/m);
    }
  });

  it('fails with exit 3 ("try again"), not as a bug, and pushes nothing when GitHub does not answer', async () => {
    // GIVEN GitHub answers 503 to every try of the look-up (the client retries reads)
    github.failNext('pulls/list', { status: 503, times: 4 });
    const code = await runCli(args('abort'));
    expect(code).toBe(3);
    expect(stderr).toMatch(/GitHub did not answer \(.*\): branch phoenix\/abort\/drop-pod-labels\/dev was not pushed; try again when GitHub is reachable/);
    expect(stderr).not.toMatch(/looks like a bug/);
    expect(git(remote, 'branch', '--list', 'phoenix/*')).toBe('');
  }, 60_000);

  it('reads owner/name from https and ssh remotes', () => {
    expect(repoFromRemote('https://github.com/acme/config.git')).toBe('acme/config');
    expect(repoFromRemote('git@github.com:acme/config.git')).toBe('acme/config');
    expect(() => repoFromRemote('config.git')).toThrow(/pass --repo/);
  });
});
