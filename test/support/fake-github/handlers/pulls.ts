import { createHash } from 'node:crypto';
import { renderPull, renderPullSimple } from '../fixtures';
import { GitHubHttpError, paginate, requireRepo, type HandlerRequest, type Route } from '../route';
import type { FakePull, FakeRepo } from '../state';

/** Pull requests: list (state/head/base filters), get, create (422 on a duplicate head), update, merge. */

function findPull(repo: FakeRepo, number: string): FakePull {
  const pull = repo.pulls.find((p) => p.number === Number(number));
  if (!pull) throw new GitHubHttpError(404, 'Not Found');
  return pull;
}

/** Splits `owner:branch` (or `branch`) into the head repository and branch. */
function parseHead(repo: FakeRepo, head: string): { headRepo: string; headRef: string } {
  const colon = head.indexOf(':');
  if (colon < 0) return { headRepo: `${repo.owner}/${repo.name}`, headRef: head };
  const owner = head.slice(0, colon);
  const headRef = head.slice(colon + 1);
  if (owner.toLowerCase() === repo.owner.toLowerCase()) return { headRepo: `${repo.owner}/${repo.name}`, headRef };
  return { headRepo: `${owner}/${repo.name}`, headRef };
}

function list(request: HandlerRequest) {
  const repo = requireRepo(request);
  const state = request.query.state ?? 'open';
  let pulls = repo.pulls.filter((p) => state === 'all' || p.state === state);
  if (request.query.head) {
    const { headRepo, headRef } = parseHead(repo, request.query.head);
    pulls = pulls.filter((p) => p.headRef === headRef && p.headRepo.toLowerCase() === headRepo.toLowerCase());
  }
  if (request.query.base) pulls = pulls.filter((p) => p.baseRef === request.query.base);
  const ordered = [...pulls].sort((a, b) => b.number - a.number);
  if (request.query.direction === 'asc') ordered.reverse();
  const { page, headers } = paginate(ordered, request.query, request.url);
  return { status: 200, body: page.map((p) => renderPullSimple(request.state, repo, p)), headers };
}

function get(request: HandlerRequest) {
  const repo = requireRepo(request);
  return { status: 200, body: renderPull(request.state, repo, findPull(repo, request.params.pull_number)) };
}

function create(request: HandlerRequest) {
  const repo = requireRepo(request);
  const body = request.body as { title?: string; head: string; base: string; body?: string; draft?: boolean; maintainer_can_modify?: boolean };
  if (!body.title) throw new GitHubHttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
  const { headRepo, headRef } = parseHead(repo, body.head);
  const headRepoState = request.state.repos.get(headRepo.toLowerCase());
  const headSha = headRepoState?.refs.get(`heads/${headRef}`);
  const baseSha = repo.refs.get(`heads/${body.base}`);
  if (!headSha) throw new GitHubHttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  if (!baseSha) throw new GitHubHttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  const duplicate = repo.pulls.find(
    (p) => p.state === 'open' && p.headRef === headRef && p.headRepo.toLowerCase() === headRepo.toLowerCase() && p.baseRef === body.base,
  );
  if (duplicate) {
    throw new GitHubHttpError(422, 'Validation Failed', [
      { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${headRepo.split('/')[0]}:${headRef}.` },
    ]);
  }
  const now = request.state.now();
  repo.nextIssueNumber += 1;
  const pull: FakePull = {
    number: repo.nextIssueNumber,
    id: request.state.id(),
    state: 'open',
    title: body.title,
    body: body.body ?? null,
    draft: body.draft ?? false,
    merged: false,
    headRef,
    headSha,
    headRepo,
    baseRef: body.base,
    baseSha,
    labels: [],
    maintainerCanModify: body.maintainer_can_modify ?? true,
    user: request.actor,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  repo.pulls.push(pull);
  return { status: 201, body: renderPull(request.state, repo, pull) };
}

function update(request: HandlerRequest) {
  const repo = requireRepo(request);
  const pull = findPull(repo, request.params.pull_number);
  const body = request.body as { title?: string; body?: string; state?: 'open' | 'closed'; base?: string; maintainer_can_modify?: boolean };
  if (body.title !== undefined) pull.title = body.title;
  if (body.body !== undefined) pull.body = body.body;
  if (body.base !== undefined) {
    const baseSha = repo.refs.get(`heads/${body.base}`);
    if (!baseSha) throw new GitHubHttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    pull.baseRef = body.base;
    pull.baseSha = baseSha;
  }
  if (body.maintainer_can_modify !== undefined) pull.maintainerCanModify = body.maintainer_can_modify;
  pull.updatedAt = request.state.now();
  if (body.state !== undefined && body.state !== pull.state) {
    pull.state = body.state;
    pull.closedAt = body.state === 'closed' ? pull.updatedAt : null;
  }
  return { status: 200, body: renderPull(request.state, repo, pull) };
}

/** Merges: the base branch moves to a new commit id, the pull request closes as merged. */
function merge(request: HandlerRequest) {
  const repo = requireRepo(request);
  const pull = findPull(repo, request.params.pull_number);
  const body = (request.body ?? {}) as { sha?: string; merge_method?: string };
  if (pull.state !== 'open' || pull.draft) throw new GitHubHttpError(405, 'Pull Request is not mergeable');
  if (body.sha !== undefined && body.sha !== pull.headSha) throw new GitHubHttpError(409, 'Head branch was modified. Review and try the merge again.');
  const mergeSha = createHash('sha1')
    .update(`${pull.baseSha}:${pull.headSha}:${body.merge_method ?? 'merge'}`)
    .digest('hex');
  repo.refs.set(`heads/${pull.baseRef}`, mergeSha);
  pull.merged = true;
  pull.state = 'closed';
  pull.updatedAt = request.state.now();
  pull.closedAt = pull.updatedAt;
  return { status: 200, body: { sha: mergeSha, merged: true, message: 'Pull Request successfully merged' } };
}

export const pullRoutes: Route[] = [
  { method: 'PUT', path: '/repos/{owner}/{repo}/pulls/{pull_number}/merge', handle: merge },
  { method: 'GET', path: '/repos/{owner}/{repo}/pulls', handle: list },
  { method: 'POST', path: '/repos/{owner}/{repo}/pulls', handle: create },
  { method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}', handle: get },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/pulls/{pull_number}', handle: update },
];
