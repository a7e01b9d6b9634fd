import { renderCheckRun } from '../fixtures';
import { GitHubHttpError, paginate, requireRepo, type HandlerRequest, type Route } from '../route';
import type { FakeAnnotation, FakeCheckRun } from '../state';

/** Check runs: create, update (annotations accumulate, at most 50 per request), get, list for a ref. */

export const MAX_ANNOTATIONS_PER_REQUEST = 50;

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  status?: string;
  conclusion?: string;
  external_id?: string;
  details_url?: string;
  started_at?: string;
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: FakeAnnotation[] };
}

function applyBody(run: FakeCheckRun, body: CheckRunBody, now: string): void {
  const annotations = body.output?.annotations ?? [];
  if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
    throw new GitHubHttpError(422, 'Validation Failed', [
      { resource: 'CheckRun', field: 'output.annotations', code: 'too_many', message: 'at most 50 annotations per request' },
    ]);
  }
  if (body.name !== undefined) run.name = body.name;
  if (body.external_id !== undefined) run.externalId = body.external_id;
  if (body.details_url !== undefined) run.detailsUrl = body.details_url;
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  if (body.output) {
    if (body.output.title !== undefined) run.title = body.output.title;
    if (body.output.summary !== undefined) run.summary = body.output.summary;
    if (body.output.text !== undefined) run.text = body.output.text;
    run.annotations.push(...annotations);
  }
  if (body.conclusion !== undefined) {
    run.conclusion = body.conclusion;
    run.status = 'completed';
    run.completedAt = body.completed_at ?? now;
  } else if (body.status !== undefined) {
    if (body.status === 'completed')
      throw new GitHubHttpError(422, 'Validation Failed', [{ resource: 'CheckRun', field: 'conclusion', code: 'missing_field' }]);
    run.status = body.status;
  }
}

function create(request: HandlerRequest) {
  const repo = requireRepo(request);
  const body = request.body as CheckRunBody;
  const now = request.state.now();
  const run: FakeCheckRun = {
    id: request.state.id(),
    name: body.name as string,
    headSha: body.head_sha as string,
    status: 'queued',
    conclusion: null,
    externalId: null,
    detailsUrl: null,
    title: null,
    summary: null,
    text: null,
    annotations: [],
    startedAt: now,
    completedAt: null,
    app: request.actor,
  };
  applyBody(run, body, now);
  repo.checkRuns.push(run);
  return { status: 201, body: renderCheckRun(repo, run) };
}

function findRun(request: HandlerRequest): FakeCheckRun {
  const repo = requireRepo(request);
  const run = repo.checkRuns.find((r) => r.id === Number(request.params.check_run_id));
  if (!run) throw new GitHubHttpError(404, 'Not Found');
  return run;
}

function update(request: HandlerRequest) {
  const repo = requireRepo(request);
  const run = findRun(request);
  applyBody(run, request.body as CheckRunBody, request.state.now());
  return { status: 200, body: renderCheckRun(repo, run) };
}

function get(request: HandlerRequest) {
  return { status: 200, body: renderCheckRun(requireRepo(request), findRun(request)) };
}

function listForRef(request: HandlerRequest) {
  const repo = requireRepo(request);
  const ref = request.params.ref;
  const sha = repo.refs.get(`heads/${ref}`) ?? ref;
  let runs = repo.checkRuns.filter((r) => r.headSha === sha);
  if (request.query.check_name) runs = runs.filter((r) => r.name === request.query.check_name);
  if (request.query.status) runs = runs.filter((r) => r.status === request.query.status);
  if ((request.query.filter ?? 'latest') === 'latest') {
    const latest = new Map<string, FakeCheckRun>();
    for (const run of runs) latest.set(run.name, run);
    runs = [...latest.values()];
  }
  const ordered = [...runs].reverse();
  const { page, headers } = paginate(ordered, request.query, request.url);
  return { status: 200, body: { total_count: ordered.length, check_runs: page.map((r) => renderCheckRun(repo, r)) }, headers };
}

export const checkRoutes: Route[] = [
  { method: 'POST', path: '/repos/{owner}/{repo}/check-runs', handle: create },
  { method: 'GET', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}', handle: get },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/check-runs/{check_run_id}', handle: update },
  { method: 'GET', path: '/repos/{owner}/{repo}/commits/{ref}/check-runs', handle: listForRef },
];
