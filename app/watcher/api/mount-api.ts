import type http from 'node:http';
import type { Decision } from '../../../analysis/decide/types';
import { redactMessage } from '../../../clients/git/run-git';
import type { ActuationResult } from '../actuation/actuate-decisions';
import type { CycleReport } from '../cycle';
import type { WatcherHttpServer } from '../http-server';
import type { StatusSource } from '../status-page/mount-status-page';
import type { PullRequestView } from '../status-page/view-model';
import { createActionHandler, type ActionRoutesOptions } from './action-routes';
import { ApiError, badRequest, notFound, sendError } from './api-error';
import { EventStream, type EventStreamOptions } from './event-stream';
import { buildExperiments, decisionHistory, historyKey, type ApiCycle, type ApiExperiment } from './experiment-resources';
import { paginate } from './paginate';
import { sendCacheableJson } from './send-cacheable';

/** The API's base path; the version changes only with a breaking change (see docs/api/openapi.yaml). */
export const API_BASE = '/api/v1';

/** Options of {@link mountApi}. */
export interface MountApiOptions {
  /** The status page's data (experiments, states, decision records, pull requests). */
  readonly source: StatusSource;
  /** The latest cycle's report. */
  readonly report: () => CycleReport | undefined;
  readonly mode: () => 'observe' | 'propose';
  /** Whether cycles keep finishing (readiness). */
  readonly ready: () => boolean;
  /** Watched environments; others are unknown (404). @default - those in the status view */
  readonly environments?: readonly string[];
  /** Pull requests known by branch. @default - none */
  readonly pullRequests?: () => ReadonlyMap<string, PullRequestView>;
  /** The action routes. @default - turned off */
  readonly actions?: Omit<ActionRoutesOptions, 'unknown'> & { readonly unknown?: ActionRoutesOptions['unknown'] };
  readonly events?: EventStreamOptions;
  /** Where failures behind a 500 are told (the answer says only that the log has the details). @default - nowhere */
  readonly log?: { error(object: object, message: string): void };
}

/** The mounted API: its event stream, to publish what happened. */
export interface MountedApi {
  readonly events: EventStream;
  /** Publishes a finished cycle: `cycle-finished`, each `verdict-changed`, each `pull-request-opened`. */
  publishCycle(report: CycleReport, actuation: readonly ActuationResult[]): void;
}

const SEVERITY: Readonly<Record<string, number>> = { pass: 0, inconclusive: 1, fail: 2, error: 3 };

/**
 * Mounts `/api/v1` (described by docs/api/openapi.yaml) on the watcher's server: read routes with
 * `ETag`/`If-None-Match` and cursor pagination, `events` as Server-Sent Events, health and
 * readiness, and the action routes (off unless configured). Every error has one shape; nothing a
 * handler throws reaches the client but its message when it is an {@link ApiError}.
 */
export function mountApi(server: WatcherHttpServer, options: MountApiOptions): MountedApi {
  const events = new EventStream(options.events);
  const log = options.log ?? { error: () => undefined };
  server.onClose(() => events.close());
  const known = async (): Promise<{ view: Awaited<ReturnType<StatusSource['view']>>; environments: Set<string> }> => {
    const view = await options.source.view();
    return { view, environments: new Set(options.environments ?? view.environments.map((e) => e.name)) };
  };
  const unknown =
    options.actions?.unknown ??
    (async (experiment: string, environment: string) => {
      const { view, environments } = await known();
      if (!view.environments.some((e) => e.experiments.some((x) => x.name === experiment))) return 'experiment' as const;
      return environments.has(environment) ? undefined : ('environment' as const);
    });
  const act = createActionHandler({
    enabled: false,
    propose: () => Promise.reject(new Error('actions are turned off')),
    log: { info: () => undefined, warn: () => undefined },
    ...options.actions,
    unknown,
    onProposed: (decision, pullRequest, opened) => {
      options.actions?.onProposed?.(decision, pullRequest, opened);
      if (opened)
        events.publish('pull-request-opened', {
          experiment: decision.experiment,
          environment: decision.environment,
          action: decision.action,
          url: pullRequest.url,
          branch: pullRequest.branch,
        });
    },
  });

  const experiments = async (): Promise<{ list: ApiExperiment[]; environments: Set<string>; problems: readonly string[] }> => {
    const { view, environments } = await known();
    return {
      list: buildExperiments(view, options.report()?.decisions ?? [], options.pullRequests?.() ?? new Map()),
      environments,
      problems: view.problems ?? [],
    };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    const matched = matchApiRoute(url.pathname);
    if (!matched) throw new ApiError(404, 'not_found', `no API route ${clip(url.pathname)}: see docs/api/openapi.yaml for the routes of ${API_BASE}`);
    const { route, segments } = matched;
    const allowed = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
    if (!allowed.includes(req.method ?? ''))
      throw new ApiError(
        405,
        'method_not_allowed',
        `${clip(req.method ?? '')} is not allowed here: use ${allowed.join(' or ')}`,
        {},
        { allow: allowed.join(', ') },
      );
    const params = url.searchParams;
    switch (route.id) {
      case 'health':
        onlyParams(params, []);
        sendCacheableJson(req, res, { status: 'ok' });
        return;
      case 'ready': {
        onlyParams(params, []);
        const finishedAt = options.report()?.finishedAt;
        if (!options.ready())
          throw new ApiError(
            503,
            'not_ready',
            finishedAt
              ? `no cycle finished recently (the last at ${finishedAt}): Prometheus, Flux or the config repo may be unreachable`
              : 'no cycle has finished yet',
            {},
            { 'retry-after': '10' },
          );
        sendCacheableJson(req, res, { ready: true, lastCycleAt: finishedAt ?? null });
        return;
      }
      case 'events':
        onlyParams(params, []);
        events.serve(req, res);
        return;
      case 'list': {
        onlyParams(params, ['environment', 'limit', 'cursor']);
        const { list, environments, problems } = await experiments();
        const environment = params.get('environment');
        if (environment !== null && !environments.has(environment))
          throw notFound('environment', `the watcher does not watch an environment named '${clip(environment)}'`);
        const filtered =
          environment === null
            ? list
            : list.map((e) => ({ ...e, environments: e.environments.filter((x) => x.environment === environment) })).filter((e) => e.environments.length > 0);
        const page = paginate(filtered, (e) => e.name, params);
        sendCacheableJson(req, res, {
          mode: options.mode(),
          cycle: cycleOf(options.report()),
          experiments: page.items,
          ...(problems.length ? { problems } : {}),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        });
        return;
      }
      case 'one': {
        onlyParams(params, []);
        const found = (await experiments()).list.find((e) => e.name === segments[1]);
        if (!found)
          throw notFound(
            'name',
            `no experiment named '${clip(segments[1]!)}' is watched: it may have been removed from the config repo, or the name is mistyped`,
          );
        sendCacheableJson(req, res, found);
        return;
      }
      case 'decisions': {
        onlyParams(params, ['environment', 'limit', 'cursor']);
        const { view, environments } = await known();
        const name = segments[1]!;
        if (!view.environments.some((e) => e.experiments.some((x) => x.name === name)))
          throw notFound('name', `no experiment named '${clip(name)}' is watched`);
        const environment = params.get('environment');
        if (environment !== null && !environments.has(environment))
          throw notFound('environment', `the watcher does not watch an environment named '${clip(environment)}'`);
        const history = decisionHistory(view, name).filter((d) => environment === null || d.environment === environment);
        const page = paginate(history, historyKey, params, true);
        sendCacheableJson(req, res, { experiment: name, decisions: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
        return;
      }
      case 'action':
        onlyParams(params, []);
        await act(req, res, segments.slice(1) as string[]);
        return;
    }
  };

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    try {
      await handle(req, res, url);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        const { message, frames } = describeFailure(error);
        log.error({ method: req.method, path: clip(url.pathname), err: { message, stack: frames } }, 'API answer failed');
      }
      sendError(req, res, error instanceof ApiError ? error : new ApiError(500, 'internal', 'the watcher failed to answer; the watcher log has the details'));
    }
  };
  // Every method and the bare base too, so that whatever reaches /api/v1 answers in the one error shape.
  server.route(API_BASE, serve, { methods: ANY_METHOD });
  server.route(`${API_BASE}/`, serve, { methods: ANY_METHOD });

  const verdicts = new Map<string, string>();
  return {
    events,
    publishCycle(report, actuation) {
      const current = worstVerdicts(report.decisions);
      events.publish('cycle-finished', { finishedAt: report.finishedAt, decisions: report.decisions.length, problems: report.problems.length });
      for (const [key, verdict] of current) {
        const before = verdicts.get(key);
        if (before !== undefined && before !== verdict) {
          const [experiment, environment] = key.split('\u0000');
          events.publish('verdict-changed', { experiment, environment, from: before, to: verdict, at: report.finishedAt });
        }
        verdicts.set(key, verdict);
      }
      for (const result of actuation) {
        if (result.outcome?.status === 'opened' && result.outcome.url) {
          events.publish('pull-request-opened', {
            experiment: result.experiment,
            environment: result.environment,
            action: result.action,
            url: result.outcome.url,
            branch: result.outcome.branch,
          });
        }
      }
    },
  };
}

/** One route of `/api/v1`: its method and path template exactly as docs/api/openapi.yaml spells them. */
export interface ApiRoute {
  readonly id: 'health' | 'ready' | 'events' | 'list' | 'one' | 'decisions' | 'action';
  /** GET routes also answer HEAD. */
  readonly method: 'GET' | 'POST';
  /** Relative to {@link API_BASE}; `{param}` matches one non-empty path segment. */
  readonly path: string;
}

/** Every route the API serves: the router matches requests against this table and nothing else. */
export const API_ROUTES: readonly ApiRoute[] = [
  { id: 'health', method: 'GET', path: '/health' },
  { id: 'ready', method: 'GET', path: '/ready' },
  { id: 'events', method: 'GET', path: '/events' },
  { id: 'list', method: 'GET', path: '/experiments' },
  { id: 'one', method: 'GET', path: '/experiments/{name}' },
  { id: 'decisions', method: 'GET', path: '/experiments/{name}/decisions' },
  { id: 'action', method: 'POST', path: '/experiments/{name}/environments/{env}/{action}' },
];

/** Methods the API's mount accepts, so that it (not the server) answers every method in the error shape. */
const ANY_METHOD = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'];

const TEMPLATES = API_ROUTES.map((route) => ({ route, parts: route.path.slice(1).split('/') }));

/** The route serving `pathname` (under {@link API_BASE}) and its decoded path segments. */
export function matchApiRoute(pathname: string): { readonly route: ApiRoute; readonly segments: readonly string[] } | undefined {
  if (!pathname.startsWith(`${API_BASE}/`)) return undefined;
  const segments = pathname
    .slice(API_BASE.length + 1)
    .split('/')
    .map(decodeSegment);
  if (segments.some((s) => s === undefined || s === '')) return undefined;
  const decoded = segments as string[];
  const found = TEMPLATES.find(({ parts }) => parts.length === decoded.length && parts.every((part, i) => part.startsWith('{') || part === decoded[i]));
  return found ? { route: found.route, segments: decoded } : undefined;
}

/** A failure's message (redacted, one line) and its stack frames, for the log only. */
function describeFailure(error: unknown): { message: string; frames: string } {
  const message = redactMessage(String((error as Error)?.message ?? error));
  const stack = typeof (error as Error)?.stack === 'string' ? (error as Error).stack! : '';
  return {
    message,
    frames: stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 12)
      .join('\n'),
  };
}

function onlyParams(params: URLSearchParams, allowed: readonly string[]): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key))
      throw badRequest(clip(key), `unknown query parameter '${clip(key)}'${allowed.length ? `: use ${allowed.join(', ')}` : ': this route takes none'}`);
  }
  for (const key of allowed) if (params.getAll(key).length > 1) throw badRequest(key, `give ${key} once`);
}

function cycleOf(report: CycleReport | undefined): ApiCycle | null {
  if (!report) return null;
  const { decisions: _omitted, ...cycle } = report;
  return cycle;
}

function worstVerdicts(decisions: readonly Decision[]): Map<string, string> {
  const worst = new Map<string, string>();
  for (const d of decisions) {
    const key = `${d.experiment}\u0000${d.environment}`;
    const before = worst.get(key);
    if (before === undefined || SEVERITY[d.verdict]! > SEVERITY[before]!) worst.set(key, d.verdict);
  }
  return worst;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
