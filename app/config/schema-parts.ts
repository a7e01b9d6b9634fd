/**
 * Parts shared by the JSON schemas of the service config files (the watcher's and the bot's).
 * `config-file.ts` recognises a credential reference by its `env` / `file` properties. The
 * smaller building blocks, shared with the waivers file, are in analysis/schema/parts.ts.
 */
import { closedObject } from '../../analysis/schema';

/** A reference to a secret: the name of an environment variable or the path of a file, never the secret. */
export const credentialSchema = closedObject(
  {
    env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'environment variable holding the secret' },
    file: { type: 'string', minLength: 1, description: 'file holding the secret' },
  },
  { minProperties: 1, maxProperties: 1 },
);

/** Where a service listens. */
export const serverSchema = closedObject({ host: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 0, maximum: 65535 } });
