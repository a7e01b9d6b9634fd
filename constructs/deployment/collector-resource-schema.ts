import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The copied CRD (structure only) this validator reads; see the file's header for its source. */
export const OPENTELEMETRY_COLLECTOR_CRD_FILE = join(__dirname, 'crds', 'opentelemetrycollector-v1beta1.yaml');

const KUBERNETES_ANNOTATION_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
];

let compiled: ValidateFunction | undefined;

/**
 * Validates an `opentelemetry.io/v1beta1` `OpenTelemetryCollector` object against the operator's
 * CRD schema, the way `kubectl apply --validate=strict` would: unknown fields are errors (outside
 * `x-kubernetes-preserve-unknown-fields` subtrees such as the collector config's components),
 * `int-or-string` fields take either. CEL rules (`x-kubernetes-validations`) are not evaluated;
 * they only concern `mode: sidecar`, which Phoenix never emits.
 * @returns one message per problem, `<json path>: <message>`; empty when valid
 */
export function validateOpenTelemetryCollector(object: unknown): string[] {
  const problems: string[] = [];
  if (!object || typeof object !== 'object') return ['(top level): must be an object'];
  const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
  if (apiVersion !== 'opentelemetry.io/v1beta1') problems.push(`apiVersion: must be opentelemetry.io/v1beta1 (got ${JSON.stringify(apiVersion)})`);
  if (kind !== 'OpenTelemetryCollector') problems.push(`kind: must be OpenTelemetryCollector (got ${JSON.stringify(kind)})`);
  const validate = validator();
  if (!validate(object)) {
    for (const error of validate.errors ?? []) {
      const extra = error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : '';
      problems.push(`${error.instancePath.split('/').slice(1).join('.') || '(top level)'}: ${error.message}${extra}`);
    }
  }
  return problems;
}

function validator(): ValidateFunction {
  if (!compiled) {
    const crd = parse(readFileSync(OPENTELEMETRY_COLLECTOR_CRD_FILE, 'utf8')) as {
      spec: { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    };
    const schema = crd.spec.versions.find((version) => version.name === 'v1beta1')?.schema.openAPIV3Schema;
    if (!schema) throw new Error(`${OPENTELEMETRY_COLLECTOR_CRD_FILE}: no v1beta1 schema`);
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
    addFormats(ajv, ['date-time', 'duration']);
    ajv.addFormat('int32', { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajv.addFormat('int64', { type: 'number' as const, validate: (n: number) => Number.isInteger(n) });
    for (const keyword of KUBERNETES_ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
    compiled = ajv.compile(structural(schema) as Record<string, unknown>);
  }
  return compiled;
}

/** Kubernetes structural-schema semantics in JSON-schema terms: closed objects, int-or-string. */
function structural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structural);
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    out[key] = key === 'default' || key === 'enum' || key === 'x-kubernetes-validations' ? value : structural(value);
  }
  if (source.properties && source['x-kubernetes-preserve-unknown-fields'] !== true && source.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (source['x-kubernetes-int-or-string'] === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  return out;
}
