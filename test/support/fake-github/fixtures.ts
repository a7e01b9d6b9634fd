import { operationSpec } from './openapi';
import type { FakeActor, FakeCheckRun, FakeComment, FakePull, FakeRepo, FakeState, FakeStatus } from './state';

/**
 * Renders the fake's state as GitHub does. Every object starts from the example GitHub publishes for
 * that operation in its OpenAPI description, so fields the fake does not model still have the shape
 * the schema requires; the fields that matter are overwritten from the state.
 */

type Json = Record<string, unknown>;

const API = 'https://api.github.com';
const WEB = 'https://github.com';

function example(method: string, pathTemplate: string, index = 0): Json {
  const spec = operationSpec(method, pathTemplate);
  const value = spec.examples[index];
  if (value === undefined) throw new Error(`no example for ${method} ${pathTemplate}`);
  return structuredClone(value) as Json;
}

const templates = new Map<string, Json>();
function template(key: string, make: () => Json): Json {
  if (!templates.has(key)) templates.set(key, make());
  return structuredClone(templates.get(key) as Json);
}

/** A `simple-user` for an actor. */
export function renderUser(actor: FakeActor): Json {
  const source = template('user', () => example('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}').user as Json);
  return {
    ...source,
    login: actor.login,
    id: actor.id,
    node_id: Buffer.from(`04:User${actor.id}`).toString('base64'),
    url: `${API}/users/${encodeURIComponent(actor.login)}`,
    html_url: `${WEB}/${encodeURIComponent(actor.login)}`,
    type: actor.type,
    site_admin: false,
  };
}

function repoUrls(fullName: string): Json {
  return { url: `${API}/repos/${fullName}`, html_url: `${WEB}/${fullName}` };
}

/** A `repository` as embedded in pull requests (head.repo / base.repo). */
export function renderEmbeddedRepo(state: FakeState, fullName: string): Json {
  const repo = state.repos.get(fullName.toLowerCase());
  const t = template('pr-repo', () => (example('GET', '/repos/{owner}/{repo}/pulls/{pull_number}').base as Json).repo as Json);
  const [owner, name] = fullName.split('/');
  const ownerActor: FakeActor = { login: owner, id: 1, type: 'User' };
  return {
    ...t,
    ...repoUrls(fullName),
    id: repo?.id ?? 1,
    name,
    full_name: fullName,
    owner: renderUser(ownerActor),
    private: repo?.private ?? false,
    fork: repo?.forkOf !== undefined,
    default_branch: repo?.defaultBranch ?? 'main',
    topics: [],
    temp_clone_token: undefined,
  };
}

/** A `full-repository` for GET /repos/{owner}/{repo}. */
export function renderFullRepo(state: FakeState, repo: FakeRepo): Json {
  const t = template('full-repo', () => example('GET', '/repos/{owner}/{repo}'));
  const fullName = `${repo.owner}/${repo.name}`;
  const out: Json = {
    ...t,
    ...repoUrls(fullName),
    id: repo.id,
    name: repo.name,
    full_name: fullName,
    owner: renderUser({ login: repo.owner, id: 1, type: 'User' }),
    private: repo.private,
    fork: repo.forkOf !== undefined,
    default_branch: repo.defaultBranch,
    language: 'TypeScript',
    topics: [],
  };
  delete out.parent;
  delete out.source;
  delete out.template_repository;
  if (repo.forkOf) {
    const parent = renderEmbeddedRepo(state, repo.forkOf);
    out.parent = parent;
    out.source = parent;
  }
  return out;
}

function renderLabelObject(name: string, index: number): Json {
  const t = template('label', () => (example('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels') as unknown as Json[])[0]);
  return { ...t, id: 5000 + index, name, url: `${API}/labels/${encodeURIComponent(name)}`, default: false, description: '' };
}

/** Labels as returned by the labels endpoints. */
export function renderLabels(names: readonly string[]): Json[] {
  return names.map((name, index) => renderLabelObject(name, index));
}

function pullCommon(state: FakeState, repo: FakeRepo, pull: FakePull): Json {
  const fullName = `${repo.owner}/${repo.name}`;
  const prUrl = `${API}/repos/${fullName}/pulls/${pull.number}`;
  const headOwner = pull.headRepo.split('/')[0];
  return {
    url: prUrl,
    id: pull.id,
    node_id: Buffer.from(`011:PullRequest${pull.id}`).toString('base64'),
    html_url: `${WEB}/${fullName}/pull/${pull.number}`,
    diff_url: `${WEB}/${fullName}/pull/${pull.number}.diff`,
    patch_url: `${WEB}/${fullName}/pull/${pull.number}.patch`,
    issue_url: `${API}/repos/${fullName}/issues/${pull.number}`,
    commits_url: `${prUrl}/commits`,
    review_comments_url: `${prUrl}/comments`,
    comments_url: `${API}/repos/${fullName}/issues/${pull.number}/comments`,
    statuses_url: `${API}/repos/${fullName}/statuses/${pull.headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: renderUser(pull.user),
    body: pull.body,
    labels: renderLabels(pull.labels),
    milestone: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.merged ? pull.closedAt : null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${headOwner}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: renderUser({ login: headOwner, id: 1, type: 'User' }),
      repo: renderEmbeddedRepo(state, pull.headRepo),
    },
    base: {
      label: `${repo.owner}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: pull.baseSha,
      user: renderUser({ login: repo.owner, id: 1, type: 'User' }),
      repo: renderEmbeddedRepo(state, fullName),
    },
    author_association: 'CONTRIBUTOR',
    auto_merge: null,
    draft: pull.draft,
  };
}

/** A full `pull-request` (get / create / update). */
export function renderPull(state: FakeState, repo: FakeRepo, pull: FakePull): Json {
  const t = template('pull', () => example('GET', '/repos/{owner}/{repo}/pulls/{pull_number}'));
  const common = pullCommon(state, repo, pull);
  return {
    ...t,
    ...common,
    _links: links(common),
    merged: pull.merged,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: repo.comments.filter((c) => c.issueNumber === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** A `pull-request-simple` (list). */
export function renderPullSimple(state: FakeState, repo: FakeRepo, pull: FakePull): Json {
  const t = template('pull-simple', () => (example('GET', '/repos/{owner}/{repo}/pulls') as unknown as Json[])[0]);
  const common = pullCommon(state, repo, pull);
  return { ...t, ...common, _links: links(common) };
}

function links(common: Json): Json {
  const href = (value: unknown) => ({ href: String(value) });
  return {
    self: href(common.url),
    html: href(common.html_url),
    issue: href(common.issue_url),
    comments: href(common.comments_url),
    review_comments: href(common.review_comments_url),
    review_comment: href(`${String(common.url)}/comments{/number}`),
    commits: href(common.commits_url),
    statuses: href(common.statuses_url),
  };
}

/** An `issue-comment`. */
export function renderComment(repo: FakeRepo, comment: FakeComment): Json {
  const t = template('comment', () => example('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}'));
  const fullName = `${repo.owner}/${repo.name}`;
  return {
    ...t,
    id: comment.id,
    node_id: Buffer.from(`012:IssueComment${comment.id}`).toString('base64'),
    url: `${API}/repos/${fullName}/issues/comments/${comment.id}`,
    html_url: `${WEB}/${fullName}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${API}/repos/${fullName}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: renderUser(comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
  };
}

/** A `check-run`. */
export function renderCheckRun(repo: FakeRepo, run: FakeCheckRun): Json {
  const t = template('check-run', () => example('POST', '/repos/{owner}/{repo}/check-runs'));
  const fullName = `${repo.owner}/${repo.name}`;
  const app = t.app as Json;
  return {
    ...t,
    id: run.id,
    node_id: Buffer.from(`08:CheckRun${run.id}`).toString('base64'),
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${API}/repos/${fullName}/check-runs/${run.id}`,
    html_url: `${WEB}/${fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.title,
      summary: run.summary,
      text: run.text,
      annotations_count: run.annotations.length,
      annotations_url: `${API}/repos/${fullName}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    app: { ...app, id: run.app.id, slug: run.app.login.replace(/\[bot\]$/, ''), name: run.app.login },
    pull_requests: [],
  };
}

/** A commit `status`. */
export function renderStatus(repo: FakeRepo, status: FakeStatus): Json {
  const t = template('status', () => example('POST', '/repos/{owner}/{repo}/statuses/{sha}'));
  return {
    ...t,
    url: `${API}/repos/${repo.owner}/${repo.name}/statuses/${status.sha}`,
    id: status.id,
    node_id: Buffer.from(`06:Status${status.id}`).toString('base64'),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator: renderUser(status.creator),
  };
}

/** The latest status per context, newest first, as the combined-status endpoint reports them. */
export function latestStatuses(repo: FakeRepo, sha: string): FakeStatus[] {
  const latest = new Map<string, FakeStatus>();
  for (const status of repo.statuses.filter((s) => s.sha === sha)) latest.set(status.context, status);
  return [...latest.values()].reverse();
}

/** A `combined-commit-status`. */
export function renderCombinedStatus(state: FakeState, repo: FakeRepo, sha: string): Json {
  const statuses = latestStatuses(repo, sha);
  const states = statuses.map((s) => s.state);
  const combined =
    states.length === 0
      ? 'pending'
      : states.some((s) => s === 'error' || s === 'failure')
        ? 'failure'
        : states.some((s) => s === 'pending')
          ? 'pending'
          : 'success';
  const fullName = `${repo.owner}/${repo.name}`;
  return {
    state: combined,
    statuses: statuses.map((s) => {
      const rendered = renderStatus(repo, s);
      delete rendered.creator;
      return rendered;
    }),
    sha,
    total_count: statuses.length,
    repository: { ...renderEmbeddedRepo(state, fullName) },
    commit_url: `${API}/repos/${fullName}/commits/${sha}`,
    url: `${API}/repos/${fullName}/commits/${sha}/status`,
  };
}

/** A `git-ref`. */
export function renderRef(repo: FakeRepo, ref: string, sha: string): Json {
  const fullName = `${repo.owner}/${repo.name}`;
  return {
    ref: `refs/${ref}`,
    node_id: Buffer.from(`03:Ref${ref}`).toString('base64'),
    url: `${API}/repos/${fullName}/git/refs/${ref}`,
    object: { type: 'commit', sha, url: `${API}/repos/${fullName}/git/commits/${sha}` },
  };
}

/**
 * An `installation` for a repository or the app's installation list. The list's description types
 * `account` as allOf(simple-user, enterprise), which no account can satisfy, so the list passes
 * `withAccount: false` and answers `account: null` (allowed: the field is nullable).
 */
export function renderInstallation(installationId: number, account: string, appId: number, withAccount = true): Json {
  const t = template('installation', () => example('GET', '/repos/{owner}/{repo}/installation'));
  return {
    ...t,
    id: installationId,
    account: withAccount ? renderUser({ login: account, id: 1, type: 'User' }) : null,
    app_id: appId,
    target_id: 1,
    target_type: 'User',
    access_tokens_url: `${API}/app/installations/${installationId}/access_tokens`,
    html_url: `${WEB}/settings/installations/${installationId}`,
    permissions: { contents: 'read', pull_requests: 'write', checks: 'write', statuses: 'write', metadata: 'read' },
    events: ['pull_request'],
    suspended_at: null,
    suspended_by: null,
  };
}

/** An installation access token response. */
export function renderInstallationToken(token: string, expiresAt: string): Json {
  const t = template('installation-token', () => example('POST', '/app/installations/{installation_id}/access_tokens'));
  delete t.repositories;
  return {
    ...t,
    token,
    expires_at: expiresAt,
    permissions: { contents: 'read', pull_requests: 'write', checks: 'write', statuses: 'write', metadata: 'read' },
    repository_selection: 'all',
  };
}

/** A `repository` as listed for an installation. */
export function renderInstallationRepo(state: FakeState, repo: FakeRepo): Json {
  const t = template('installation-repo', () => {
    const page = example('GET', '/installation/repositories');
    return (page.repositories as Json[])[0];
  });
  const fullName = `${repo.owner}/${repo.name}`;
  return { ...t, ...renderEmbeddedRepo(state, fullName) };
}
