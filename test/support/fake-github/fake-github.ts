import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRoutes } from './handlers/checks';
import { issueRoutes } from './handlers/issues';
import { pullRoutes } from './handlers/pulls';
import { repoRoutes } from './handlers/repos';
import { operationSpec, validateParameters, validateRequestBody, validateResponse } from './openapi';
import { GitHubHttpError, type HandlerRequest, type HandlerResponse, type Route } from './route';
import { FakeState, type FakeActor, type FakePull, type FakeRepo } from './state';

/**
 * An in-process GitHub REST API for tests, served over HTTP on 127.0.0.1 so the real Octokit (with
 * its plugins) talks to it unchanged. Every request and response is validated against GitHub's
 * official OpenAPI description; anything invalid is recorded in `violations` (and invalid requests
 * are answered 422) — call `assertValid()` in `afterEach` so the test fails.
 */

/** Options of the fake. */
export interface FakeGitHubOptions {
  /** The GitHub App's id; JWTs must carry it as `iss`. @default 4242 */
  readonly appId?: number;
  /** The GitHub App's slug; installation tokens act as `<slug>[bot]`. @default 'phoenix' */
  readonly appSlug?: string;
  /** PEM public key of the app; when given, JWTs on /app endpoints must be signed with the matching private key. @default - any JWT-shaped token is accepted */
  readonly appPublicKey?: string;
}

/** One request as the fake saw it. */
export interface RecordedRequest {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly status: number;
  /** Login of the caller, when authenticated. */
  readonly actor?: string;
  /** True when an injected fault answered this request. */
  readonly faulted: boolean;
}

/** A fault for the next calls of one operation. */
export interface FaultOptions {
  /** HTTP status to answer. @default 502 */
  readonly status?: number;
  /** How many consecutive calls fail. @default 1 */
  readonly times?: number;
  /** Whether the operation still takes effect server-side before the error is returned (a create that "succeeded" behind a 502). @default false */
  readonly applied?: boolean;
  /** Extra response headers (e.g. `retry-after`, `x-ratelimit-remaining`). @default {} */
  readonly headers?: Record<string, string>;
}

/** What `addRepo` needs. */
export interface AddRepoOptions {
  readonly owner: string;
  readonly name: string;
  /** @default 'main' */
  readonly defaultBranch?: string;
  /** @default false */
  readonly private?: boolean;
  /** `owner/name` of the parent, for forks. @default - not a fork */
  readonly forkOf?: string;
  /** Installation of the app on this repository. @default - not installed */
  readonly installationId?: number;
}

/** What `addPull` needs; the head and base branches are created (or moved) to the given shas. */
export interface AddPullOptions {
  readonly headRef: string;
  readonly headSha: string;
  /** @default 'main' */
  readonly baseRef?: string;
  /** @default '0'.repeat(40) */
  readonly baseSha?: string;
  /** @default `Update ${headRef}` */
  readonly title?: string;
  /** `owner/name` of the head repository (a fork). @default - the base repository */
  readonly headRepo?: string;
  /** @default false */
  readonly draft?: boolean;
  /** @default 'octocat' */
  readonly author?: string;
  /** Pull request number (must be unused). @default - the next free number */
  readonly number?: number;
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
  readonly operationId: string;
}

const ROUTES: Route[] = [...repoRoutes, ...pullRoutes, ...issueRoutes, ...checkRoutes];
const MAX_BODY_BYTES = 5 * 1024 * 1024;

function compileRoutes(): CompiledRoute[] {
  return ROUTES.map((route) => {
    const names: string[] = [];
    const segments = route.path.split('/').map((segment, index, all) => {
      const match = /^\{(.+)\}$/.exec(segment);
      if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]);
      return route.greedyLast && index === all.length - 1 ? '(.+)' : '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${segments.join('/')}$`), names, operationId: operationSpec(route.method, route.path).operationId };
  });
}

export class FakeGitHub {
  /** The fake's world, for seeding and for assertions. */
  readonly state = new FakeState();
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every request or response that does not match GitHub's OpenAPI description, and every unserved route. */
  readonly violations: string[] = [];
  private readonly routes = compileRoutes();
  private readonly faults = new Map<string, { status: number; times: number; applied: boolean; headers: Record<string, string> }>();
  private readonly userTokens = new Map<string, FakeActor>();
  private server?: http.Server;
  private url?: string;

  constructor(private readonly options: FakeGitHubOptions = {}) {
    if (options.appId !== undefined) this.state.appId = options.appId;
    if (options.appSlug !== undefined) this.state.appSlug = options.appSlug;
  }

  /** Starts a fake on a free 127.0.0.1 port. */
  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options);
    await fake.listen();
    return fake;
  }

  /** The base URL to give Octokit (`baseUrl`). */
  get baseUrl(): string {
    if (!this.url) throw new Error('the fake GitHub is not listening: call FakeGitHub.start()');
    return this.url;
  }

  private async listen(): Promise<void> {
    this.server = http.createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Stops the server (call in afterAll / afterEach). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Throws when any request or response broke GitHub's OpenAPI description. */
  assertValid(): void {
    if (this.violations.length > 0) throw new Error(`fake GitHub saw ${this.violations.length} OpenAPI violation(s):\n- ${this.violations.join('\n- ')}`);
  }

  /** The recorded requests of one operation (`pulls/create`, `issues/update-comment`, …). */
  calls(operationId: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  /** Makes the next `times` calls of an operation fail with `status`, optionally after taking effect. */
  failNext(operationId: string, options: FaultOptions = {}): void {
    if (!this.routes.some((r) => r.operationId === operationId)) throw new Error(`the fake does not serve ${operationId}`);
    this.faults.set(operationId, {
      status: options.status ?? 502,
      times: options.times ?? 1,
      applied: options.applied ?? false,
      headers: options.headers ?? {},
    });
  }

  /** A token that acts as a plain user (default for unknown non-installation tokens: `octocat`). */
  addUserToken(token: string, login: string): void {
    this.userTokens.set(token, { login, id: 100 + this.userTokens.size, type: 'User' });
  }

  /** Adds a repository with its default branch at `0…0` unless a ref is set later. */
  addRepo(options: AddRepoOptions): FakeRepo {
    const repo: FakeRepo = {
      id: this.state.id(),
      owner: options.owner,
      name: options.name,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false,
      forkOf: options.forkOf,
      refs: new Map([[`heads/${options.defaultBranch ?? 'main'}`, '0'.repeat(40)]]),
      pulls: [],
      comments: [],
      checkRuns: [],
      statuses: [],
      labels: new Set(),
      nextIssueNumber: 0,
      installationId: options.installationId,
    };
    this.state.repos.set(`${options.owner}/${options.name}`.toLowerCase(), repo);
    if (options.installationId !== undefined && !this.state.installations.has(options.installationId)) {
      this.state.installations.set(options.installationId, { id: options.installationId, account: options.owner });
    }
    return repo;
  }

  /** The repository `owner/name`; throws when it was never added. */
  repo(fullName: string): FakeRepo {
    const repo = this.state.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`the fake has no repository ${fullName}: call addRepo first`);
    return repo;
  }

  /** Sets a git ref (`heads/main`) of a repository. */
  setRef(fullName: string, ref: string, sha: string): void {
    this.repo(fullName).refs.set(ref.replace(/^refs\//, ''), sha);
  }

  /** Opens a pull request directly in the state (as a person would on github.com). */
  addPull(fullName: string, options: AddPullOptions): FakePull {
    const repo = this.repo(fullName);
    const headRepo = options.headRepo ?? `${repo.owner}/${repo.name}`;
    const baseRef = options.baseRef ?? repo.defaultBranch;
    const baseSha = options.baseSha ?? repo.refs.get(`heads/${baseRef}`) ?? '0'.repeat(40);
    repo.refs.set(`heads/${baseRef}`, baseSha);
    const headRepoState = this.state.repos.get(headRepo.toLowerCase());
    (headRepoState ?? repo).refs.set(`heads/${options.headRef}`, options.headSha);
    const now = this.state.now();
    if (options.number !== undefined && repo.pulls.some((p) => p.number === options.number)) throw new Error(`${fullName} already has #${options.number}`);
    repo.nextIssueNumber = Math.max(repo.nextIssueNumber + 1, options.number ?? 0);
    const login = options.author ?? 'octocat';
    const pull: FakePull = {
      number: options.number ?? repo.nextIssueNumber,
      id: this.state.id(),
      state: 'open',
      title: options.title ?? `Update ${options.headRef}`,
      body: null,
      draft: options.draft ?? false,
      merged: false,
      headRef: options.headRef,
      headSha: options.headSha,
      headRepo,
      baseRef,
      baseSha,
      labels: [],
      maintainerCanModify: true,
      user: { login, id: 1, type: 'User' },
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    repo.pulls.push(pull);
    return pull;
  }

  /** Moves a pull request's head to a new commit (a push). */
  pushToPull(fullName: string, number: number, headSha: string): FakePull {
    const repo = this.repo(fullName);
    const pull = repo.pulls.find((p) => p.number === number);
    if (!pull) throw new Error(`${fullName} has no pull request #${number}`);
    pull.headSha = headSha;
    pull.updatedAt = this.state.now();
    (this.state.repos.get(pull.headRepo.toLowerCase()) ?? repo).refs.set(`heads/${pull.headRef}`, headSha);
    return pull;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        this.violations.push(`${req.method} ${req.url}: request body over ${MAX_BODY_BYTES} bytes`);
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const response = this.dispatch(req.method ?? 'GET', req.url ?? '/', req.headers.authorization, raw);
    const headers: Record<string, string> = {
      'x-github-request-id': crypto.randomUUID(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...(response.headers ?? {}),
    };
    if (response.body === undefined) {
      res.writeHead(response.status, headers).end();
      return;
    }
    res.writeHead(response.status, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(response.body));
  }

  private dispatch(method: string, rawUrl: string, authorization: string | undefined, raw: string): HandlerResponse {
    const url = new URL(rawUrl, this.baseUrl);
    const query = Object.fromEntries(url.searchParams.entries());
    let matched: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    for (const compiled of this.routes) {
      if (compiled.route.method !== method) continue;
      const match = compiled.pattern.exec(url.pathname);
      if (!match) continue;
      const params = Object.fromEntries(compiled.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      matched = { compiled, params };
      break;
    }
    if (!matched) {
      this.violations.push(`${method} ${url.pathname} is not served by the fake GitHub (add a route in test/support/fake-github/handlers)`);
      return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
    }
    const { compiled, params } = matched;
    const spec = operationSpec(compiled.route.method, compiled.route.path);
    const record = (status: number, faulted: boolean, actor?: string, body?: unknown) =>
      this.requests.push({ operationId: compiled.operationId, method, path: url.pathname, query, body, status, actor, faulted });

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        this.violations.push(`${compiled.operationId}: request body is not JSON`);
        record(400, false);
        return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest' } };
      }
    }
    const problems = [...validateParameters(spec, params, query), ...validateRequestBody(spec, body)];
    if (problems.length > 0) {
      this.violations.push(...problems.map((p) => `${compiled.operationId} request: ${p}`));
      record(422, false, undefined, body);
      return {
        status: 422,
        body: {
          message: 'Invalid request.',
          documentation_url: 'https://docs.github.com/rest',
          errors: problems.map((p) => ({ code: 'invalid', message: p })),
        },
      };
    }

    const auth = this.authenticate(authorization);
    if (!auth) {
      record(401, false, undefined, body);
      return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    }
    const request: HandlerRequest = {
      params,
      query,
      body,
      state: this.state,
      actor: auth.actor,
      appJwt: auth.appJwt,
      installationId: auth.installationId,
      url: url.toString(),
    };

    const fault = this.faults.get(compiled.operationId);
    if (fault && fault.times > 0) {
      fault.times -= 1;
      if (fault.times === 0) this.faults.delete(compiled.operationId);
      if (fault.applied) this.run(compiled.route, request);
      record(fault.status, true, auth.actor.login, body);
      return { status: fault.status, body: { message: 'Server Error' }, headers: fault.headers };
    }

    const response = this.run(compiled.route, request);
    const responseProblems = validateResponse(spec, response.status, response.body);
    if (responseProblems.length > 0) this.violations.push(...responseProblems.map((p) => `${compiled.operationId} ${p}`));
    record(response.status, false, auth.actor.login, body);
    return response;
  }

  private run(route: Route, request: HandlerRequest): HandlerResponse {
    try {
      return route.handle(request);
    } catch (error) {
      if (error instanceof GitHubHttpError) return { status: error.status, body: error.toBody() };
      this.violations.push(`${route.method} ${route.path}: the fake crashed: ${error instanceof Error ? error.stack : String(error)}`);
      return { status: 500, body: { message: 'fake crashed' } };
    }
  }

  private authenticate(header: string | undefined): { actor: FakeActor; appJwt: boolean; installationId?: number } | undefined {
    if (!header) return undefined;
    const [scheme, credential] = header.split(/\s+/, 2);
    if (!credential || !/^(token|bearer)$/i.test(scheme)) return undefined;
    if (credential.split('.').length === 3) return this.verifyJwt(credential) ? { actor: this.state.botActor(), appJwt: true } : undefined;
    const issued = this.state.tokens.get(credential);
    if (issued) return { actor: issued.actor, appJwt: false, installationId: issued.installationId };
    if (credential.startsWith('ghs_')) return undefined;
    return { actor: this.userTokens.get(credential) ?? { login: 'octocat', id: 1, type: 'User' }, appJwt: false };
  }

  private verifyJwt(jwt: string): boolean {
    const [header, payload, signature] = jwt.split('.');
    let claims: { iss?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: unknown };
    } catch {
      return false;
    }
    if (String(claims.iss) !== String(this.state.appId)) return false;
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return false;
    if (!this.options.appPublicKey) return true;
    return crypto.verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.options.appPublicKey, Buffer.from(signature, 'base64url'));
  }
}
