import {
  renderCombinedStatus,
  renderFullRepo,
  renderInstallation,
  renderInstallationRepo,
  renderInstallationToken,
  renderRef,
  renderStatus,
} from '../fixtures';
import { GitHubHttpError, paginate, requireRepo, type HandlerRequest, type Route } from '../route';
import type { FakeRepo, FakeStatus } from '../state';

/** Repositories, git refs, commit statuses and the GitHub App endpoints. */

/** Resolves a branch name or sha to a sha, as the commits/{ref} endpoints do. */
function resolveRef(repo: FakeRepo, ref: string): string {
  return repo.refs.get(`heads/${ref}`) ?? repo.refs.get(`tags/${ref}`) ?? repo.refs.get(ref) ?? ref;
}

function getRepo(request: HandlerRequest) {
  return { status: 200, body: renderFullRepo(request.state, requireRepo(request)) };
}

function getRef(request: HandlerRequest) {
  const repo = requireRepo(request);
  const sha = repo.refs.get(request.params.ref);
  if (!sha) throw new GitHubHttpError(404, 'Not Found');
  return { status: 200, body: renderRef(repo, request.params.ref, sha) };
}

function createRef(request: HandlerRequest) {
  const repo = requireRepo(request);
  const { ref, sha } = request.body as { ref: string; sha: string };
  if (!ref.startsWith('refs/') || ref.split('/').length < 3)
    throw new GitHubHttpError(422, 'Reference name must start with refs/ and have at least two slashes.');
  const short = ref.slice('refs/'.length);
  if (repo.refs.has(short)) throw new GitHubHttpError(422, 'Reference already exists');
  repo.refs.set(short, sha);
  return { status: 201, body: renderRef(repo, short, sha) };
}

function updateRef(request: HandlerRequest) {
  const repo = requireRepo(request);
  if (!repo.refs.has(request.params.ref)) throw new GitHubHttpError(422, 'Reference does not exist');
  repo.refs.set(request.params.ref, (request.body as { sha: string }).sha);
  return { status: 200, body: renderRef(repo, request.params.ref, (request.body as { sha: string }).sha) };
}

function deleteRef(request: HandlerRequest) {
  const repo = requireRepo(request);
  if (!repo.refs.delete(request.params.ref)) throw new GitHubHttpError(422, 'Reference does not exist');
  return { status: 204 };
}

function createStatus(request: HandlerRequest) {
  const repo = requireRepo(request);
  const body = request.body as { state: FakeStatus['state']; context?: string; description?: string; target_url?: string };
  const status: FakeStatus = {
    id: request.state.id(),
    sha: request.params.sha,
    state: body.state,
    context: body.context ?? 'default',
    description: body.description ?? null,
    targetUrl: body.target_url ?? null,
    creator: request.actor,
    createdAt: request.state.now(),
  };
  repo.statuses.push(status);
  return { status: 201, body: renderStatus(repo, status) };
}

function listStatuses(request: HandlerRequest) {
  const repo = requireRepo(request);
  const sha = resolveRef(repo, request.params.ref);
  const statuses = repo.statuses.filter((s) => s.sha === sha).reverse();
  const { page, headers } = paginate(statuses, request.query, request.url);
  return { status: 200, body: page.map((s) => renderStatus(repo, s)), headers };
}

function combinedStatus(request: HandlerRequest) {
  const repo = requireRepo(request);
  const sha = resolveRef(repo, request.params.ref);
  return { status: 200, body: renderCombinedStatus(request.state, repo, sha) };
}

function requireAppJwt(request: HandlerRequest): void {
  if (!request.appJwt) throw new GitHubHttpError(401, 'A JSON web token could not be decoded');
}

function createInstallationToken(request: HandlerRequest) {
  requireAppJwt(request);
  const id = Number(request.params.installation_id);
  if (!request.state.installations.has(id)) throw new GitHubHttpError(404, 'Not Found');
  const token = `ghs_fake${request.state.id()}`;
  request.state.tokens.set(token, { actor: request.state.botActor(), installationId: id });
  return { status: 201, body: renderInstallationToken(token, new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')) };
}

function getRepoInstallation(request: HandlerRequest) {
  requireAppJwt(request);
  const repo = requireRepo(request);
  if (repo.installationId === undefined) throw new GitHubHttpError(404, 'Not Found');
  const installation = request.state.installations.get(repo.installationId);
  return { status: 200, body: renderInstallation(repo.installationId, installation?.account ?? repo.owner, request.state.appId) };
}

function listInstallations(request: HandlerRequest) {
  requireAppJwt(request);
  const all = [...request.state.installations.values()];
  const { page, headers } = paginate(all, request.query, request.url);
  return { status: 200, body: page.map((i) => renderInstallation(i.id, i.account, request.state.appId, false)), headers };
}

function listInstallationRepos(request: HandlerRequest) {
  if (request.installationId === undefined) throw new GitHubHttpError(403, 'This endpoint needs an installation access token');
  const repos = [...request.state.repos.values()].filter((r) => r.installationId === request.installationId);
  const { page, headers } = paginate(repos, request.query, request.url);
  return {
    status: 200,
    body: { total_count: repos.length, repository_selection: 'all', repositories: page.map((r) => renderInstallationRepo(request.state, r)) },
    headers,
  };
}

export const repoRoutes: Route[] = [
  { method: 'GET', path: '/repos/{owner}/{repo}', handle: getRepo },
  { method: 'GET', path: '/repos/{owner}/{repo}/git/ref/{ref}', handle: getRef, greedyLast: true },
  { method: 'POST', path: '/repos/{owner}/{repo}/git/refs', handle: createRef },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/git/refs/{ref}', handle: updateRef, greedyLast: true },
  { method: 'DELETE', path: '/repos/{owner}/{repo}/git/refs/{ref}', handle: deleteRef, greedyLast: true },
  { method: 'POST', path: '/repos/{owner}/{repo}/statuses/{sha}', handle: createStatus },
  { method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/statuses', handle: listStatuses },
  { method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/status', handle: combinedStatus },
  { method: 'POST', path: '/app/installations/{installation_id}/access_tokens', handle: createInstallationToken },
  { method: 'GET', path: '/repos/{owner}/{repo}/installation', handle: getRepoInstallation },
  { method: 'GET', path: '/app/installations', handle: listInstallations },
  { method: 'GET', path: '/installation/repositories', handle: listInstallationRepos },
];
