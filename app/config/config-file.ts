import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { InputError } from '../../analysis/input-error';
import { describeSchemaError, dottedField, type SchemaValidationError } from '../../analysis/schema';
import { lineOfKeyPath } from '../../constructs/yaml-key-line';

/**
 * The one loader of Phoenix's service config files (the watcher's and the bot's): read, parse
 * YAML or JSON, validate against a JSON schema with every problem as `file:line: field: message`,
 * then complete with defaults. Secrets never sit in these files, only references to them
 * (`readCredential`).
 */

/** A config file that cannot be used: one `file:line: field: message` per problem. Exit code 2. */
export class ConfigFileError extends InputError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigFileError';
  }
}

/** What differs between the config files. */
export interface ConfigFileKind<T> {
  /** In messages: `cannot read the ${what} config`. */
  readonly what: string;
  readonly schema: object;
  /** Where the fields are documented, e.g. `docs/bot.md, "Configuration"`. */
  readonly docs: string;
  /** Added to the unknown-field message. @default - nothing */
  readonly unknownFieldHint?: string;
  /** Builds the kind's error from its problems. */
  readonly error: (problems: readonly string[]) => ConfigFileError;
  /** Applies defaults and resolves paths against the file's folder; may throw the kind's error. */
  readonly complete: (raw: unknown, file: string) => T;
}

const validators = new WeakMap<object, ValidateFunction>();

/** Reads, validates and completes a config file. */
export function loadConfigFile<T>(file: string, kind: ConfigFileKind<T>): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file: check the path given to --config' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw kind.error([`${file}: cannot read the ${kind.what} config: ${why}`]);
  }
  return parseConfigFile(text, file, kind);
}

/** Parses and validates config text; `file` names it in messages and anchors relative paths. */
export function parseConfigFile<T>(text: string, file: string, kind: ConfigFileKind<T>): T {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw kind.error(document.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: malformed YAML: ${e.message.split('\n')[0]}`));
  }
  const raw = document.toJS() ?? {};
  let validate = validators.get(kind.schema);
  if (!validate) validators.set(kind.schema, (validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(kind.schema)));
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => describe(e, document, lineCounter, file, kind));
    throw kind.error([...new Set(problems)]);
  }
  return kind.complete(raw, file);
}

function describe(error: ErrorObject, document: Document, lineCounter: LineCounter, file: string, kind: ConfigFileKind<unknown>): string {
  // no valueAt: a config file may hold a secret by mistake, so its values are never quoted
  const { field, message } = describeSchemaError(error, {
    messages: {
      additionalProperties: () => `unknown field: check its spelling (see ${kind.docs})${kind.unknownFieldHint ? `; ${kind.unknownFieldHint}` : ''}`,
      minProperties: (e) => notEmpty(e),
      maxProperties: (e) => notEmpty(e),
    },
  });
  return `${file}:${lineOfKeyPath(document, field, lineCounter)}: ${dottedField(field)}: ${message}`;
}

function notEmpty(error: SchemaValidationError): string {
  return isCredentialSchema(error.parentSchema) ? "give exactly one of 'env' (a variable name) or 'file' (a path)" : 'must not be empty';
}

/** A credential reference's schema: an object of `env` or `file`. */
function isCredentialSchema(schema: unknown): boolean {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties !== undefined && 'env' in properties && 'file' in properties;
}
