import { renderComment, renderLabels } from '../fixtures';
import { GitHubHttpError, paginate, requireRepo, type HandlerRequest, type Route } from '../route';
import type { FakeComment, FakeRepo } from '../state';

/** Issue (and pull-request) comments and labels. Issues exist here only as pull requests. */

function requireIssue(repo: FakeRepo, number: string) {
  const pull = repo.pulls.find((p) => p.number === Number(number));
  if (!pull) throw new GitHubHttpError(404, 'Not Found');
  return pull;
}

function listComments(request: HandlerRequest) {
  const repo = requireRepo(request);
  requireIssue(repo, request.params.issue_number);
  let comments = repo.comments.filter((c) => c.issueNumber === Number(request.params.issue_number));
  if (request.query.since) comments = comments.filter((c) => c.updatedAt >= (request.query.since as string));
  const { page, headers } = paginate(comments, request.query, request.url);
  return { status: 200, body: page.map((c) => renderComment(repo, c)), headers };
}

function createComment(request: HandlerRequest) {
  const repo = requireRepo(request);
  requireIssue(repo, request.params.issue_number);
  const now = request.state.now();
  const comment: FakeComment = {
    id: request.state.id(),
    issueNumber: Number(request.params.issue_number),
    body: request.body.body,
    user: request.actor,
    createdAt: now,
    updatedAt: now,
  };
  repo.comments.push(comment);
  return { status: 201, body: renderComment(repo, comment) };
}

function findComment(repo: FakeRepo, id: string): FakeComment {
  const comment = repo.comments.find((c) => c.id === Number(id));
  if (!comment) throw new GitHubHttpError(404, 'Not Found');
  return comment;
}

function getComment(request: HandlerRequest) {
  const repo = requireRepo(request);
  return { status: 200, body: renderComment(repo, findComment(repo, request.params.comment_id)) };
}

function updateComment(request: HandlerRequest) {
  const repo = requireRepo(request);
  const comment = findComment(repo, request.params.comment_id);
  if (comment.user.login !== request.actor.login) throw new GitHubHttpError(403, 'Resource not accessible by integration');
  comment.body = request.body.body;
  comment.updatedAt = request.state.now();
  return { status: 200, body: renderComment(repo, comment) };
}

function addLabels(request: HandlerRequest) {
  const repo = requireRepo(request);
  const pull = requireIssue(repo, request.params.issue_number);
  const raw: unknown[] = Array.isArray(request.body) ? request.body : (request.body?.labels ?? []);
  for (const item of raw) {
    const name = typeof item === 'string' ? item : (item as { name: string }).name;
    repo.labels.add(name);
    if (!pull.labels.includes(name)) pull.labels.push(name);
  }
  return { status: 200, body: renderLabels(pull.labels) };
}

function removeLabel(request: HandlerRequest) {
  const repo = requireRepo(request);
  const pull = requireIssue(repo, request.params.issue_number);
  const index = pull.labels.indexOf(request.params.name);
  if (index < 0) throw new GitHubHttpError(404, 'Label does not exist');
  pull.labels.splice(index, 1);
  return { status: 200, body: renderLabels(pull.labels) };
}

export const issueRoutes: Route[] = [
  { method: 'GET', path: '/repos/{owner}/{repo}/issues/{issue_number}/comments', handle: listComments },
  { method: 'POST', path: '/repos/{owner}/{repo}/issues/{issue_number}/comments', handle: createComment },
  { method: 'GET', path: '/repos/{owner}/{repo}/issues/comments/{comment_id}', handle: getComment },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/issues/comments/{comment_id}', handle: updateComment },
  { method: 'POST', path: '/repos/{owner}/{repo}/issues/{issue_number}/labels', handle: addLabels },
  { method: 'DELETE', path: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', handle: removeLabel },
];
