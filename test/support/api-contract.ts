/**
 * The watcher's API contract in tests: docs/api/openapi.yaml compiled once per worker by
 * openapi-backend (which also checks the document itself against the OpenAPI 3.0 schema), and
 * `apiFetch`, the tests' HTTP helper for `/api/v1`: every answer it receives is matched to its
 * operation and validated (status declared, headers, JSON body), so an answer that drifts from
 * the contract fails whichever test received it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';
import OpenAPIBackend from 'openapi-backend';
import type { Document } from 'openapi-backend';

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

/** Throws unless `response` (already read as `text`) is an answer the contract allows for `method` `url`. */
export async function assertAnswerMatchesContract(
  method: string,
  url: URL,
  requestHeaders: Record<string, string>,
  response: Response,
  text: string,
): Promise<void> {
  const api = await apiContract();
  const relative = url.pathname.replace(/^\/api\/v1/, '');
  const operation = api.router.matchOperation({ method, path: relative || '/', headers: requestHeaders, query: Object.fromEntries(url.searchParams) });
  const where = `${method} ${url.pathname}${url.search} → ${response.status}`;
  if (!operation) {
    // Routes the contract does not have still answer in the error shape.
    assertErrorShape(api, response, text, where);
    return;
  }
  const declared = Object.keys(operation.responses ?? {});
  if (!declared.includes(String(response.status)) && !declared.includes('default'))
    throw new Error(`${where}: status not declared for ${operation.operationId}`);
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

function assertErrorShape(api: OpenAPIBackend, response: Response, text: string, where: string): void {
  const errorOperation = api.getOperation('getExperiment')!;
  if (response.status < 400) throw new Error(`${where}: route is not in the contract`);
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
