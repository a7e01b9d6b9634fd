import type { GitHubClient } from './octokit';

/**
 * One comment per pull request that a bot keeps up to date: found by a hidden marker that also
 * records the head SHA it describes, edited in place, left alone when the text is the same, and
 * never replaced by a run for an older head. Creating is never repeated blindly: after a failed
 * create the comment is looked up again first.
 */

/** The marker line, e.g. `<!-- phoenix-review head=0123abc… -->`. */
export function stickyMarker(name: string, headSha: string): string {
  return `<!-- ${name} head=${headSha} -->`;
}

function markerPattern(name: string): RegExp {
  return new RegExp(`<!-- ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} head=([0-9a-f]{7,64}) -->`);
}

/** A sticky comment found on a pull request. */
export interface StickyComment {
  readonly id: number;
  readonly body: string;
  readonly headSha: string;
  readonly htmlUrl: string;
}

/** Where the comment lives and what marks it. */
export interface StickyTarget {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  /** Marker name, e.g. `phoenix-review`. */
  readonly marker: string;
}

/** The bot's sticky comment on an issue or pull request (the oldest one when several exist). */
export async function findStickyComment(client: GitHubClient, target: StickyTarget): Promise<StickyComment | undefined> {
  const pattern = markerPattern(target.marker);
  const comments = await client.paginate(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for (const comment of comments) {
    const match = pattern.exec(comment.body ?? '');
    if (match && comment.user?.type === 'Bot') return { id: comment.id, body: comment.body ?? '', headSha: match[1], htmlUrl: comment.html_url };
  }
  return undefined;
}

/** What `upsertStickyComment` did. */
export type StickyOutcome = 'created' | 'updated' | 'unchanged' | 'kept-newer';

/** Options of `upsertStickyComment`. */
export interface UpsertStickyCommentOptions extends StickyTarget {
  readonly headSha: string;
  /** The comment text without the marker. */
  readonly body: string;
  /** Whether the comment's recorded head is newer than `headSha` (then it is kept). */
  readonly isNewer: (existingHeadSha: string) => Promise<boolean>;
}

function isServerError(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status;
  return typeof status !== 'number' || status >= 500;
}

/** Creates or updates the sticky comment; see the module doc. */
export async function upsertStickyComment(
  client: GitHubClient,
  options: UpsertStickyCommentOptions,
): Promise<{ outcome: StickyOutcome; comment: StickyComment }> {
  const fullBody = `${stickyMarker(options.marker, options.headSha)}\n${options.body}`;
  const existing = await findStickyComment(client, options);
  if (existing) {
    if (existing.headSha !== options.headSha && (await options.isNewer(existing.headSha))) return { outcome: 'kept-newer', comment: existing };
    if (existing.body === fullBody) return { outcome: 'unchanged', comment: existing };
    const updated = await client.rest.issues.updateComment({ owner: options.owner, repo: options.repo, comment_id: existing.id, body: fullBody });
    return { outcome: 'updated', comment: { id: updated.data.id, body: fullBody, headSha: options.headSha, htmlUrl: updated.data.html_url } };
  }
  const create = async () => {
    const created = await client.rest.issues.createComment({ owner: options.owner, repo: options.repo, issue_number: options.issueNumber, body: fullBody });
    return { outcome: 'created' as const, comment: { id: created.data.id, body: fullBody, headSha: options.headSha, htmlUrl: created.data.html_url } };
  };
  try {
    return await create();
  } catch (error) {
    if (!isServerError(error)) throw error;
    // The create may have taken effect behind the error: look before creating again.
    const after = await findStickyComment(client, options);
    if (after) return { outcome: 'created', comment: after };
    return create();
  }
}
