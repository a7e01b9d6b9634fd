import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { compileCached } from './compile-cache';

interface CrdSchemaFile {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: object;
}

const CRD_DIR = path.join(__dirname, 'crds');
let index: Map<string, string> | undefined;
const compiled = new Map<string, ValidateFunction>();

/**
 * Validator for a custom resource copied from its upstream CRD (`policies/schemas/crds/`), compiled on
 * first use; undefined when no CRD here describes `apiVersion`/`kind`.
 */
export function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
  const key = `${apiVersion}\u0000${kind}`;
  const done = compiled.get(key);
  if (done) return done;
  const file = crdIndex().get(key);
  if (!file) return undefined;
  const body = JSON.parse(fs.readFileSync(file, 'utf8')) as CrdSchemaFile;
  const validate = compileCached(withDefaultsApplied(body.schema));
  compiled.set(key, validate);
  return validate;
}

/** The custom resources described here, as `apiVersion kind` pairs. */
export function knownCustomResources(): string[] {
  return [...crdIndex().keys()].map((key) => key.replace('\u0000', ' '));
}

function crdIndex(): Map<string, string> {
  if (!index) {
    index = new Map();
    for (const name of fs.readdirSync(CRD_DIR)) {
      const match = /^(.+)_([A-Za-z0-9]+)_(v[0-9a-z]+)\.json$/.exec(name);
      if (match) index.set(`${match[1]}/${match[3]}\u0000${match[2]}`, path.join(CRD_DIR, name));
    }
  }
  return index;
}

/**
 * The schema as the API server validates it: it applies each property's `default` before validating
 * (structural-schema defaulting), so a required field that has a default may be left out
 * (`managementState` of an OpenTelemetryCollector defaults to `managed`). Those fields are taken out
 * of `required`; everything else is unchanged.
 */
export function withDefaultsApplied(schema: object): object {
  if (Array.isArray(schema)) return schema.map((item: unknown) => (isObject(item) ? withDefaultsApplied(item) : item));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = isObject(value) ? withDefaultsApplied(value) : value;
  const properties = out.properties;
  if (Array.isArray(out.required) && isObject(properties)) {
    const defaulted = (name: unknown) =>
      typeof name === 'string' &&
      Object.hasOwn(properties, name) &&
      isObject((properties as Record<string, unknown>)[name]) &&
      'default' in (properties as Record<string, object>)[name]!;
    const required = (out.required as unknown[]).filter((name) => !defaulted(name));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
