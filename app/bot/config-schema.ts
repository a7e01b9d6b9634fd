/**
 * JSON schema of the review bot's config file (`phoenix bot --config FILE`). Credentials are never in
 * the file: only the names of environment variables or the paths of files that hold them.
 */
import { credentialSchema as credential } from '../config/schema-parts';

export const botConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://phoenix.dev/schemas/bot-config-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['github'],
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        path: { type: 'string', pattern: '^/' },
        maxBodyBytes: { type: 'integer', minimum: 1024, maximum: 26214400 },
        headersTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 600 },
        requestTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
        keepAliveTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 600 },
        maxConnections: { type: 'integer', minimum: 1, maximum: 100000 },
      },
    },
    github: {
      type: 'object',
      additionalProperties: false,
      required: ['appId'],
      properties: {
        appId: { type: 'integer', minimum: 1 },
        privateKey: credential,
        webhookSecret: credential,
        previousWebhookSecret: credential,
        apiUrl: { type: 'string', pattern: '^https?://' },
        cloneUrlTemplate: { type: 'string', pattern: '\\{owner\\}.*\\{repo\\}' },
      },
    },
    review: {
      type: 'object',
      additionalProperties: false,
      properties: {
        treeFolder: { type: 'string', minLength: 1 },
        checkRunName: { type: 'string', minLength: 1, maxLength: 100 },
        costSnapshot: { type: 'string', minLength: 1 },
        seriesSnapshot: { type: 'string', minLength: 1 },
        prometheusUrl: { type: 'string', pattern: '^https?://' },
        reviewDrafts: { type: 'boolean' },
      },
    },
    work: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dir: { type: 'string', minLength: 1 },
        concurrency: { type: 'integer', minimum: 1, maximum: 64 },
        sweepIntervalSeconds: { type: 'integer', minimum: 0 },
      },
    },
    repositories: {
      type: 'array',
      items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' },
      uniqueItems: true,
    },
  },
} as const;
