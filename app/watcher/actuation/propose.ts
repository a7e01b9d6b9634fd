import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Octokit } from '@octokit/rest';
import type { ConfigRepo, GitIdentity } from '../../../clients/git/config-repo';
import { GitCommandError } from '../../../clients/git/run-git';
import { beforePushing, describeGitHubFailure, GitHubUnavailableError } from '../../../clients/github/github-failure';
import { emptyExperimentState, lifecycleFor, parseExperimentState, serializeExperimentState, withLifecycle } from '../../../constructs/experiment/state';
import { decisionRecordPath, nextLifecycle, renderDecisionRecord } from './apply-proposal';
import { proposalBranch, type Proposal } from './proposal';
import { proposalBody, proposalLabels, proposalTitle } from './render-pull-request';

/** What proposing needs: the config repo clone, GitHub, and how to re-synthesize the tree. */
export interface ProposeContext {
  readonly repo: ConfigRepo;
  /** An Octokit whose retry plugin never repeats a POST blindly (see clients/github). */
  readonly github: Octokit;
  readonly owner: string;
  readonly repoName: string;
  /** Author and committer of the proposal commits; a branch with commits by anyone else is left alone. */
  readonly identity: GitIdentity;
  /** Folder of the experiments and their state files, repo-relative. @default 'experiments' */
  readonly experimentsDir?: string;
  /** Folder of the synthesized tree, repo-relative. @default 'gitops' */
  readonly gitopsDir?: string;
  /**
   * Re-synthesizes the tree in the clone after the state changed. Undefined, or resolving to false
   * (the config repo's lockfile differs from this installation), commits the state change and
   * decision record only and says in the pull request that CI must re-synthesize.
   */
  readonly resynthesize?: (repoDir: string) => Promise<boolean>;
  /**
   * Called after each durable step; a crash (kill) at that point leaves the same state behind as an
   * exception thrown here, which is how the tests prove a restart ends with exactly one pull request.
   * @default - none
   */
  readonly afterStep?: (step: 'committed' | 'pushed' | 'pull-request-created') => void;
  /** Merge rollback pull requests at once when GitHub allows it (per-environment opt-in). @default false */
  readonly autoMergeRollbacks?: boolean;
  /**
   * Build the commit in the local clone and report what would be pushed and opened, but push
   * nothing and change nothing on GitHub (outcome `dry-run`). @default false
   */
  readonly dryRun?: boolean;
}

/** What became of a proposal. */
export interface ProposeOutcome {
  /** `opened` a new pull request, `updated` the existing one, `unchanged` (nothing new), `blocked`, or `dry-run` (nothing pushed). */
  readonly status: 'opened' | 'updated' | 'unchanged' | 'blocked' | 'dry-run';
  readonly branch: string;
  readonly pullNumber?: number;
  readonly url?: string;
  /** Set when the rollback was merged at once. */
  readonly merged?: boolean;
  /** Why it is blocked, or a note for the log (in a dry run: what would be pushed and opened). */
  readonly detail?: string;
  /** Files the proposal commit changes (repo-relative; a re-synthesized tree as its folder). */
  readonly files?: readonly string[];
  /** Title of the pull request opened or updated (or that a dry run would open). */
  readonly title?: string;
}

/**
 * Opens or updates the one pull request of a proposal, exactly once: the branch is deterministic,
 * rebuilt from the current base on every call and pushed with a lease; the pull request is looked
 * up by branch before it is created, and a failed create is followed by another look-up, never by
 * a blind retry. A branch carrying someone else's commits is left alone and reported.
 */
export async function proposeChange(proposal: Proposal, context: ProposeContext): Promise<ProposeOutcome> {
  const branch = proposalBranch(proposal);
  // GitHub answers before anything is pushed: an unreachable GitHub leaves no branch behind.
  const before = await beforePushing(`branch ${branch}`, () => findOpenPullRequest(context, branch));
  for (let attempt = 1; ; attempt += 1) {
    const pushed = await buildAndPushBranch(proposal, context, branch);
    if (pushed.status === 'blocked') return { status: 'blocked', branch, detail: pushed.detail };
    if (pushed.status === 'dry-run') {
      const title = proposalTitle(proposal);
      const pull = before ? `update pull request #${before.number} (${before.url})` : `open a pull request '${title}' against ${context.repo.baseBranch}`;
      return {
        status: 'dry-run',
        branch,
        title,
        files: pushed.files,
        pullNumber: before?.number,
        url: before?.url,
        detail: `would push ${branch} (${pushed.files.join(', ')}) and ${pull}`,
      };
    }
    if (pushed.status === 'rejected') {
      if (attempt >= 3)
        throw new GitCommandError(`the push of ${branch} was rejected ${attempt} times: the branch keeps moving; will try again next cycle`, 'rejected');
      continue;
    }
    try {
      return { ...(await openOrUpdatePullRequest(proposal, context, branch, pushed.treeNotResynthesized, pushed.recordPath)), files: pushed.files };
    } catch (error) {
      const failure = describeGitHubFailure(error, `branch ${branch} is pushed but its pull request was not opened or updated (the next try does it)`);
      throw failure instanceof GitHubUnavailableError ? new GitHubUnavailableError(failure.message, true) : failure;
    }
  }
}

interface PushOutcome {
  readonly status: 'pushed' | 'unchanged' | 'rejected' | 'blocked' | 'dry-run';
  readonly files: readonly string[];
  readonly treeNotResynthesized: boolean;
  readonly recordPath: string;
  readonly detail?: string;
  readonly branch: string;
}

async function buildAndPushBranch(proposal: Proposal, context: ProposeContext, branch: string): Promise<PushOutcome> {
  const { repo, identity } = context;
  const experimentsDir = context.experimentsDir ?? 'experiments';
  await repo.fetch();
  const base = await repo.baseHead();
  const remote = await repo.remoteBranch(branch);
  const recordPath = decisionRecordPath(proposal, experimentsDir);
  if (remote) {
    const foreign = (await repo.branchCommits(branch)).filter((c) => c.authorEmail !== identity.email);
    if (foreign.length > 0) {
      const authors = [...new Set(foreign.map((c) => c.authorEmail))].join(', ');
      return {
        status: 'blocked',
        branch,
        recordPath,
        files: [],
        treeNotResynthesized: false,
        detail: `branch ${branch} has commits by ${authors}; Phoenix leaves it alone — merge or delete it to let Phoenix propose again`,
      };
    }
  }
  await repo.checkoutFresh(branch, base);
  const stateFile = `${experimentsDir}/${proposal.experiment}.state.yaml`;
  const statePath = path.join(repo.dir, stateFile);
  const text = await readFile(statePath, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
  const state = text === undefined ? emptyExperimentState() : parseExperimentState(text, stateFile);
  const next = nextLifecycle(lifecycleFor(state, proposal.environment), proposal, recordPath);
  await writeAtomically(statePath, serializeExperimentState(withLifecycle(state, proposal.environment, next)));
  await writeAtomically(path.join(repo.dir, recordPath), renderDecisionRecord(proposal));
  const resynthesized = context.resynthesize ? await context.resynthesize(repo.dir) : false;
  const paths = [stateFile, recordPath, ...(resynthesized ? [context.gitopsDir ?? 'gitops'] : [])];
  const subject = `${proposal.action}(${proposal.experiment}): ${proposal.variant ? `${proposal.variant} ` : ''}in ${proposal.environment}`;
  const commit = await repo.commit(paths, `${subject}\n\n${proposal.reason}\n\nDecision record: ${recordPath}`, identity);
  if (!commit)
    throw new Error(`the proposal to ${proposal.action} ${proposal.experiment} in ${proposal.environment} changes nothing: the state file already says so`);
  context.afterStep?.('committed');
  if (context.dryRun) return { status: 'dry-run', branch, recordPath, files: paths, treeNotResynthesized: !resynthesized };
  if (remote && (await repo.sameTree(commit, remote))) {
    return { status: 'unchanged', branch, recordPath, files: paths, treeNotResynthesized: !resynthesized };
  }
  const result = await repo.push(branch, remote);
  if (result === 'pushed') context.afterStep?.('pushed');
  return { status: result, branch, recordPath, files: paths, treeNotResynthesized: !resynthesized };
}

async function openOrUpdatePullRequest(
  proposal: Proposal,
  context: ProposeContext,
  branch: string,
  treeNotResynthesized: boolean,
  recordPath: string,
): Promise<ProposeOutcome> {
  const { github, owner, repoName } = context;
  const title = proposalTitle(proposal);
  const body = proposalBody(proposal, { recordPath, treeNotResynthesized });
  let pull = await findOpenPullRequest(context, branch);
  let status: ProposeOutcome['status'];
  if (pull) {
    if (pull.title === title && pull.body === body) {
      status = 'unchanged';
    } else {
      await github.rest.pulls.update({ owner, repo: repoName, pull_number: pull.number, title, body });
      status = 'updated';
    }
  } else {
    pull = await createPullRequestOnce(context, branch, title, body);
    context.afterStep?.('pull-request-created');
    status = 'opened';
    await github.rest.issues.addLabels({ owner, repo: repoName, issue_number: pull.number, labels: proposalLabels(proposal) });
  }
  let merged = false;
  if (proposal.action === 'rollback' && context.autoMergeRollbacks) merged = await tryMerge(context, pull.number, pull.headSha);
  return { status, branch, pullNumber: pull.number, url: pull.url, merged, title };
}

interface FoundPull {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly url: string;
  readonly headSha: string;
}

/** The open pull request whose head is `branch` in the config repo itself (not a fork), if any. */
export async function findOpenPullRequest(context: Pick<ProposeContext, 'github' | 'owner' | 'repoName'>, branch: string): Promise<FoundPull | undefined> {
  const { data } = await context.github.rest.pulls.list({
    owner: context.owner,
    repo: context.repoName,
    head: `${context.owner}:${branch}`,
    state: 'open',
    per_page: 10,
  });
  const pull = data.find((p) => p.head.ref === branch);
  return pull ? { number: pull.number, title: pull.title, body: pull.body ?? '', url: pull.html_url, headSha: pull.head.sha } : undefined;
}

async function createPullRequestOnce(context: ProposeContext, branch: string, title: string, body: string): Promise<FoundPull> {
  const { github, owner, repoName, repo } = context;
  try {
    const { data } = await github.rest.pulls.create({ owner, repo: repoName, head: branch, base: repo.baseBranch, title, body, maintainer_can_modify: true });
    return { number: data.number, title: data.title, body: data.body ?? '', url: data.html_url, headSha: data.head.sha };
  } catch (error) {
    // The create may have taken effect although the answer was lost (a 5xx, a reset connection):
    // look it up again instead of repeating it.
    const found = await findOpenPullRequest(context, branch);
    if (found) return found;
    throw error;
  }
}

async function tryMerge(context: ProposeContext, pullNumber: number, sha: string): Promise<boolean> {
  try {
    await context.github.rest.pulls.merge({ owner: context.owner, repo: context.repoName, pull_number: pullNumber, sha, merge_method: 'squash' });
    return true;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 405 || status === 409 || status === 422) return false; // not mergeable yet (checks, reviews): stays open
    throw error;
  }
}

/**
 * Closes the open proposal of (experiment, environment, action) with a comment, when a verdict
 * reversed before anyone merged it, and deletes its branch if only Phoenix committed to it.
 */
export async function closeStaleProposal(
  target: Pick<Proposal, 'experiment' | 'environment' | 'action'>,
  reason: string,
  context: Pick<ProposeContext, 'github' | 'owner' | 'repoName' | 'repo' | 'identity'>,
): Promise<number | undefined> {
  const branch = proposalBranch(target);
  const pull = await findOpenPullRequest(context, branch);
  if (!pull) return undefined;
  const { github, owner, repoName, repo } = context;
  await github.rest.issues.createComment({ owner, repo: repoName, issue_number: pull.number, body: `Closing: ${reason}` });
  await github.rest.pulls.update({ owner, repo: repoName, pull_number: pull.number, state: 'closed' });
  await repo.fetch();
  const foreign = (await repo.branchCommits(branch)).some((c) => c.authorEmail !== context.identity.email);
  if (!foreign && (await repo.remoteBranch(branch))) await repo.deleteRemoteBranch(branch);
  return pull.number;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}
