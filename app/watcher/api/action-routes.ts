import type http from 'node:http';
import type { PersonAction } from '../actuation/proposal';
import { DecisionRefusedError, type PersonDecision, type PersonDecisionOutcome } from '../actuation/propose-person-decision';
import { GitCommandError, redactMessage } from '../../../clients/git/run-git';
import { GitHubRefusedError, GitHubUnavailableError } from '../../../clients/github/github-failure';
import { InstallationTokenError } from '../../../clients/github/installation-token';
import { ApiError, badRequest, notFound } from './api-error';
import { checkBearerToken } from './bearer-token';
import { RateLimiter } from './rate-limiter';
import { sendFreshJson } from './send-cacheable';

/** The actions a person may ask for through the API. */
export const API_ACTIONS: readonly PersonAction[] = ['start', 'pause', 'resume', 'abort'];

/** Largest request body accepted, bytes. */
const MAX_BODY_BYTES = 16 * 1024;

/** Where the Lease holder is, as a follower knows it. */
export interface LeaderStatus {
  readonly leader: boolean;
  /** The holder, when another replica holds the Lease. @default - unknown */
  readonly holder?: { readonly identity?: string; readonly url?: string };
}

/** Minimal logger (pino-compatible). */
interface ActionLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** Options of the action routes. */
export interface ActionRoutesOptions {
  /** Off by default: every action answers 403 `actions_disabled`. */
  readonly enabled: boolean;
  /** The bearer token callers must send (read once from a file or Secret); required when enabled. */
  readonly token?: string;
  /** Actions per minute over all callers. @default 6 */
  readonly ratePerMinute?: number;
  /** Actions at once before the rate applies. @default 3 */
  readonly burst?: number;
  /** Proposes the decision as a pull request (the code path of `phoenix experiment …`). */
  readonly propose: (decision: PersonDecision) => Promise<PersonDecisionOutcome>;
  /** Whether this replica holds the Lease. @default - always the leader (no Lease configured) */
  readonly leader?: () => Promise<LeaderStatus>;
  /** Which of the two is unknown to the watcher, if either. */
  readonly unknown: (experiment: string, environment: string) => Promise<'experiment' | 'environment' | undefined>;
  /** Told of every pull request opened or returned. @default - none */
  readonly onProposed?: (
    decision: PersonDecision,
    pullRequest: { readonly url: string; readonly branch: string; readonly number?: number },
    opened: boolean,
  ) => void;
  readonly log: ActionLog;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The answer of an action (schema `ActionResult`). */
export interface ActionResult {
  /** `opened` a new pull request; `existing`: its pull request was already open; `updated`/`unchanged`: the branch was rebuilt. */
  readonly status: 'opened' | 'existing' | 'updated' | 'unchanged';
  readonly experiment: string;
  readonly environment: string;
  readonly action: PersonAction;
  readonly pullRequest: { readonly url: string; readonly branch: string; readonly number?: number };
}

/**
 * `POST /api/v1/experiments/{name}/environments/{env}/{action}`: checks in this order — turned on,
 * bearer token, rate, action, body, Lease, experiment and environment — then proposes one at a
 * time (a second request waits for the first, so a retry finds the pull request the first opened).
 */
export function createActionHandler(
  options: ActionRoutesOptions,
): (req: http.IncomingMessage, res: http.ServerResponse, segments: readonly string[]) => Promise<void> {
  if (options.enabled && !options.token)
    throw new Error('API actions are turned on but no token was read: set api.actions.token to a file or environment variable');
  const limiter = new RateLimiter(options.ratePerMinute ?? 6, options.burst ?? 3, options.now);
  let queue: Promise<unknown> = Promise.resolve();
  return async (req, res, [experiment, , environment, action]) => {
    if (!options.enabled)
      throw new ApiError(
        403,
        'actions_disabled',
        'action routes are turned off on this watcher: set api.actions.enabled: true and api.actions.token in its config to turn them on',
      );
    checkBearerToken(req, options.token!);
    const wait = limiter.take();
    if (wait > 0) throw new ApiError(429, 'rate_limited', `too many actions: try again in ${wait} s`, {}, { 'retry-after': String(wait) });
    if (!API_ACTIONS.includes(action as PersonAction)) throw badRequest('action', `unknown action '${clip(action!)}': use one of ${API_ACTIONS.join(', ')}`);
    const body = await readBody(req);
    const leadership = options.leader ? await options.leader() : { leader: true };
    if (!leadership.leader) {
      const where = leadership.holder?.url ?? leadership.holder?.identity;
      throw new ApiError(
        503,
        'not_leader',
        `this replica does not hold the Lease, so it does not act${where ? `: send the request to ${where}` : ': try again in a few seconds'}`,
        { leader: leadership.holder ?? {} },
        { 'retry-after': '5' },
      );
    }
    const unknown = await options.unknown(experiment!, environment!);
    if (unknown === 'experiment') throw notFound('name', `no experiment named '${clip(experiment!)}' in the config repo`);
    if (unknown === 'environment') throw notFound('env', `the watcher does not watch an environment named '${clip(environment!)}'`);
    const decision: PersonDecision = {
      experiment: experiment!,
      environment: environment!,
      action: action as PersonAction,
      decidedBy: body.requestedBy ?? 'the Phoenix API',
      ...(body.reason ? { reason: body.reason } : {}),
    };
    const run = queue.then(() => act(decision, options));
    queue = run.catch(() => undefined);
    const result = await run;
    sendFreshJson(req, res, result.status === 'opened' ? 201 : 200, result, result.status === 'opened' ? { location: result.pullRequest.url } : {});
  };
}

async function act(decision: PersonDecision, options: ActionRoutesOptions): Promise<ActionResult> {
  const base = { experiment: decision.experiment, environment: decision.environment, action: decision.action as PersonAction };
  let outcome: PersonDecisionOutcome;
  try {
    outcome = await options.propose(decision);
  } catch (error) {
    if (error instanceof DecisionRefusedError) throw new ApiError(409, 'conflict', error.message);
    const message = redactMessage((error as Error).message);
    options.log.warn({ ...base, err: { message } }, 'API action failed');
    // A classified failure says what to do (clients/git, clients/github); anything else stays vague.
    const classified = [GitHubUnavailableError, GitHubRefusedError, GitCommandError, InstallationTokenError].some((type) => error instanceof type);
    throw new ApiError(
      502,
      'upstream_failed',
      classified
        ? `${message} — no pull request was opened`
        : 'the config repo or GitHub could not be reached or refused the change; no pull request was opened — try again (the watcher log has the details)',
    );
  }
  if (outcome.kind === 'conflict') {
    throw new ApiError(
      409,
      'conflict',
      `another pull request for ${decision.experiment} in ${decision.environment} is open (${outcome.action}): merge or close it first`,
      { pullRequest: { url: outcome.url, branch: outcome.branch, action: outcome.action } },
    );
  }
  if (outcome.kind === 'proposed' && (outcome.status === 'blocked' || !outcome.url)) {
    throw new ApiError(409, 'conflict', outcome.detail ?? `the proposal branch ${outcome.branch} is blocked`);
  }
  const status = outcome.kind === 'existing' ? 'existing' : (outcome.status as ActionResult['status']);
  const pullRequest = { url: outcome.url!, branch: outcome.branch, ...(outcome.pullNumber !== undefined ? { number: outcome.pullNumber } : {}) };
  options.log.info({ ...base, status, pull: pullRequest.url }, 'API action');
  options.onProposed?.(decision, pullRequest, status === 'opened');
  return { status, ...base, pullRequest };
}

interface ActionBody {
  readonly reason?: string;
  readonly requestedBy?: string;
}

/** Reads and checks the optional JSON body `{ reason?, requestedBy? }`; every problem names its field. */
async function readBody(req: http.IncomingMessage): Promise<ActionBody> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`, { field: 'body' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', `the body is larger than ${MAX_BODY_BYTES} bytes`, { field: 'body' });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as JSON with "Content-Type: application/json" (or send no body)', { field: 'body' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('body', 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest('body', 'the body must be a JSON object: { "reason"?: string, "requestedBy"?: string }');
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields))
    if (key !== 'reason' && key !== 'requestedBy') throw badRequest(clip(key), `unknown field '${clip(key)}': the body may carry only reason and requestedBy`);
  return { ...text_('reason', fields.reason, 500), ...text_('requestedBy', fields.requestedBy, 100) };
}

function text_(field: 'reason' | 'requestedBy', value: unknown, max: number): ActionBody {
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || hasControlCharacter(value)) {
    throw badRequest(field, `${field} must be one line of text, 1 to ${max} characters`);
  }
  return { [field]: value.trim() };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
