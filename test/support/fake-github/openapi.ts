import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * GitHub's official REST description (`@octokit/openapi`, api.github.com, OpenAPI 3.0) loaded once per
 * test worker. Only the operations the fake serves are compiled (lazily, with ajv), so a test pays for
 * what it uses. OpenAPI 3.0's `nullable` is rewritten to JSON-Schema `type: [..., 'null']` first.
 */

type Json = Record<string, unknown>;

interface OpenApiDocument {
  paths: Record<string, Record<string, Json>>;
  components: {
    schemas: Record<string, Json>;
    parameters: Record<string, Json>;
    responses: Record<string, Json>;
    examples: Record<string, { value: unknown }>;
  };
}

/** One parameter of an operation (path or query), resolved from `#/components/parameters`. */
export interface OperationParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: Json;
}

/** What the fake needs to know about one served operation. */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: string;
  readonly pathTemplate: string;
  readonly parameters: readonly OperationParameter[];
  readonly requestBodySchema?: Json;
  readonly requestBodyRequired: boolean;
  readonly responseSchemas: ReadonlyMap<number, Json | undefined>;
  /** Named examples of the first 2xx response (spec `examples`, resolved). */
  readonly examples: readonly unknown[];
}

const SCHEMA_BASE = 'https://api.github.com/openapi/components/schemas/';

let documentCache: OpenApiDocument | undefined;

function loadDocument(): OpenApiDocument {
  if (!documentCache) {
    const packageDir = path.dirname(require.resolve('@octokit/openapi/package.json'));
    const file = path.join(packageDir, 'generated', 'api.github.com.json');
    documentCache = JSON.parse(fs.readFileSync(file, 'utf8')) as OpenApiDocument;
  }
  return documentCache;
}

function refName(ref: string, kind: string): string {
  const prefix = `#/components/${kind}/`;
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref} (expected ${prefix}…)`);
  return ref.slice(prefix.length);
}

/** Rewrites `nullable` (OpenAPI 3.0) into JSON Schema and points `$ref`s at the shared schema document. */
function normalize(node: unknown, refs: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => normalize(item, refs));
  if (!node || typeof node !== 'object') return node;
  const source = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'description' || key === 'example' || key === 'examples' || key === 'title') continue;
    if (key === '$ref' && typeof value === 'string') {
      const name = refName(value, 'schemas');
      refs.add(name);
      out.$ref = `${SCHEMA_BASE}${encodeURIComponent(name)}`;
      continue;
    }
    out[key] = key === 'properties' || key === 'patternProperties' || key === 'definitions' ? mapValues(value, refs) : normalize(value, refs);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (out.type === undefined) {
      return { anyOf: [{ type: 'null' }, out] };
    }
  } else if (out.nullable === false) {
    delete out.nullable;
  }
  return out;
}

function mapValues(value: unknown, refs: Set<string>): unknown {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, normalize(v, refs)]));
}

let ajvCache: { ajv: Ajv; coercing: Ajv; added: Set<string> } | undefined;

function ajvInstances(): { ajv: Ajv; coercing: Ajv; added: Set<string> } {
  if (!ajvCache) {
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
    const coercing = new Ajv({ strict: false, allErrors: true, coerceTypes: true, logger: false });
    addFormats(coercing);
    ajvCache = { ajv, coercing, added: new Set() };
  }
  return ajvCache;
}

/** Adds the named component schemas (and everything they reference) to the shared ajv document set. */
function ensureComponents(names: Iterable<string>): void {
  const doc = loadDocument();
  const state = ajvInstances();
  const pending = [...names].filter((n) => !state.added.has(n));
  const collected: Record<string, unknown> = {};
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (state.added.has(name) || name in collected) continue;
    const schema = doc.components.schemas[name];
    if (!schema) throw new Error(`OpenAPI component schema ${name} not found`);
    const refs = new Set<string>();
    collected[name] = normalize(schema, refs);
    for (const ref of refs) if (!state.added.has(ref) && !(ref in collected)) pending.push(ref);
  }
  if (Object.keys(collected).length === 0) return;
  // One ajv document per component, keyed by the absolute URI its `$ref`s were rewritten to.
  for (const [name, schema] of Object.entries(collected)) {
    state.ajv.addSchema(schema as Json, `${SCHEMA_BASE}${encodeURIComponent(name)}`);
    state.added.add(name);
  }
}

const specCache = new Map<string, OperationSpec>();

/** Reads one operation (method + path template) from the description. */
export function operationSpec(method: string, pathTemplate: string): OperationSpec {
  const key = `${method.toUpperCase()} ${pathTemplate}`;
  const cached = specCache.get(key);
  if (cached) return cached;
  const doc = loadDocument();
  const operation = doc.paths[pathTemplate]?.[method.toLowerCase()] as Json | undefined;
  if (!operation) throw new Error(`${key} is not in GitHub's OpenAPI description`);
  const parameters = ((operation.parameters as Json[] | undefined) ?? []).map((p) => {
    const resolved = (typeof p.$ref === 'string' ? doc.components.parameters[refName(p.$ref, 'parameters')] : p) as Json;
    return {
      name: resolved.name as string,
      in: resolved.in as OperationParameter['in'],
      required: resolved.required === true,
      schema: (resolved.schema as Json) ?? {},
    };
  });
  const body = operation.requestBody as Json | undefined;
  const bodyContent = (body?.content as Record<string, Json> | undefined)?.['application/json'];
  const responseSchemas = new Map<number, Json | undefined>();
  let examples: unknown[] = [];
  for (const [code, raw] of Object.entries(operation.responses as Record<string, Json>)) {
    const response = (typeof raw.$ref === 'string' ? doc.components.responses[refName(raw.$ref, 'responses')] : raw) as Json;
    const content = (response.content as Record<string, Json> | undefined)?.['application/json'];
    const status = Number(code);
    if (!Number.isInteger(status)) continue;
    responseSchemas.set(status, content?.schema as Json | undefined);
    if (status >= 200 && status < 300 && examples.length === 0 && content?.examples) {
      examples = Object.values(content.examples as Record<string, Json>).map((e) =>
        typeof e.$ref === 'string' ? doc.components.examples[refName(e.$ref, 'examples')]?.value : e.value,
      );
    }
  }
  const spec: OperationSpec = {
    operationId: operation.operationId as string,
    method: method.toUpperCase(),
    pathTemplate,
    parameters,
    requestBodySchema: bodyContent?.schema as Json | undefined,
    requestBodyRequired: body?.required === true,
    responseSchemas,
    examples,
  };
  specCache.set(key, spec);
  return spec;
}

const validatorCache = new Map<string, ValidateFunction>();

function compile(key: string, schema: Json, coerce = false): ValidateFunction {
  const cacheKey = `${coerce ? 'coerce:' : ''}${key}`;
  const cached = validatorCache.get(cacheKey);
  if (cached) return cached;
  const refs = new Set<string>();
  const normalized = normalize(schema, refs) as Json;
  ensureComponents(refs);
  const state = ajvInstances();
  if (coerce) {
    // Parameters never reference component schemas in the served operations; compile them standalone.
    const validate = state.coercing.compile(normalized);
    validatorCache.set(cacheKey, validate);
    return validate;
  }
  const validate = state.ajv.compile(normalized);
  validatorCache.set(cacheKey, validate);
  return validate;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    )
    .join('; ');
}

/** Checks path and query parameters: known names, required ones present, values of the right type. */
export function validateParameters(spec: OperationSpec, pathParams: Record<string, string>, query: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(query)) {
    if (!spec.parameters.some((p) => p.in === 'query' && p.name === name)) problems.push(`unknown query parameter '${name}'`);
  }
  for (const parameter of spec.parameters) {
    if (parameter.in === 'header') continue;
    const value = parameter.in === 'path' ? pathParams[parameter.name] : query[parameter.name];
    if (value === undefined) {
      if (parameter.required) problems.push(`missing required ${parameter.in} parameter '${parameter.name}'`);
      continue;
    }
    const validate = compile(`${spec.operationId}:param:${parameter.name}`, { type: 'object', properties: { v: parameter.schema } }, true);
    const holder = { v: value };
    if (!validate(holder)) problems.push(`${parameter.in} parameter '${parameter.name}'=${JSON.stringify(value)}: ${describeErrors(validate.errors)}`);
  }
  return problems;
}

/** Checks a JSON request body against the operation's request schema. */
export function validateRequestBody(spec: OperationSpec, body: unknown): string[] {
  if (body === undefined) return spec.requestBodyRequired ? ['request body is required'] : [];
  if (!spec.requestBodySchema) return ['operation takes no request body'];
  const validate = compile(`${spec.operationId}:request`, spec.requestBodySchema);
  return validate(body) ? [] : [`request body: ${describeErrors(validate.errors)}`];
}

/** Checks a response against the schema declared for its status; undeclared 2xx statuses are violations. */
export function validateResponse(spec: OperationSpec, status: number, body: unknown): string[] {
  if (!spec.responseSchemas.has(status)) {
    return status < 300 ? [`status ${status} is not declared for ${spec.operationId}`] : [];
  }
  const schema = spec.responseSchemas.get(status);
  if (!schema) return [];
  const validate = compile(`${spec.operationId}:response:${status}`, schema);
  return validate(body) ? [] : [`response ${status}: ${describeErrors(validate.errors)}`];
}
