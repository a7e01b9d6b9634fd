import type { FakeActor, FakeRepo, FakeState } from './state';

/** What a handler receives: decoded path parameters, query, parsed JSON body and the caller. */
export interface HandlerRequest {
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly body: any;
  readonly state: FakeState;
  /** Who the Authorization header acts as. */
  readonly actor: FakeActor;
  /** Set when the caller authenticated as the GitHub App itself (JWT). */
  readonly appJwt: boolean;
  readonly installationId?: number;
  /** The full request URL (for Link headers). */
  readonly url: string;
}

/** What a handler returns. */
export interface HandlerResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One served operation. `greedyLast` lets the last path parameter span slashes (git refs). */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly handle: (request: HandlerRequest) => HandlerResponse;
  readonly greedyLast?: boolean;
}

/** An error answered as GitHub does (`{ message, documentation_url }`, plus `errors` for 422). */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: ReadonlyArray<Record<string, unknown>>,
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { message: this.message, documentation_url: 'https://docs.github.com/rest' };
    if (this.errors) body.errors = this.errors;
    return body;
  }
}

/**
 * The repository named by the path, or a 404 like GitHub's: also for a private repository that an
 * installation token's installation does not cover (the App is not installed on it).
 */
export function requireRepo(request: HandlerRequest): FakeRepo {
  const repo = request.state.repo(request.params.owner, request.params.repo);
  if (!repo) throw new GitHubHttpError(404, 'Not Found');
  if (repo.private && request.installationId !== undefined && repo.installationId !== request.installationId) throw new GitHubHttpError(404, 'Not Found');
  return repo;
}

/** Slices a list by `per_page` / `page` and builds the Link header Octokit's paginate follows. */
export function paginate<T>(items: readonly T[], query: Record<string, string>, selfUrl: string): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(query.per_page ?? 30) || 30, 100);
  const page = Math.max(Number(query.page ?? 1) || 1, 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const links: string[] = [];
  const url = (p: number) => {
    const u = new URL(selfUrl);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  if (page < last) links.push(`<${url(page + 1)}>; rel="next"`, `<${url(last)}>; rel="last"`);
  if (page > 1) links.push(`<${url(1)}>; rel="first"`, `<${url(page - 1)}>; rel="prev"`);
  return { page: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}
