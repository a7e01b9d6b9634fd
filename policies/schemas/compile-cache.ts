import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

/** The Kubernetes OpenAPI extensions found in CRD schemas: known keywords, no validation of their own. */
const KUBERNETES_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
];
/** Kubernetes formats: accepted as annotations (the API server is lenient about most of them too). */
const KUBERNETES_FORMATS = [
  'int32',
  'int64',
  'float',
  'double',
  'byte',
  'binary',
  'date',
  'date-time',
  'duration',
  'uri',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
  'quantity',
];

let ajv: Ajv | undefined;
const { version: ajvVersion } = require('ajv/package.json') as { version: string };
const CACHE_DIR = path.resolve(__dirname, '../../node_modules/.cache/phoenix-policies');

/** One Ajv instance in strict mode, Kubernetes keywords registered as vocabulary. */
export function sharedAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: true, allErrors: false, code: { source: true } });
    ajv.addVocabulary(KUBERNETES_KEYWORDS);
    for (const format of KUBERNETES_FORMATS) ajv.addFormat(format, true);
  }
  return ajv;
}

/**
 * Compiles a schema once per process, and once per machine: the generated validator source is kept in
 * node_modules/.cache/phoenix-policies keyed by the schema's hash and the Ajv version, so later runs
 * `require` it instead of compiling (the OpenTelemetryCollector schema takes about half a second to compile).
 */
export function compileCached(schema: object): ValidateFunction {
  const key = createHash('sha256').update(ajvVersion).update(JSON.stringify(schema)).digest('hex').slice(0, 24);
  const cached = path.join(CACHE_DIR, `${key}.js`);
  if (fs.existsSync(cached)) return require(cached) as ValidateFunction;
  const instance = sharedAjv();
  const validate = instance.compile(schema);
  writeCache(cached, standaloneCode(instance, validate));
  return validate;
}

/** Best effort: a read-only node_modules only costs the compile time on the next run. */
function writeCache(file: string, source: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, source);
    fs.renameSync(temporary, file);
  } catch {
    // The cache is an optimisation; without it every run compiles.
  }
}
