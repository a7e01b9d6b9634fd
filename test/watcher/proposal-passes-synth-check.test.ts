import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../app/cli/program';
import { parseExperimentState } from '../../constructs/experiment/state';
import { FakeGitHub, syncBranchesToGitHub } from '../support/fake-github';
import { GitHttpServer } from '../support/git-http-server';

const ROOT = path.resolve(__dirname, '../..');
const REPOSITORY = 'phoenix-metrics/phoenix';
const TOKEN = 'ghp_proposer0123456789abcdefPROPOSER';
const EXPERIMENT = 'unused-runtime-metrics';
const BRANCH = `phoenix/start/${EXPERIMENT}/dev`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Seed',
      GIT_AUTHOR_EMAIL: 'seed@example.invalid',
      GIT_COMMITTER_NAME: 'Seed',
      GIT_COMMITTER_EMAIL: 'seed@example.invalid',
    },
  }).trim();
}

/** `phoenix synth --check` in `dir` (this installation's node_modules linked in, as CI has its own). */
function synthCheck(dir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [path.join(dir, 'bin', 'phoenix'), 'synth', '--check'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * A person's proposal, end to end, judged as CI judges its pull request: Phoenix's own repository
 * (a config repository with environments, experiments and the committed `gitops/` tree) is served
 * by a real `git http-backend` that demands a token; `phoenix experiment start` proposes through
 * it; the test then checks out the proposed branch and runs `phoenix synth --check` there. It must
 * pass: the commit carries the re-synthesized tree, so CI on that pull request is green.
 */
describe('a proposed branch passes phoenix synth --check', { timeout: 600_000 }, () => {
  let root: string;
  let bare: string;
  let server: GitHttpServer;
  let github: FakeGitHub;
  const saved = { ...process.env };

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'phoenix-proposal-check-'));
    // the config repository: this repository's committed tree, as one commit on main
    const seed = path.join(root, 'seed');
    mkdirSync(seed);
    execFileSync('bash', ['-c', `git -C "${ROOT}" archive HEAD | tar -x -C "${seed}"`]);
    expect(readFileSync(path.join(seed, 'package-lock.json'), 'utf8'), 'the committed package-lock.json must be the installed one').toBe(
      readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'),
    );
    git(seed, 'init', '--quiet', '--initial-branch=main');
    git(seed, 'add', '-A');
    git(seed, 'commit', '--quiet', '-m', 'config repository');
    bare = path.join(root, 'repos', `${REPOSITORY}.git`);
    mkdirSync(path.dirname(bare), { recursive: true });
    git(root, 'clone', '--quiet', '--bare', seed, bare);
    github = await FakeGitHub.start();
    const [owner, name] = REPOSITORY.split('/') as [string, string];
    github.addRepo({ owner, name });
    syncBranchesToGitHub(github, REPOSITORY, bare);
    server = await GitHttpServer.start({
      root: path.join(root, 'repos'),
      authorize: (token) => (token === TOKEN ? 'ok' : 'unauthorized'),
      afterPush: (repository) => syncBranchesToGitHub(github, repository, bare),
    });
    const gitconfig = path.join(root, 'gitconfig');
    writeFileSync(gitconfig, '[user]\n\tname = Alice Operator\n\temail = alice@example.invalid\n');
    process.env.GIT_CONFIG_GLOBAL = gitconfig;
    process.env.GITHUB_TOKEN = TOKEN;
  });

  afterAll(async () => {
    process.env = { ...saved };
    await server?.stop();
    await github?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('phoenix experiment start proposes a branch whose tree is fresh', async () => {
    // WHEN a person starts the pending experiment in dev, through the authenticating server
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    let code: number;
    try {
      code = await runCli([
        'experiment',
        'start',
        EXPERIMENT,
        '--env',
        'dev',
        '--remote',
        server.url(REPOSITORY),
        '--repo',
        REPOSITORY,
        '--github-url',
        github.baseUrl,
        '--reason',
        'measure it',
      ]);
    } finally {
      vi.restoreAllMocks();
    }
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`/${REPOSITORY}/pull/1`));
    const pull = github.repo(REPOSITORY).pulls[0]!;
    expect(pull).toMatchObject({ headRef: BRANCH, state: 'open' });
    expect(pull.body ?? '').not.toMatch(/CI must re-synthesize/);

    // THEN the branch changes the state file and the synthesized tree, in one commit
    const changed = git(bare, 'diff', '--name-only', `main...${BRANCH}`).split('\n');
    expect(changed).toContain(`experiments/${EXPERIMENT}.state.yaml`);
    expect(changed.some((file) => file.startsWith(`gitops/experiments/dev/${EXPERIMENT}/`))).toBe(true);
    expect(parseExperimentState(git(bare, 'show', `${BRANCH}:experiments/${EXPERIMENT}.state.yaml`), 'state').environments.dev).toMatchObject({
      phase: 'running',
    });

    // AND a checkout of the proposed branch passes synth --check, as CI on the pull request would
    const checkout = path.join(root, 'checkout');
    git(root, 'clone', '--quiet', '--branch', BRANCH, bare, checkout);
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
    const fresh = synthCheck(checkout);
    expect(fresh.output).toMatch(/gitops\/ is up to date/);
    expect(fresh.status).toBe(0);

    // AND the check is not blind: the same branch with main's tree fails it
    git(checkout, 'checkout', '--quiet', 'origin/main', '--', 'gitops');
    const stale = synthCheck(checkout);
    expect(stale.status).toBe(1);
    expect(stale.output).toMatch(new RegExp(`gitops/experiments/dev/${EXPERIMENT}/`));
  });
});
