/**
 * JSON schema of an experiment's lifecycle state file (`experiments/<name>.state.yaml`),
 * current version. Older versions are migrated (see `migrate-state.ts`) before validation.
 */
export const CURRENT_STATE_VERSION = 1;

const frozenSaving = {
  type: 'object',
  additionalProperties: false,
  required: ['seriesBefore', 'seriesAfter', 'monthlySaving', 'currency'],
  properties: {
    seriesBefore: { type: 'integer', minimum: 0 },
    seriesAfter: { type: 'integer', minimum: 0 },
    samplesPerMinuteBefore: { type: 'number', minimum: 0 },
    samplesPerMinuteAfter: { type: 'number', minimum: 0 },
    monthlySaving: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  },
} as const;

const environmentLifecycle = {
  type: 'object',
  additionalProperties: false,
  required: ['phase'],
  properties: {
    phase: { enum: ['pending', 'running', 'paused', 'promoted', 'rolled-back'] },
    variant: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    reason: { type: 'string', minLength: 1 },
    decisionRecord: { type: 'string', minLength: 1 },
    since: { type: 'string', format: 'date-time' },
    frozenSaving,
  },
  if: { properties: { phase: { const: 'promoted' } } },
  then: { properties: { variant: true }, required: ['variant'] },
} as const;

/** The state file, version 1. */
export const experimentStateSchema = {
  $id: 'https://phoenix.dev/schemas/experiment-state-v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'environments'],
  properties: {
    version: { const: CURRENT_STATE_VERSION },
    environments: {
      type: 'object',
      propertyNames: { pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      additionalProperties: environmentLifecycle,
    },
  },
} as const;
