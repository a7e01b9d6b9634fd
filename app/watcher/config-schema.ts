/**
 * JSON schema of the watcher's config file (`phoenix watch --config FILE`). Credentials are never
 * in the file: only the names of environment variables or the paths of files that hold them.
 */
import { closedObject, HTTP_URL, nonEmptyStrings, OWNER_SLASH_NAME } from '../../analysis/schema';
import { credentialSchema as credential, serverSchema } from '../config/schema-parts';

export const watcherConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://phoenix.dev/schemas/watcher-config-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['repository', 'environments'],
  properties: {
    repository: closedObject(nonEmptyStrings('url', 'branch', 'workDir', 'experimentsDir', 'environmentsDir'), { required: ['url'] }),
    mode: { enum: ['observe', 'propose'] },
    github: {
      type: 'object',
      additionalProperties: false,
      required: ['repository'],
      description: 'where proposals are opened (propose mode)',
      properties: {
        repository: { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$', description: 'owner/name of the config repo on GitHub' },
        ...nonEmptyStrings('apiUrl'),
        token: credential,
        app: {
          type: 'object',
          additionalProperties: false,
          required: ['appId', 'privateKey', 'installationId'],
          properties: { appId: { type: ['integer', 'string'] }, privateKey: credential, installationId: { type: 'integer', minimum: 1 } },
        },
      },
      oneOf: [{ required: ['token'] }, { required: ['app'] }],
    },
    actuation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        authorName: { type: 'string', minLength: 1 },
        authorEmail: { type: 'string', minLength: 3 },
        autoMergeRollbacks: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          uniqueItems: true,
          description: 'environments whose rollback PRs merge at once',
        },
        resynthesize: { type: 'boolean', description: 'commit the re-synthesized tree when the lockfiles match' },
      },
    },
    lease: closedObject(
      { ...nonEmptyStrings('namespace', 'name', 'kubeconfig', 'context'), leaseDurationSeconds: { type: 'integer', minimum: 5 } },
      { required: ['namespace'], description: 'leader election between replicas: only the Lease holder acts' },
    ),
    intervalSeconds: { type: 'integer', minimum: 10 },
    api: {
      type: 'object',
      additionalProperties: false,
      description: 'the HTTP API /api/v1 (docs/api/openapi.yaml)',
      properties: {
        url: { ...HTTP_URL, description: "this replica's API address, told to callers that reach a follower" },
        actions: {
          type: 'object',
          additionalProperties: false,
          description: 'POST /api/v1/experiments/{name}/environments/{env}/{action}: off unless enabled',
          properties: {
            enabled: { type: 'boolean' },
            token: { ...credential, description: 'the bearer token callers must send (a file, e.g. a mounted Secret, or an environment variable)' },
            ratePerMinute: { type: 'integer', minimum: 1, maximum: 600 },
            burst: { type: 'integer', minimum: 1, maximum: 100 },
          },
          if: { properties: { enabled: { const: true } }, required: ['enabled'] },
          then: { required: ['token'] },
        },
      },
    },
    server: serverSchema,
    prometheus: closedObject({
      timeoutMs: { type: 'integer', minimum: 100 },
      attempts: { type: 'integer', minimum: 1, maximum: 10 },
      concurrency: { type: 'integer', minimum: 1, maximum: 256 },
    }),
    environments: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['flux'],
        properties: {
          flux: {
            type: 'object',
            additionalProperties: false,
            required: ['source'],
            properties: {
              source: { enum: ['kubernetes', 'commit-status'] },
              ...nonEmptyStrings('kubeconfig', 'context', 'namespace', 'apiUrl'),
              repository: OWNER_SLASH_NAME,
              providerUid: { type: 'string', pattern: '^[0-9a-z]+$' },
              token: credential,
            },
            if: { properties: { source: { const: 'commit-status' } } },
            then: { required: ['repository', 'token'] },
          },
          prometheus: closedObject({
            ...nonEmptyStrings('url', 'tenant'),
            matchers: { type: 'array', items: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)".*"$' } },
            bearerToken: credential,
          }),
        },
      },
    },
  },
} as const;
