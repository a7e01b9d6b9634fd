/**
 * JSON schema of the review bot's config file (`phoenix bot --config FILE`). Credentials are never in
 * the file: only the names of environment variables or the paths of files that hold them.
 */
import { closedObject, HTTP_URL, NON_EMPTY_STRING, nonEmptyStrings, OWNER_SLASH_NAME, secondsUpTo } from '../../analysis/schema';
import { credentialSchema as credential, serverSchema } from '../config/schema-parts';

export const botConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://phoenix.dev/schemas/bot-config-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['github'],
  properties: {
    server: closedObject({
      ...serverSchema.properties,
      path: { type: 'string', pattern: '^/' },
      maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 26214400 },
      headersTimeoutSeconds: secondsUpTo(600),
      requestTimeoutSeconds: secondsUpTo(3600),
      keepAliveTimeoutSeconds: secondsUpTo(600),
      maxConnections: { type: 'integer', minimum: 1, maximum: 100000 },
    }),
    github: closedObject(
      {
        appId: { type: 'integer', minimum: 1 },
        privateKey: credential,
        webhookSecret: credential,
        previousWebhookSecret: credential,
        apiUrl: HTTP_URL,
        cloneUrlTemplate: { type: 'string', pattern: '\\{owner\\}.*\\{repo\\}' },
      },
      { required: ['appId'] },
    ),
    review: closedObject({
      ...nonEmptyStrings('treeFolder', 'costSnapshot', 'seriesSnapshot'),
      checkRunName: { type: 'string', minLength: 1, maxLength: 100 },
      prometheusUrl: HTTP_URL,
      reviewDrafts: { type: 'boolean' },
    }),
    work: closedObject({
      dir: NON_EMPTY_STRING,
      concurrency: { type: 'integer', minimum: 1, maximum: 64 },
      sweepIntervalSeconds: { type: 'integer', minimum: 0 },
    }),
    repositories: { type: 'array', items: OWNER_SLASH_NAME, uniqueItems: true },
  },
} as const;
