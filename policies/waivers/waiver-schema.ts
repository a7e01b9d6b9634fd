import { closedObject, NON_EMPTY_STRING, nonEmptyStrings } from '../../analysis/schema';

/** JSON Schema of the waivers file (`.phoenix/waivers.yaml`): Phoenix's own format. */
export const WAIVERS_SCHEMA = {
  type: 'object',
  required: ['waivers'],
  additionalProperties: false,
  properties: {
    waivers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['rule', 'owner', 'reason', 'expires'],
        additionalProperties: false,
        properties: {
          rule: { type: 'string', pattern: '^[a-z0-9-]+/[a-z0-9-]+$' },
          selector: closedObject(nonEmptyStrings('kind', 'namespace', 'name', 'file', 'pointer')),
          owner: NON_EMPTY_STRING,
          reason: NON_EMPTY_STRING,
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  },
} as const;
