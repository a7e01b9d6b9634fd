/**
 * JSON schema of the watcher's config file (`phoenix watch --config FILE`). Credentials are never
 * in the file: only the names of environment variables or the paths of files that hold them.
 */
import { credentialSchema as credential, serverSchema } from '../config/schema-parts';

export const watcherConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://phoenix.dev/schemas/watcher-config-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['repository', 'environments'],
  properties: {
    repository: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', minLength: 1 },
        branch: { type: 'string', minLength: 1 },
        workDir: { type: 'string', minLength: 1 },
        experimentsDir: { type: 'string', minLength: 1 },
        environmentsDir: { type: 'string', minLength: 1 },
      },
    },
    mode: { enum: ['observe', 'propose'] },
    github: {
      type: 'object',
      additionalProperties: false,
      required: ['repository'],
      description: 'where proposals are opened (propose mode)',
      properties: {
        repository: { type: 'string', pattern: '^[^/\\s]+/[^/\\s]+$', description: 'owner/name of the config repo on GitHub' },
        apiUrl: { type: 'string', minLength: 1 },
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
        autoMergeRollbacks: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, description: 'environments whose rollback PRs merge at once' },
        resynthesize: { type: 'boolean', description: 'commit the re-synthesized tree when the lockfiles match' },
      },
    },
    lease: {
      type: 'object',
      additionalProperties: false,
      required: ['namespace'],
      description: 'leader election between replicas: only the Lease holder acts',
      properties: {
        namespace: { type: 'string', minLength: 1 },
        name: { type: 'string', minLength: 1 },
        kubeconfig: { type: 'string', minLength: 1 },
        context: { type: 'string', minLength: 1 },
        leaseDurationSeconds: { type: 'integer', minimum: 5 },
      },
    },
    intervalSeconds: { type: 'integer', minimum: 10 },
    api: {
      type: 'object',
      additionalProperties: false,
      description: 'the HTTP API /api/v1 (docs/api/openapi.yaml)',
      properties: {
        url: { type: 'string', pattern: '^https?://', description: "this replica's API address, told to callers that reach a follower" },
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
    prometheus: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timeoutMs: { type: 'integer', minimum: 100 },
        attempts: { type: 'integer', minimum: 1, maximum: 10 },
        concurrency: { type: 'integer', minimum: 1, maximum: 256 },
      },
    },
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
              kubeconfig: { type: 'string', minLength: 1 },
              context: { type: 'string', minLength: 1 },
              namespace: { type: 'string', minLength: 1 },
              repository: { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' },
              providerUid: { type: 'string', pattern: '^[0-9a-z]+$' },
              apiUrl: { type: 'string', minLength: 1 },
              token: credential,
            },
            if: { properties: { source: { const: 'commit-status' } } },
            then: { required: ['repository', 'token'] },
          },
          prometheus: {
            type: 'object',
            additionalProperties: false,
            properties: {
              url: { type: 'string', minLength: 1 },
              matchers: { type: 'array', items: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)".*"$' } },
              tenant: { type: 'string', minLength: 1 },
              bearerToken: credential,
            },
          },
        },
      },
    },
  },
} as const;
