/**
 * Parts shared by the JSON schemas of the service config files (the watcher's and the bot's).
 * `config-file.ts` recognises a credential reference by its `env` / `file` properties.
 */

/** A reference to a secret: the name of an environment variable or the path of a file, never the secret. */
export const credentialSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'environment variable holding the secret' },
    file: { type: 'string', minLength: 1, description: 'file holding the secret' },
  },
  minProperties: 1,
  maxProperties: 1,
} as const;

/** Where a service listens. */
export const serverSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
  },
} as const;
