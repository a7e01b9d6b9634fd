/**
 * The watcher's API contract in tests: docs/api/openapi.yaml compiled once per worker by
 * openapi-backend (which also checks the document itself against the OpenAPI 3.0 schema), and
 * `apiFetch`, the tests' HTTP helper for `/api/v1`: every answer it receives is matched to its
 * operation and validated (status declared, headers, JSON body), so an answer that drifts from
 * the contract fails whichever test received it; and `validateServedAnswers`, the same check on
 * the server's side, for answers that other clients receive (the CLI, a browser's EventSource).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';
import type http from 'node:http';
import OpenAPIBackend, { SetMatchType } from 'openapi-backend';
import type { Document, Operation } from 'openapi-backend';
import type { WatcherHttpServer } from '../../app/watcher/http-server';

export const OPENAPI_FILE = path.join(__dirname, '..', '..', 'docs', 'api', 'openapi.yaml');

let compiled: Promise<OpenAPIBackend> | undefined;
const eventValidators = new Map<string, ValidateFunction>();

/** The compiled contract (once per worker). */
export function apiContract(): Promise<OpenAPIBackend> {
  compiled ??= (async () => {
    const definition = yaml.load(readFileSync(OPENAPI_FILE, 'utf8')) as Document;
    const api = new OpenAPIBackend({
      definition,
      strict: true,
      quick: false,
      validate: true,
      ajvOpts: { strict: false },
      customizeAjv: (ajv) => (addFormats(ajv), ajv),
    });
    await api.init();
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schemas = (api.definition.components?.schemas ?? {}) as Record<string, object>;
    for (const [type, schema] of [
      ['cycle-finished', 'CycleFinishedEvent'],
      ['verdict-changed', 'VerdictChangedEvent'],
      ['pull-request-opened', 'PullRequestOpenedEvent'],
    ] as const) {
      eventValidators.set(type, ajv.compile(stripNullable(schemas[schema]!)));
    }
    return api;
  })();
  return compiled;
}

/** An answer's status and headers (a fetch `Response`, or what a server wrote). */
export interface AnswerHead {
  readonly status: number;
  readonly headers: Headers;
}

/**
 * Throws unless `response` (its body already read as `text`) is an answer the contract allows for
 * `method` `url`. HEAD is checked as the GET it mirrors (RFC 9110), without a body.
 */
export async function assertAnswerMatchesContract(
  method: string,
  url: URL,
  requestHeaders: Record<string, string>,
  response: AnswerHead,
  text: string,
): Promise<void> {
  const api = await apiContract();
  const relative = url.pathname.replace(/^\/api\/v1/, '');
  const head = method === 'HEAD';
  const operation = api.router.matchOperation({
    method: head ? 'GET' : method,
    path: relative || '/',
    headers: requestHeaders,
    query: Object.fromEntries(url.searchParams),
  });
  const where = `${method} ${url.pathname}${url.search} → ${response.status}`;
  if (head) {
    if (text !== '') throw new Error(`${where}: a HEAD answer has no body`);
    if (!operation ? response.status < 400 : !Object.keys(operation.responses ?? {}).some((s) => s === String(response.status) || s === 'default'))
      throw new Error(`${where}: status not declared for the GET it mirrors`);
    if (operation) assertHeaders(api, operation, response, where);
    return;
  }
  if (!operation) {
    // Routes the contract does not have still answer in the error shape.
    assertErrorShape(api, response, text, where);
    return;
  }
  const declared = Object.keys(operation.responses ?? {});
  if (!declared.includes(String(response.status)) && !declared.includes('default'))
    throw new Error(`${where}: status not declared for ${operation.operationId}`);
  assertHeaders(api, operation, response, where);
  if (response.status === 304) {
    if (text !== '') throw new Error(`${where}: a 304 has no body`);
    if (!response.headers.get('etag')) throw new Error(`${where}: a 304 carries the ETag`);
    return;
  }
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    if (!(operation.responses?.[String(response.status)] as { content?: Record<string, unknown> } | undefined)?.content?.['text/event-stream'])
      throw new Error(`${where}: an event stream is not declared here`);
    return;
  }
  if (!type.startsWith('application/json')) throw new Error(`${where}: content-type ${type} is not JSON`);
  const body = JSON.parse(text) as unknown;
  const result = api.validator.validateResponse(body, operation, response.status);
  if (result.errors?.length)
    throw new Error(`${where}: answer drifts from docs/api/openapi.yaml: ${JSON.stringify(result.errors.slice(0, 5))}\n${text.slice(0, 2000)}`);
  if (response.status >= 400) assertErrorShape(api, response, text, where);
}

/** The headers the operation's answer for this status declares (`required` ones must be there). */
function assertHeaders(api: OpenAPIBackend, operation: Operation, response: AnswerHead, where: string): void {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const result = api.validator.validateResponseHeaders(headers, operation, { statusCode: response.status, setMatchType: SetMatchType.Superset });
  if (result.errors?.length) throw new Error(`${where}: headers drift from docs/api/openapi.yaml: ${JSON.stringify(result.errors)}`);
}

function assertErrorShape(api: OpenAPIBackend, response: AnswerHead, text: string, where: string): void {
  const errorOperation = api.getOperation('getExperiment')!;
  if (response.status < 400) throw new Error(`${where}: route is not in the contract`);
  if (!(response.headers.get('content-type') ?? '').startsWith('application/json'))
    throw new Error(`${where}: an error that is not JSON: ${text.slice(0, 200)}`);
  const result = api.validator.validateResponse(JSON.parse(text), errorOperation, 404);
  if (result.errors?.length) throw new Error(`${where}: error not in the one error shape: ${JSON.stringify(result.errors)}`);
  if ((JSON.parse(text) as { error: { status: number } }).error.status !== response.status)
    throw new Error(`${where}: error.status differs from the HTTP status`);
}

/** Throws unless an event's data matches its schema in the contract. */
export async function assertEventMatchesContract(type: string, data: unknown): Promise<void> {
  await apiContract();
  const validate = eventValidators.get(type);
  if (!validate) throw new Error(`event type ${type} is not in docs/api/openapi.yaml`);
  if (!validate(data)) throw new Error(`event ${type} drifts from docs/api/openapi.yaml: ${JSON.stringify(validate.errors)}`);
}

/** The answer, read, with its JSON body when there is one. */
export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

/**
 * The tests' HTTP helper for the watcher: fetches `base + path` and, for `/api/v1` paths,
 * validates the answer against the contract before returning it.
 */
export async function apiFetch<T = unknown>(base: string, pathAndQuery: string, init: RequestInit = {}): Promise<ApiAnswer<T>> {
  const url = new URL(pathAndQuery, base);
  // Compiled before the request, not between two: a slow first compile must not outlast the
  // server's keep-alive timeout and have the next request meet a closing connection.
  await apiContract();
  const response = await fetch(url, init);
  const text = await response.text();
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, key) => (headers[key] = value));
  if (url.pathname.startsWith('/api/v1')) await assertAnswerMatchesContract(init.method ?? 'GET', url, headers, response, text);
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json') && text ? (JSON.parse(text) as T) : (undefined as T);
  return { status: response.status, headers: response.headers, text, body: json };
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema (`type: [t, 'null']`), for plain ajv. */
function stripNullable(schema: unknown): object {
  if (Array.isArray(schema)) return schema.map(stripNullable);
  if (!schema || typeof schema !== 'object') return schema as object;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (key !== 'nullable' && key !== 'example' && key !== 'examples') out[key] = stripNullable(value);
  const record = schema as Record<string, unknown>;
  if (record.nullable === true && typeof record.type === 'string') out.type = [record.type, 'null'];
  return out;
}

/** The answers a server served under `/api/v1`, checked against the contract. */
export interface ServedAnswers {
  /** Answers started so far. */
  readonly count: number;
  /** Waits for the checks in flight; returns (and forgets) every way an answer drifted from the contract. */
  problems(): Promise<string[]>;
}

/**
 * Checks every answer `server` serves under `/api/v1` against the contract, whoever asked — the
 * tests' own `apiFetch`, `phoenix status --server`, a browser's EventSource — with the same
 * {@link assertAnswerMatchesContract}; event streams have each event checked as it is written.
 * Call it before the API is mounted (it wraps the handlers mounted after it).
 */
export function validateServedAnswers(server: WatcherHttpServer): ServedAnswers {
  const problems: string[] = [];
  const pending = new Set<Promise<void>>();
  let count = 0;
  const check = (work: () => Promise<void>) => {
    const running = work().catch((error: unknown) => void problems.push((error as Error).message));
    pending.add(running);
    void running.finally(() => pending.delete(running));
  };
  const route = server.route.bind(server);
  server.route = (path, handler, options) => {
    if (!path.startsWith('/api/v1')) return route(path, handler, options);
    return route(
      path,
      (req, res, url) => {
        count += 1;
        tap(req, res, url, check);
        return handler(req, res, url);
      },
      options,
    );
  };
  return {
    get count() {
      return count;
    },
    async problems() {
      while (pending.size > 0) await Promise.all([...pending]);
      return problems.splice(0);
    },
  };
}

function tap(req: http.IncomingMessage, res: http.ServerResponse, url: URL, check: (work: () => Promise<void>) => void): void {
  const chunks: Buffer[] = [];
  let head: AnswerHead | undefined;
  let stream: string | undefined;
  const take = (chunk: unknown) => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return;
    const buffer = Buffer.from(chunk);
    chunks.push(buffer);
    if (stream === undefined) return;
    stream += buffer.toString('utf8');
    const blocks = stream.split('\n\n');
    stream = blocks.pop()!;
    for (const block of blocks) {
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (type === undefined && data === undefined) continue;
      check(async () => {
        if (type === undefined || data === undefined || !/^id: \d+$/m.test(block)) throw new Error(`event without id, event and data: ${block}`);
        await assertEventMatchesContract(type, JSON.parse(data));
      });
    }
  };
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.getHeaders())) if (value !== undefined) headers.set(name, String(value));
    const given = args.find((a) => typeof a === 'object' && a !== null) as Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(given ?? {})) if (value !== undefined) headers.set(name, String(value));
    head = { status: args[0] as number, headers };
    if ((headers.get('content-type') ?? '').startsWith('text/event-stream')) stream = '';
    return writeHead(...args);
  }) as typeof res.writeHead;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((...args: unknown[]) => (take(args[0]), write(...args))) as typeof res.write;
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.end = ((...args: unknown[]) => (take(args[0]), end(...args))) as typeof res.end;
  const requestHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) requestHeaders[name] = String(value);
  res.once('close', () =>
    check(async () => {
      const answer = head ?? {
        status: res.statusCode,
        headers: new Headers(Object.entries(res.getHeaders()).map(([k, v]): [string, string] => [k, String(v)])),
      };
      await assertAnswerMatchesContract(req.method ?? 'GET', url, requestHeaders, answer, Buffer.concat(chunks).toString('utf8'));
    }),
  );
}
