/**
 * Loads the collector component schemas stored in `data/` (structure copied from the
 * upstream `config.schema.yaml` files) into one Ajv instance. The upstream files use the
 * collector's own conventions, which this loader translates into JSON Schema 2020-12:
 *
 * - `$ref` in the collector's path syntax: `name` (a `$defs` entry of the same file),
 *   `/config/confighttp.client_config` (absolute in the same repository),
 *   `./internal/common.context_statements` (relative to the file's folder),
 *   `go.opentelemetry.io/collector/…` (core) and
 *   `github.com/open-telemetry/opentelemetry-collector-contrib/…` (contrib);
 * - `x-optional: true` (configoptional.Optional) and `x-pointer: true` (a Go pointer): the
 *   field may also be written empty (`null`), which enables it with defaults;
 * - `x-customType`: kept as an annotation; unsigned Go integers gain `minimum: 0`;
 * - `format: duration`: a Go duration (`5s`, `1m30s`, `250ms`), not ISO-8601;
 * - the collector rejects unknown keys, so every object schema with declared properties in a
 *   value position is closed with `unevaluatedProperties: false` (which sees through `allOf`
 *   and `$ref`); a bare `type: object` stays open (upstream uses it for free-form maps).
 */
import Ajv2020 from 'ajv/dist/2020';
import core from './data/core.json';
import contrib from './data/contrib.json';
import phoenix from './data/phoenix.json';

/** A raw schema node as stored in `data/`. */
type Node = Record<string, unknown>;

/** The repositories schemas come from. */
export type SchemaRepo = 'core' | 'contrib' | 'phoenix';

/** Where each stored schema comes from (the `source` line of each data file). */
export const SCHEMA_SOURCES: Readonly<Record<SchemaRepo, string>> = {
  core: core.source,
  contrib: contrib.source,
  phoenix: phoenix.source,
};

/** A Go duration: one or more number+unit pairs, or a bare `0`. */
export const GO_DURATION = /^(0|[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*)$/;

const UNSIGNED = new Set(['uint', 'uint8', 'uint16', 'uint32', 'uint64']);
const CORE_PREFIX = 'go.opentelemetry.io/collector';
const CONTRIB_PREFIX = 'github.com/open-telemetry/opentelemetry-collector-contrib';

/** The schema `$id` of a stored file. */
export function schemaId(repo: SchemaRepo, filePath: string): string {
  return `otel://${repo}${filePath}`;
}

/** Resolves a collector-style `$ref` met in `repo`:`filePath` to a JSON-Schema URI reference. */
export function resolveRef(ref: string, repo: SchemaRepo, filePath: string): string {
  let targetRepo = repo;
  let target = ref;
  if (ref.startsWith(`${CORE_PREFIX}/`)) {
    targetRepo = 'core';
    target = ref.slice(CORE_PREFIX.length);
  } else if (ref.startsWith(`${CONTRIB_PREFIX}/`)) {
    targetRepo = 'contrib';
    target = ref.slice(CONTRIB_PREFIX.length);
  } else if (ref.startsWith('./') || ref.startsWith('../')) {
    const parts = filePath.split('/').filter(Boolean);
    for (const segment of ref.split('/')) {
      if (segment === '..') parts.pop();
      else if (segment !== '.') parts.push(segment);
    }
    target = `/${parts.join('/')}`;
  } else if (!ref.startsWith('/')) {
    return `#/$defs/${ref}`;
  }
  const slash = target.lastIndexOf('/');
  const last = target.slice(slash + 1);
  const dot = last.indexOf('.');
  const file = dot < 0 ? target : `${target.slice(0, slash + 1)}${last.slice(0, dot)}`;
  const def = dot < 0 ? undefined : last.slice(dot + 1);
  const resolvedRepo = targetRepo === 'phoenix' ? 'core' : targetRepo;
  return `${schemaId(resolvedRepo, file)}${def ? `#/$defs/${def}` : ''}`;
}

/** Translates one stored file into a JSON Schema with `$id`. */
export function translateFile(repo: SchemaRepo, filePath: string, raw: Node): Node {
  const translate = (node: unknown, valuePosition: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => translate(n, valuePosition));
    if (!node || typeof node !== 'object') return node;
    const src = node as Node;
    const out: Node = {};
    for (const [key, value] of Object.entries(src)) {
      if (key === 'x-optional' || key === 'x-pointer') continue;
      if (key === '$ref') out.$ref = resolveRef(String(value), repo, filePath);
      else if (key === 'properties' || key === '$defs' || key === 'patternProperties') {
        out[key] = Object.fromEntries(Object.entries(value as Node).map(([k, v]) => [k, translate(v, key !== '$defs')]));
      } else if (key === 'items' || key === 'additionalProperties') out[key] = translate(value, true);
      else if (key === 'allOf') out[key] = translate(value, false);
      else if (key === 'anyOf' || key === 'oneOf') out[key] = translate(value, false);
      else out[key] = value;
    }
    if (out.type === 'integer' && UNSIGNED.has(String(src['x-customType']))) out.minimum = 0;
    const opensObject = out.properties !== undefined || out.$ref !== undefined || out.allOf !== undefined || out.anyOf !== undefined;
    if (valuePosition && opensObject && out.additionalProperties === undefined && out.patternProperties === undefined) {
      out.unevaluatedProperties = false;
    }
    if (src['x-optional'] === true || src['x-pointer'] === true) return { anyOf: [{ type: 'null' }, out] };
    return out;
  };
  const schema = translate(raw, false) as Node;
  return { ...schema, $id: schemaId(repo, filePath) };
}

let shared: Ajv2020 | undefined;

/** The one Ajv instance holding every stored schema (built on first use, then reused). */
export function schemaRegistry(): Ajv2020 {
  if (shared) return shared;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'x-customType', schemaType: 'string' });
  ajv.addFormat('duration', { type: 'string', validate: (value: string) => GO_DURATION.test(value) });
  const bundles: [SchemaRepo, { files: Record<string, unknown> }][] = [
    ['core', core],
    ['contrib', contrib],
  ];
  for (const [repo, bundle] of bundles) {
    for (const [filePath, raw] of Object.entries(bundle.files)) ajv.addSchema(translateFile(repo, filePath, raw as Node));
  }
  for (const [key, raw] of Object.entries(phoenix.files)) {
    const [repo, filePath] = key.split(':') as [SchemaRepo, string];
    ajv.addSchema(translateFile(repo, filePath, raw as Node));
  }
  shared = ajv;
  return ajv;
}
