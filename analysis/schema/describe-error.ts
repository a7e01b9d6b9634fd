/**
 * The one describer of JSON-schema validation errors (Ajv's `ErrorObject`s) for every document
 * Phoenix validates: the service config files, the experiment state files and the collector
 * configs. It finds the field an error is about (the missing or unknown key, the rejected name
 * included) and words the error; a document kind replaces the wording of a keyword where it has
 * something to add (where its fields are documented, what a value must look like).
 */

/** The fields of a validation error read here (a subset of Ajv's `ErrorObject`). */
export interface SchemaValidationError {
  readonly keyword: string;
  /** JSON pointer of the value the error is about (`/environments/dev/phase`). */
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
  /** Set on the errors of a `propertyNames` subschema: the rejected name. */
  readonly propertyName?: string;
  /** With Ajv's `verbose`: the schema holding the failed keyword. */
  readonly parentSchema?: unknown;
}

/** What an error is about and what it says. */
export interface DescribedSchemaError {
  /** The field's path in the document: a missing or unknown key and a rejected name included. */
  readonly field: readonly string[];
  readonly message: string;
}

/** Words a keyword's error: `got` is the offending value as JSON, undefined where the document's values are never quoted. */
export type SchemaMessage = (error: SchemaValidationError, got: string | undefined) => string;

/** How a kind of document words its errors. */
export interface SchemaWording {
  /**
   * The value at `field` of the validated document, quoted by some messages as "got …". Left out
   * for a document that may hold a secret by mistake (a service config): its values are never quoted.
   * @default - values are not quoted
   */
  valueAt?(field: readonly string[]): unknown;
  /** Messages by keyword that replace the shared ones ({@link SHARED_MESSAGES}). @default - the shared ones */
  readonly messages?: Readonly<Partial<Record<string, SchemaMessage>>>;
}

/** The shared wording, by keyword; any other keyword says Ajv's own message. */
export const SHARED_MESSAGES: Readonly<Record<string, SchemaMessage>> = {
  required: () => 'missing required field',
  additionalProperties: () => 'unknown field: check its spelling',
  unevaluatedProperties: () => 'unknown field: check its spelling',
  enum: (error, got) => `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${gave(got)}`,
  type: (error, got) => `must be ${String(error.params.type)}${gave(got)}`,
  propertyNames: () => 'names here are DNS labels (lowercase letters, digits and -)',
};

/** The key an error names below its `instancePath`, by keyword. */
const NAMED_KEY: Readonly<Record<string, (error: SchemaValidationError) => unknown>> = {
  required: (error) => error.params.missingProperty,
  additionalProperties: (error) => error.params.additionalProperty,
  unevaluatedProperties: (error) => error.params.unevaluatedProperty,
  propertyNames: (error) => error.propertyName ?? error.params.propertyName,
};

/** The field of `error` and its message, worded for the document kind. */
export function describeSchemaError(error: SchemaValidationError, wording: SchemaWording): DescribedSchemaError {
  const at = error.instancePath.split('/').slice(1).map(decodePointerSegment);
  const key = Object.hasOwn(NAMED_KEY, error.keyword) ? NAMED_KEY[error.keyword]!(error) : undefined;
  const field = key === undefined ? at : [...at, String(key)];
  const own = wording.messages && Object.hasOwn(wording.messages, error.keyword) ? wording.messages[error.keyword] : undefined;
  const shared = Object.hasOwn(SHARED_MESSAGES, error.keyword) ? SHARED_MESSAGES[error.keyword] : undefined;
  const words = own ?? shared;
  const message = words ? words(error, wording.valueAt ? String(JSON.stringify(wording.valueAt(at))) : undefined) : (error.message ?? error.keyword);
  return { field, message };
}

/** `field` as a message names it: dotted, or `top` for the document itself. */
export function dottedField(field: readonly string[], top = '(top level)'): string {
  return field.join('.') || top;
}

/** A JSON pointer segment decoded (`~1` is `/`, `~0` is `~`). */
export function decodePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** `(got …)` after a message, where the value may be quoted. */
export function gave(got: string | undefined): string {
  return got === undefined ? '' : ` (got ${got})`;
}
