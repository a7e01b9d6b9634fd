import Ajv2019 from 'ajv/dist/2019';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { LineCounter, parseDocument, stringify, isScalar, type Document, type Node } from 'yaml';
import type { EnvironmentLifecycle, FrozenSaving } from './definition';
import { lineOfKeyPath } from '../yaml-key-line';
import { migrateExperimentState, stateVersionOf } from './migrate-state';
import { CURRENT_STATE_VERSION, experimentStateSchema } from './state-schema';
import { InputError } from '../../analysis/input-error';
import { describeSchemaError, dottedField, gave, type SchemaMessage } from '../../analysis/schema';

/**
 * The lifecycle state of one experiment across environments, as stored in
 * `experiments/<name>.state.yaml`. People and the watcher change it through pull requests;
 * the generator renders each environment according to it.
 */
export interface ExperimentState {
  /** Format version of the file; older files are migrated on read. */
  readonly version: typeof CURRENT_STATE_VERSION;
  /** Lifecycle per environment name; an environment left out is `pending`. */
  readonly environments: Readonly<Record<string, EnvironmentLifecycle>>;
}

/** A state file that cannot be read: every problem found, one per line, each `file:line: field: message`. Exit code 2. */
export class ExperimentStateError extends InputError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ExperimentStateError';
  }
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2019({ allErrors: true, strict: true });
    addFormats(ajv, ['date-time']);
    compiled = ajv.compile(experimentStateSchema);
  }
  return compiled;
}

/**
 * Parses, migrates and validates a state file.
 * @param text the file's content
 * @param fileName the path shown in messages (repo-relative)
 * @param knownEnvironments when given, an environment not in this list is an error (a typo such as `prdo` would otherwise be ignored)
 * @throws ExperimentStateError naming `file:line: field` for each problem
 */
export function parseExperimentState(text: string, fileName: string, knownEnvironments?: readonly string[]): ExperimentState {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ExperimentStateError(
      document.errors.map((error) => {
        const line = lineCounter.linePos(error.pos[0]).line;
        return `${fileName}:${line}: malformed YAML: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const raw: unknown = document.toJS();
  if (raw === null || raw === undefined) {
    throw new ExperimentStateError([`${fileName}:1: the file is empty: write at least 'version: ${CURRENT_STATE_VERSION}' and 'environments: {}'`]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ExperimentStateError([`${fileName}:1: the file must be a mapping with 'version' and 'environments'`]);
  }
  const fromVersion = stateVersionOf(raw as Record<string, unknown>);
  const migrated = migrateExperimentState(raw as Record<string, unknown>, fileName);
  const validate = validator();
  if (!validate(migrated)) {
    const problems = (validate.errors ?? [])
      .filter((error) => error.keyword !== 'if')
      .map((error) => describeError(error, document, lineCounter, fileName, fromVersion));
    throw new ExperimentStateError([...new Set(problems)]);
  }
  const state = migrated as unknown as ExperimentState;
  if (knownEnvironments) {
    const unknown = Object.keys(state.environments).filter((name) => !knownEnvironments.includes(name));
    if (unknown.length > 0) {
      throw new ExperimentStateError(
        unknown.map(
          (name) =>
            `${fileName}:${lineOf(document, ['environments', name], lineCounter, fromVersion)}: environments.${name}: unknown environment (known: ${knownEnvironments.join(', ')})`,
        ),
      );
    }
  }
  return state;
}

/**
 * Writes a state as YAML: current version, environments sorted by name, fields in a fixed
 * order, so the same state always gives the same bytes (the watcher's pull requests diff cleanly).
 */
export function serializeExperimentState(state: ExperimentState): string {
  const environments: Record<string, unknown> = {};
  for (const name of Object.keys(state.environments).sort()) {
    environments[name] = orderedLifecycle(state.environments[name]);
  }
  return stringify({ version: CURRENT_STATE_VERSION, environments }, { lineWidth: 0 });
}

/** The lifecycle of `environment` in `state`; `pending` when the environment is not listed. */
export function lifecycleFor(state: ExperimentState | undefined, environment: string): EnvironmentLifecycle {
  return state?.environments[environment] ?? { phase: 'pending' };
}

/** A copy of `state` with `environment`'s lifecycle replaced (what the watcher commits). */
export function withLifecycle(state: ExperimentState, environment: string, lifecycle: EnvironmentLifecycle): ExperimentState {
  return { version: CURRENT_STATE_VERSION, environments: { ...state.environments, [environment]: lifecycle } };
}

/** A state with no environment started: every environment is `pending`. */
export function emptyExperimentState(): ExperimentState {
  return { version: CURRENT_STATE_VERSION, environments: {} };
}

function orderedLifecycle(lifecycle: EnvironmentLifecycle): Record<string, unknown> {
  const out: Record<string, unknown> = { phase: lifecycle.phase };
  if (lifecycle.variant !== undefined) out.variant = lifecycle.variant;
  if (lifecycle.reason !== undefined) out.reason = lifecycle.reason;
  if (lifecycle.decisionRecord !== undefined) out.decisionRecord = lifecycle.decisionRecord;
  if (lifecycle.since !== undefined) out.since = lifecycle.since;
  if (lifecycle.frozenSaving !== undefined) out.frozenSaving = orderedSaving(lifecycle.frozenSaving);
  return out;
}

function orderedSaving(saving: FrozenSaving): Record<string, unknown> {
  const out: Record<string, unknown> = { seriesBefore: saving.seriesBefore, seriesAfter: saving.seriesAfter };
  if (saving.samplesPerMinuteBefore !== undefined) out.samplesPerMinuteBefore = saving.samplesPerMinuteBefore;
  if (saving.samplesPerMinuteAfter !== undefined) out.samplesPerMinuteAfter = saving.samplesPerMinuteAfter;
  out.monthlySaving = saving.monthlySaving;
  out.currency = saving.currency;
  return out;
}

/** The state file's words for its schema errors (the rest are shared: analysis/schema). */
const STATE_MESSAGES: Readonly<Record<string, SchemaMessage>> = {
  required: (error) => `missing required field${error.params.missingProperty === 'variant' ? ' (a promoted environment names the candidate it promoted)' : ''}`,
  additionalProperties: () => 'unknown field: check its spelling (see docs/experiments.md, "State file")',
  format: () => 'must be an ISO-8601 date-time such as 2026-11-25T12:00:00Z',
  propertyNames: () => 'environment names are DNS labels (lowercase letters, digits and -)',
  pattern: (error, got) => `${error.message}${gave(got)}`,
};

function describeError(error: ErrorObject, document: Document, lineCounter: LineCounter, fileName: string, fromVersion: number): string {
  const { field, message } = describeSchemaError(error, { valueAt: (path) => valueAt(document, path, fromVersion), messages: STATE_MESSAGES });
  return `${fileName}:${lineOf(document, field, lineCounter, fromVersion)}: ${dottedField(field)}: ${message}`;
}

/** Where a (current-version) path sits in the original document, which may be of an older layout. */
function sourcePath(path: readonly string[], fromVersion: number): string[] {
  return fromVersion === 0 && path[0] === 'environments' ? path.slice(1) : [...path];
}

function valueAt(document: Document, path: readonly string[], fromVersion: number): unknown {
  const node = document.getIn(sourcePath(path, fromVersion), true) as Node | undefined;
  return isScalar(node) ? node.value : node?.toJSON();
}

/** Line of the deepest node of `path` present in the document (the key itself when the value is missing). */
function lineOf(document: Document, path: readonly string[], lineCounter: LineCounter, fromVersion: number): number {
  return lineOfKeyPath(document, sourcePath(path, fromVersion), lineCounter);
}
