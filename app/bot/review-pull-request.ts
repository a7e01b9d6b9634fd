import type { Logger } from 'pino';
import { completeCheckRun, startCheckRun, type CheckAnnotation, type StartedCheckRun } from '../../clients/github/publish-check-run';
import type { GitHubClient } from '../../clients/github/octokit';
import { upsertStickyComment } from '../../clients/github/upsert-sticky-comment';
import type { BotConfig } from './config';
import { fetchPullRequest, hasCommit, isAncestor, mergeBase } from '../../clients/git/pull-request-mirror';
import { cutMarkdown, GITHUB_COMMENT_LIMIT, renderReviewMarkdown } from './review/render-markdown';
import { reviewRefs, type CostEstimator } from './review/review-refs';
import type { ReviewFinding, ReviewReport } from './review/types';
import type { ReviewJob } from './review-queue';

/**
 * One review of one pull request head: confirm the head is still current, start the check run,
 * fetch base and head into the mirror (objects only), review the committed trees, complete the check
 * run with batched annotations, and update the sticky comment — unless a newer head got there first.
 */

/** The hidden marker of the sticky comment: `<!-- phoenix-review head=<sha> -->`. */
export const REVIEW_MARKER = 'phoenix-review';

/** What a review needs from the running bot. */
export interface BotServices {
  readonly config: BotConfig;
  readonly log: Logger;
  /** A client acting as the installation. */
  clientFor(installationId: number): Promise<GitHubClient>;
  /** An installation token for git over HTTPS. */
  tokenFor(installationId: number): Promise<string>;
  /** Installation of a repository (the app JWT looks it up when the webhook did not say). */
  installationOf(owner: string, repo: string): Promise<number>;
  readonly estimateCost?: CostEstimator;
}

/** Thrown at a checkpoint when a newer push aborted the run. */
class Superseded extends Error {}

function checkpoint(signal: AbortSignal): void {
  if (signal.aborted) throw new Superseded('superseded by a newer push');
}

const LEVEL: Record<ReviewFinding['severity'], CheckAnnotation['level']> = { error: 'failure', warning: 'warning', info: 'notice' };

function annotationsOf(report: ReviewReport): CheckAnnotation[] {
  return report.findings
    .filter((f) => f.file && f.line > 0)
    .map((f) => ({ path: f.file, startLine: f.line, level: LEVEL[f.severity], title: f.ruleId, message: f.fix ? `${f.message}\nFix: ${f.fix}` : f.message }));
}

function cloneUrlFor(config: BotConfig, job: ReviewJob): string {
  const [owner, repo] = job.repository.split('/');
  if (config.github.cloneUrlTemplate) return config.github.cloneUrlTemplate.replace('{owner}', owner).replace('{repo}', repo);
  return job.cloneUrl ?? `https://github.com/${owner}/${repo}.git`;
}

/** Reviews one head; returns what happened (for logs and tests). */
export async function reviewPullRequest(services: BotServices, job: ReviewJob, signal: AbortSignal): Promise<string> {
  const { config } = services;
  const [owner, repo] = job.repository.split('/');
  const log = services.log.child({ repository: job.repository, pull: job.pullNumber, head: job.headSha, reason: job.reason });
  const installationId = job.installationId ?? (await services.installationOf(owner, repo));
  const client = await services.clientFor(installationId);
  const pull = (await client.rest.pulls.get({ owner, repo, pull_number: job.pullNumber })).data;
  if (pull.state !== 'open') return 'skipped: closed';
  if (pull.head.sha !== job.headSha) return 'skipped: a newer head exists';
  if (pull.draft && !config.review.reviewDrafts) return 'skipped: draft';
  checkpoint(signal);

  const run = await startCheckRun(client, {
    owner,
    repo,
    name: config.review.checkRunName,
    headSha: job.headSha,
    externalId: `pr-${job.pullNumber}@${job.headSha}`,
  });
  try {
    const cloneUrl = cloneUrlFor(config, job);
    const token = /^https?:/.test(cloneUrl) ? await services.tokenFor(installationId) : undefined;
    const fetched = await fetchPullRequest(config.work.dir, {
      repository: job.repository,
      cloneUrl,
      pullNumber: job.pullNumber,
      baseRef: pull.base.ref,
      token,
    });
    if (!(await hasCommit(fetched.mirrorDir, job.headSha))) throw new Superseded(`head ${job.headSha} is no longer fetchable: a newer push replaced it`);
    checkpoint(signal);
    const base = await mergeBase(fetched.mirrorDir, fetched.baseRef, job.headSha);
    const reviewed = await reviewRefs({
      repoDir: fetched.mirrorDir,
      base,
      head: job.headSha,
      treeFolder: config.review.treeFolder,
      estimateCost: services.estimateCost,
    });
    const report: ReviewReport = {
      ...reviewed,
      base: { ...reviewed.base, ref: pull.base.ref },
      head: { ...reviewed.head, ref: pull.head.label ?? pull.head.ref },
    };
    checkpoint(signal);

    const markdown = renderReviewMarkdown(report);
    const s = report.summary;
    await completeCheckRun(client, { owner, repo }, run, {
      conclusion: s.errors > 0 ? 'failure' : 'success',
      title: `${s.errors} error(s), ${s.warnings} warning(s); ${s.added} added, ${s.changed} changed, ${s.removed} removed`,
      summary: `Phoenix reviewed the committed \`${config.review.treeFolder}/\` tree of ${job.headSha.slice(0, 7)} against ${pull.base.ref}.`,
      text: cutMarkdown(
        markdown,
        65_000,
        'The report is cut here (GitHub limits check-run text to 65,535 characters); run `phoenix review` locally for all of it.',
      ),
      annotations: annotationsOf(report),
    });
    checkpoint(signal);

    // Last look before writing: a push that landed during the review makes this run stale.
    const current = (await client.rest.pulls.get({ owner, repo, pull_number: job.pullNumber })).data.head.sha;
    if (current !== job.headSha) return 'skipped comment: a newer head exists';
    const body = cutMarkdown(
      markdown,
      GITHUB_COMMENT_LIMIT - 200,
      `**The review is cut here** (GitHub limits comments to 65,535 characters): the full report is in the check run ${run.htmlUrl}`,
    );
    const { outcome } = await upsertStickyComment(client, {
      owner,
      repo,
      issueNumber: job.pullNumber,
      marker: REVIEW_MARKER,
      headSha: job.headSha,
      body,
      isNewer: async (existing) => existing === current || isAncestor(fetched.mirrorDir, job.headSha, existing),
    });
    log.info({ outcome, errors: s.errors, warnings: s.warnings, checkRun: run.id }, 'pull request reviewed');
    return `comment ${outcome}`;
  } catch (error) {
    await finishAfterError(client, owner, repo, run, error, log);
    if (error instanceof Superseded) return `cancelled: ${error.message}`;
    throw error;
  }
}

async function finishAfterError(client: GitHubClient, owner: string, repo: string, run: StartedCheckRun, error: unknown, log: Logger): Promise<void> {
  const superseded = error instanceof Superseded;
  const message = error instanceof Error ? error.message : String(error);
  try {
    await completeCheckRun(client, { owner, repo }, run, {
      // Fail closed: a review that cannot complete fails the check. Required checks treat `neutral`
      // as passing, so a pull request must never be able to turn its review neutral by breaking it.
      conclusion: superseded ? 'cancelled' : 'failure',
      title: superseded ? 'Superseded by a newer push' : 'Phoenix could not review this pull request',
      summary: superseded
        ? 'A newer commit was pushed; its review replaces this one.'
        : `The review could not complete, so the pull request fails this check until it can: ${message.split('\n')[0]!.slice(0, 500)}`,
      annotations: [],
    });
  } catch (completeError) {
    log.warn({ err: completeError }, 'could not complete the check run after an error');
  }
}
