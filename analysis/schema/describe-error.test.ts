import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { describeSchemaError, dottedField, type SchemaWording } from './describe-error';

// The one describer of JSON-schema errors, on what real Ajv reports for a small schema.

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z]+$' },
    'a/b': { enum: ['x', 'y'] },
    port: { type: 'integer' },
    environments: { type: 'object', propertyNames: { pattern: '^[a-z]+$' }, additionalProperties: { type: 'object' } },
  },
};

function described(value: Record<string, unknown>, messages?: SchemaWording['messages'], quote = true): string[] {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  expect(validate(value)).toBe(false);
  const valueAt = (path: readonly string[]) => path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
  return (validate.errors ?? []).map((error) => {
    const { field, message } = describeSchemaError(error, { ...(quote ? { valueAt } : {}), ...(messages ? { messages } : {}) });
    return `${dottedField(field)}: ${message}`;
  });
}

describe('describeSchemaError', () => {
  it('names the missing field, not its parent', () => {
    expect(described({})).toEqual(['name: missing required field']);
  });

  it('names the unknown field and asks to check its spelling', () => {
    expect(described({ name: 'a', nmae: 'b' })).toEqual(['nmae: unknown field: check its spelling']);
  });

  it('quotes the allowed values and the value given, decoding the field name of the pointer', () => {
    expect(described({ name: 'a', 'a/b': 'z' })).toEqual(['a/b: must be one of "x", "y" (got "z")']);
  });

  it('says the type wanted and the value given', () => {
    expect(described({ name: 'a', port: '80' })).toEqual(['port: must be integer (got "80")']);
  });

  it('never quotes a value of a document whose values it is not given (a config that may hold a secret)', () => {
    expect(described({ name: 'a', 'a/b': 'hunter2', port: 'hunter2' }, undefined, false)).toEqual(['a/b: must be one of "x", "y"', 'port: must be integer']);
  });

  it('names a rejected name in a map of names', () => {
    expect(described({ name: 'a', environments: { Prod: {} } })).toContain('environments.Prod: names here are DNS labels (lowercase letters, digits and -)');
  });

  it("says Ajv's own message for a keyword it has no words for, and the document's words where it has them", () => {
    expect(described({ name: 'A1' })).toEqual(['name: must match pattern "^[a-z]+$"']);
    expect(described({ name: 'A1' }, { pattern: (_error, got) => `lowercase letters only (got ${got})` })).toEqual(['name: lowercase letters only (got "A1")']);
    expect(described({}, { required: (error) => `add '${String(error.params.missingProperty)}'` })).toEqual(["name: add 'name'"]);
  });

  it('names the document itself as the top level', () => {
    expect(dottedField([])).toBe('(top level)');
    expect(dottedField([], '(config)')).toBe('(config)');
  });
});
