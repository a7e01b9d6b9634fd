import type { GitHubClient } from './octokit';

/**
 * A check run with annotations at file:line. GitHub takes at most 50 annotations per request, so
 * they go out in batches: the run is created `in_progress` once (looked up again, never re-created
 * blindly, after a server error), every batch is one update, and the last one sets the conclusion.
 * Annotation updates are not retried automatically (a repeated batch would show twice).
 */

export const ANNOTATIONS_PER_REQUEST = 50;

/** One annotation. */
export interface CheckAnnotation {
  readonly path: string;
  readonly startLine: number;
  readonly endLine?: number;
  readonly level: 'notice' | 'warning' | 'failure';
  readonly message: string;
  readonly title?: string;
}

/** Where and what to start. */
export interface CheckRunTarget {
  readonly owner: string;
  readonly repo: string;
  readonly name: string;
  readonly headSha: string;
  /** Our own id for the run (e.g. `pr-12@sha`). */
  readonly externalId: string;
}

/** A started check run. */
export interface StartedCheckRun {
  readonly id: number;
  readonly htmlUrl: string;
}

function isServerError(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status;
  return typeof status !== 'number' || status >= 500;
}

async function findCheckRun(client: GitHubClient, target: CheckRunTarget): Promise<StartedCheckRun | undefined> {
  const runs = await client.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    check_name: target.name,
    filter: 'all',
    per_page: 100,
  });
  const found = runs.data.check_runs.find((run) => run.external_id === target.externalId);
  return found ? { id: found.id, htmlUrl: found.html_url ?? '' } : undefined;
}

/** Creates the run `in_progress`; after a server error it looks the run up before creating once more. */
export async function startCheckRun(client: GitHubClient, target: CheckRunTarget): Promise<StartedCheckRun> {
  const create = async () => {
    const created = await client.rest.checks.create({
      owner: target.owner,
      repo: target.repo,
      name: target.name,
      head_sha: target.headSha,
      external_id: target.externalId,
      status: 'in_progress',
    });
    return { id: created.data.id, htmlUrl: created.data.html_url ?? '' };
  };
  try {
    return await create();
  } catch (error) {
    if (!isServerError(error)) throw error;
    return (await findCheckRun(client, target)) ?? create();
  }
}

/** The outcome to publish. */
export interface CheckRunResult {
  readonly conclusion: 'success' | 'failure' | 'neutral' | 'cancelled';
  readonly title: string;
  readonly summary: string;
  /** @default - none */
  readonly text?: string;
  readonly annotations: readonly CheckAnnotation[];
}

/** Sends the annotations in batches of 50 and completes the run with the last request. */
export async function completeCheckRun(
  client: GitHubClient,
  target: Pick<CheckRunTarget, 'owner' | 'repo'>,
  run: StartedCheckRun,
  result: CheckRunResult,
): Promise<number> {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < result.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(result.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  if (batches.length === 0) batches.push([]);
  for (const [index, batch] of batches.entries()) {
    const last = index === batches.length - 1;
    await client.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: run.id,
      output: {
        title: result.title,
        summary: result.summary,
        ...(result.text !== undefined ? { text: result.text } : {}),
        annotations: batch.map((a) => ({
          path: a.path,
          start_line: a.startLine,
          end_line: a.endLine ?? a.startLine,
          annotation_level: a.level,
          message: a.message,
          ...(a.title ? { title: a.title } : {}),
        })),
      },
      ...(last ? { conclusion: result.conclusion, completed_at: new Date().toISOString() } : {}),
      ...(batch.length > 0 ? { request: { retries: 0 } } : {}),
    });
  }
  return batches.length;
}
