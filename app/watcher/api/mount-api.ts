import type http from 'node:http';
import type { Decision } from '../../../analysis/decide/types';
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
    return { list: buildExperiments(view, options.report()?.decisions ?? [], options.pullRequests?.() ?? new Map()), environments, problems: view.problems ?? [] };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    const segments = url.pathname
      .slice(API_BASE.length + 1)
      .split('/')
      .map(decodeSegment);
    const route = routeOf(segments);
    if (!route) throw new ApiError(404, 'not_found', `no API route ${clip(url.pathname)}: see docs/api/openapi.yaml for the routes of ${API_BASE}`);
    const allowed = route === 'action' ? ['POST'] : ['GET', 'HEAD'];
    if (!allowed.includes(req.method ?? ''))
      throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed here: use ${allowed.join(' or ')}`, {}, { allow: allowed.join(', ') });
    const params = url.searchParams;
    switch (route) {
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

  server.route(
    `${API_BASE}/`,
    async (req, res, url) => {
      try {
        await handle(req, res, url);
      } catch (error) {
        sendError(req, res, error instanceof ApiError ? error : new ApiError(500, 'internal', 'the watcher failed to answer; the watcher log has the details'));
      }
    },
    { methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] },
  );

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

type Route = 'health' | 'ready' | 'events' | 'list' | 'one' | 'decisions' | 'action';

function routeOf(segments: ReadonlyArray<string | undefined>): Route | undefined {
  if (segments.some((s) => s === undefined || s === '')) return undefined;
  const [head, name, third, env, action] = segments;
  if (segments.length === 1)
    return head === 'health' ? 'health' : head === 'ready' ? 'ready' : head === 'events' ? 'events' : head === 'experiments' ? 'list' : undefined;
  if (head !== 'experiments' || !name) return undefined;
  if (segments.length === 2) return 'one';
  if (segments.length === 3 && third === 'decisions') return 'decisions';
  if (segments.length === 5 && third === 'environments' && env && action) return 'action';
  return undefined;
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
