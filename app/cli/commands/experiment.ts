import { localGitOutput } from '../../../clients/git/local-git';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { ConfigRepo, type GitIdentity } from '../../../clients/git/config-repo';
import { staticGitToken } from '../../../clients/git/run-git';
import { createGitHubClient } from '../../../clients/github/octokit';
import type { PersonAction } from '../../watcher/actuation/proposal';
import { DecisionRefusedError, proposePersonDecision } from '../../watcher/actuation/propose-person-decision';
import { INSTALLATION_DIR, resynthesizeWithInstallation } from '../../watcher/actuation/resynthesize';
import { UsageError } from '../errors';

interface ExperimentOptions {
  readonly env: string;
  readonly reason?: string;
  readonly remote?: string;
  readonly repo?: string;
  readonly base: string;
  readonly githubUrl: string;
  readonly experiments?: string;
  /** Former spelling of `experiments`. */
  readonly experimentsDir?: string;
  readonly dryRun?: boolean;
}

const actions: Record<PersonAction, string> = {
  start: 'start measuring a pending experiment in an environment',
  pause: 'keep measuring the experiment in an environment but never act on it',
  resume: 'let the watcher act on a paused experiment again',
  abort: 'end the experiment in an environment: production only, no shadow pipelines',
};

/** `phoenix experiment start|pause|resume|abort NAME --env ENV`: a person's decision, proposed as a pull request like the watcher's. */
export function register(program: Command): void {
  const experiment = program.command('experiment').description("propose a person's decision about an experiment as a pull request");
  for (const [action, description] of Object.entries(actions) as Array<[PersonAction, string]>) {
    experiment
      .command(`${action} <name>`)
      .description(`${description} (opens a pull request)`)
      .requiredOption('--env <name>', 'environment, e.g. prod')
      .option('--reason <text>', 'why, shown in the pull request and the decision record')
      .option('--remote <url>', 'config repo remote to clone and push to (default: origin of the current repo)')
      .option('--repo <owner/name>', 'GitHub repository (default: from the remote URL)')
      .option('--base <branch>', 'branch the pull request targets', 'main')
      .option('--experiments <dir>', 'folder of the experiment definitions in the repository (default: experiments)')
      .addOption(new Option('--experiments-dir <dir>', 'former name of --experiments').hideHelp())
      .option('--dry-run', 'build the commit in a temporary clone and print what would be pushed and opened; push nothing, open nothing')
      .addOption(new Option('--github-url <url>', 'GitHub REST API URL').env('GITHUB_API_URL').default('https://api.github.com'))
      .action(async (name: string, options: ExperimentOptions) => {
        const url = await proposeFromCli(action, name, options);
        process.stdout.write(`${url}\n`);
      });
  }
}

async function proposeFromCli(action: PersonAction, experiment: string, options: ExperimentOptions): Promise<string> {
  const token = process.env.PHOENIX_GITHUB_TOKEN ?? process.env.GITHUB_TOKEN;
  if (!token) throw new UsageError('no GitHub token: set GITHUB_TOKEN (or PHOENIX_GITHUB_TOKEN) to a token that may push branches and open pull requests');
  const remote = options.remote ?? gitOutput(['remote', 'get-url', 'origin'], 'no --remote given and the current folder has no git remote "origin"');
  const [owner, repoName] = (options.repo ?? repoFromRemote(remote)).split('/');
  if (!owner || !repoName) throw new UsageError(`--repo must be owner/name, got '${options.repo}'`);
  const identity = personIdentity();
  const work = await mkdtemp(path.join(tmpdir(), 'phoenix-experiment-'));
  try {
    // The token reaches git through its environment, for an https remote only (docs/adr/0150).
    const repo = await ConfigRepo.open(work, remote, { baseBranch: options.base, tokens: staticGitToken(token) });
    const github = createGitHubClient({ auth: token, baseUrl: options.githubUrl });
    const outcome = await proposePersonDecision(
      { experiment, environment: options.env, action, decidedBy: identity.name, ...(options.reason ? { reason: options.reason } : {}) },
      {
        repo,
        github,
        owner,
        repoName,
        identity,
        experimentsDir: options.experiments ?? options.experimentsDir ?? 'experiments',
        dryRun: options.dryRun,
        // The commit carries the re-synthesized tree when the person's checkout has the same lockfile.
        resynthesize: resynthesizeWithInstallation(checkoutRoot() ?? INSTALLATION_DIR),
      },
    ).catch((error: Error) => {
      if (error instanceof DecisionRefusedError) throw new UsageError(error.message);
      throw error;
    });
    if (outcome.kind === 'conflict')
      throw new UsageError(`another pull request for ${experiment} in ${options.env} is open (${outcome.action}): ${outcome.url} — merge or close it first`);
    if (outcome.kind === 'proposed' && outcome.status === 'blocked') throw new UsageError(outcome.detail ?? 'the proposal branch is blocked');
    if (outcome.kind === 'proposed' && outcome.status === 'dry-run') return `dry run: ${outcome.detail ?? ''}`;
    return outcome.url ?? '';
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The root of the git checkout the command runs in, if any. */
function checkoutRoot(): string | undefined {
  return localGitOutput(['rev-parse', '--show-toplevel']) || undefined;
}

function gitOutput(args: string[], failure: string): string {
  const output = localGitOutput(args);
  if (output === undefined) throw new UsageError(failure);
  return output;
}

/** owner/name from an https or ssh GitHub remote URL. */
export function repoFromRemote(remote: string): string {
  const match = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(remote);
  if (!match) throw new UsageError(`cannot tell the GitHub repository from the remote '${remote}': pass --repo owner/name`);
  return `${match[1]}/${match[2]}`;
}

function personIdentity(): GitIdentity {
  const name = gitOutput(['config', 'user.name'], 'git has no user.name: set it with `git config --global user.name "Your Name"`');
  const email = gitOutput(['config', 'user.email'], 'git has no user.email: set it with `git config --global user.email you@example.com`');
  return { name, email };
}
