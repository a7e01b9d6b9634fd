import type { ErrorObject, ValidateFunction } from 'ajv';
import { describeSchemaError, dottedField, gave, type SchemaMessage } from '../../../analysis/schema';
import { COMPONENT_SECTIONS, type ComponentKind } from '../component';
import type { CollectorConfig } from '../config';
import { schemaLocationOf, type SchemaLocation } from './catalog';
import { GO_DURATION, schemaId, schemaRegistry } from './loader';

/** One schema problem of a rendered collector config. */
export interface SchemaProblem {
  /** `error`: the collector would reject it; `warning`: Phoenix could not check it. */
  readonly severity: 'error' | 'warning';
  /** Config path, e.g. `['processors', 'batch', 'timeout']`. */
  readonly path: readonly string[];
  /** The component id, when the problem is inside a component. */
  readonly componentId?: string;
  /** What is wrong, naming the field; starts with the dotted path. */
  readonly message: string;
}

const validators = new Map<string, ValidateFunction>();

/** How the collector spells a pipeline id: `<signal>[/<name>]`. */
const PIPELINE_ID = /^(traces|metrics|logs|profiles)(\/[^/\s]+)?$/;

/**
 * The validator of one component type (or of `service`), compiled on first use and reused
 * for the life of the process: one Ajv instance, each schema compiled once.
 */
function validatorFor(kind: ComponentKind | 'service', type: string, where?: SchemaLocation): ValidateFunction {
  const key = `${kind}:${where ? `${where.repo}${where.path}` : type}`;
  let validate = validators.get(key);
  if (!validate) {
    const ajv = schemaRegistry();
    if (kind === 'service') {
      validate = ajv.compile({ $ref: schemaId('phoenix', '/service'), unevaluatedProperties: false });
    } else {
      if (!where) throw new Error(`no schema location for ${kind} ${type}`);
      validate = ajv.compile({ anyOf: [{ type: 'null' }, { $ref: schemaId(where.repo, where.path), unevaluatedProperties: false }] });
    }
    validators.set(key, validate);
  }
  return validate;
}

/**
 * Validates a rendered collector config against the collector's own component schemas
 * (pinned version: docs/adr/0010-pinned-collector-version-and-schemas.md). Returns one
 * problem per wrong field, and a warning per component type Phoenix has no schema for.
 * Passing is not proof the collector loads the config: the schemas describe structure and
 * types, not the checks each component runs when it starts (OTTL that compiles, endpoints
 * that resolve, mutually exclusive settings).
 */
export function validateCollectorConfig(config: CollectorConfig): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const raw = config as unknown as Record<string, unknown>;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ severity: 'error', path: [], message: '(config): must be a map with receivers, processors, exporters and service' }];
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'service' && !COMPONENT_SECTIONS.some(([s]) => s === key)) {
      problems.push({
        severity: 'error',
        path: [key],
        message: `${key}: unknown top-level section (the collector reads receivers, processors, exporters, connectors, extensions and service)`,
      });
    }
  }
  for (const [section, kind] of COMPONENT_SECTIONS) {
    const entries = raw[section];
    if (entries === undefined || entries === null) continue;
    if (typeof entries !== 'object' || Array.isArray(entries)) {
      problems.push({ severity: 'error', path: [section], message: `${section}: must be a map of component id to config` });
      continue;
    }
    for (const [id, body] of Object.entries(entries as Record<string, unknown>)) {
      const type = id.split('/')[0];
      const where = schemaLocationOf(kind, type);
      if (!where) {
        problems.push({
          severity: 'warning',
          path: [section, id],
          componentId: id,
          message: `${section}.${id}: no schema for ${kind} type '${type}'; its config is not checked`,
        });
        continue;
      }
      problems.push(...checked(kind, type, body, [section, id], where));
    }
  }
  const pipelines = (raw.service as { pipelines?: unknown } | undefined)?.pipelines;
  if (pipelines && typeof pipelines === 'object' && !Array.isArray(pipelines)) {
    for (const id of Object.keys(pipelines)) {
      if (!PIPELINE_ID.test(id)) {
        problems.push({
          severity: 'error',
          path: ['service', 'pipelines', id],
          message: `service.pipelines.${id}: a pipeline id is a signal (traces, metrics, logs, profiles), optionally followed by '/name'`,
        });
      }
    }
  }
  if (raw.service === undefined) {
    problems.push({ severity: 'error', path: ['service'], message: "service: required (it holds 'pipelines')" });
  } else {
    problems.push(...checked('service', 'service', raw.service, ['service']));
  }
  return problems;
}

/** The schema problems of one component's (or the service's) config. */
function checked(kind: ComponentKind | 'service', type: string, body: unknown, at: readonly string[], where?: SchemaLocation): readonly SchemaProblem[] {
  const validate = validatorFor(kind, type, where);
  return validate(body) ? [] : toProblems(validate.errors ?? [], body, at);
}

function toProblems(errors: readonly ErrorObject[], root: unknown, prefix: readonly string[]): SchemaProblem[] {
  const relevant = errors.filter((e) => !isBranchNoise(e, errors));
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const error of relevant) {
    const described = describeSchemaError(error, { valueAt: (inner) => valueAt(root, inner), messages: COLLECTOR_MESSAGES });
    const field = [...prefix, ...described.field];
    const message = described.message;
    const dotted = dottedField(field, '(config)');
    const key = `${dotted}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const componentId = COMPONENT_SECTIONS.some(([s]) => s === field[0]) ? field[1] : undefined;
    out.push({ severity: 'error', path: field, componentId, message: `${dotted}: ${message}` });
  }
  return out;
}

/** The collector's words for its schema errors (the rest are shared: analysis/schema). */
const COLLECTOR_MESSAGES: Readonly<Record<string, SchemaMessage>> = {
  additionalProperties: (error) => `unknown field '${String(error.params.additionalProperty)}' (the collector rejects keys it does not know)`,
  unevaluatedProperties: (error) => `unknown field '${String(error.params.unevaluatedProperty)}' (the collector rejects keys it does not know)`,
  propertyNames: (error) => error.message ?? error.keyword,
  format: (error, got) =>
    error.params.format === 'duration' ? `must be a Go duration such as 5s, 1m30s or 250ms${gave(got)}` : (error.message ?? error.keyword),
};

/** Errors of the `null` branch of optional fields, and the summary `anyOf` errors, add nothing. */
function isBranchNoise(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  if (error.keyword === 'anyOf')
    return all.some(
      (e) => e !== error && e.instancePath.startsWith(error.instancePath) && e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null'),
    );
  if (error.keyword === 'type' && error.params.type === 'null') return all.length > 1;
  return false;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const p of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[p] : undefined;
  return node;
}

/** True when `text` is a Go duration (`5s`, `1m30s`, `250ms`, `0`). */
export function isGoDuration(text: string): boolean {
  return GO_DURATION.test(text);
}
