import { schemaFor } from '../../schemas/schema-for';
import type { Rule, RuleFinding } from '../../types';

const MAX_FINDINGS_PER_DOCUMENT = 5;

interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Every object with a known schema (Kubernetes built-ins, Flux and operator CRDs) must match it. */
export const schemaValid: Rule = {
  id: 'schema/valid',
  severity: 'error',
  reads: 'document',
  description: 'Objects match the upstream schema of their kind (Kubernetes OpenAPI, Flux and OpenTelemetry operator CRDs).',
  check(doc) {
    const { apiVersion, kind } = doc.object;
    if (apiVersion === undefined || kind === undefined) return [];
    const validate = schemaFor(apiVersion, kind);
    if (!validate || validate(doc.value)) return [];
    const errors = (validate.errors ?? []) as SchemaError[];
    return errors.slice(0, MAX_FINDINGS_PER_DOCUMENT).map(toFinding);
  },
};

function toFinding(error: SchemaError): RuleFinding {
  const field = error.instancePath || '/';
  const { params } = error;
  if (error.keyword === 'required') {
    return {
      pointer: error.instancePath,
      message: `${field}: required field '${String(params.missingProperty)}' is missing`,
      fix: `add '${String(params.missingProperty)}'`,
    };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String(params.additionalProperty);
    return {
      pointer: `${error.instancePath}/${extra}`,
      message: `${field}: unknown field '${extra}'`,
      fix: `remove '${extra}' or check its spelling against the schema`,
    };
  }
  if (error.keyword === 'enum') {
    return { pointer: error.instancePath, message: `${field} must be one of ${JSON.stringify(params.allowedValues)}`, fix: 'use one of the allowed values' };
  }
  return {
    pointer: error.instancePath,
    message: `${field} ${error.message ?? describeKeyword(error)}`,
    fix: 'correct the value to match the schema of this kind',
  };
}

/** The validators kubernetes-models ships carry no messages: say it from the keyword and its parameters. */
function describeKeyword(error: SchemaError): string {
  const { params } = error;
  if (error.keyword === 'type') return `must be ${String(params.type)}`;
  if (error.keyword === 'pattern') return `must match pattern ${String(params.pattern)}`;
  if (error.keyword === 'format') return `must be a valid ${String(params.format)}`;
  if ('limit' in params) return `fails ${error.keyword} ${String(params.limit)}`;
  return `fails '${error.keyword}' ${JSON.stringify(params)}`;
}
