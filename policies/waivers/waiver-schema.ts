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
          selector: {
            type: 'object',
            additionalProperties: false,
            properties: {
              kind: { type: 'string', minLength: 1 },
              namespace: { type: 'string', minLength: 1 },
              name: { type: 'string', minLength: 1 },
              file: { type: 'string', minLength: 1 },
              pointer: { type: 'string', minLength: 1 },
            },
          },
          owner: { type: 'string', minLength: 1 },
          reason: { type: 'string', minLength: 1 },
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  },
} as const;
