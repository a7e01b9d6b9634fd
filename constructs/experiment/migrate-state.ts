import { CURRENT_STATE_VERSION } from './state-schema';
import { InputError } from '../../analysis/input-error';

/**
 * One step of the state file's migration path: turns a document of version `from` into one of
 * version `from + 1`. Steps are pure and never lose a field they do not understand: the schema
 * of the next version rejects it, so a person sees it.
 */
interface MigrationStep {
  readonly from: number;
  readonly describe: string;
  migrate(document: Record<string, unknown>): Record<string, unknown>;
}

const MIGRATIONS: readonly MigrationStep[] = [
  {
    from: 0,
    describe: 'unversioned file with environments at the top level → `version: 1` with `environments:`',
    migrate: (document) => ({ version: 1, environments: document }),
  },
];

/** Error raised when a state file cannot be migrated; carries exit code 2 (input error). */
export class StateMigrationError extends InputError {}

/** Version of a parsed state document: its `version` field, or 0 when it has none (the unversioned layout). */
export function stateVersionOf(document: Record<string, unknown>): number {
  return document.version === undefined ? 0 : (document.version as number);
}

/**
 * Migrates a parsed state document to the current version, one step at a time.
 * A document already at the current version is returned unchanged (same object).
 * @throws StateMigrationError for a version that is not an integer or is newer than this Phoenix.
 */
export function migrateExperimentState(document: Record<string, unknown>, fileName: string): Record<string, unknown> {
  let version = stateVersionOf(document);
  if (!Number.isInteger(version) || version < 0) {
    throw new StateMigrationError(
      `${fileName}: version: must be a whole number between 0 and ${CURRENT_STATE_VERSION} (got ${JSON.stringify(document.version)})`,
    );
  }
  if (version > CURRENT_STATE_VERSION) {
    throw new StateMigrationError(
      `${fileName}: version: ${version} was written by a newer Phoenix (this one reads up to ${CURRENT_STATE_VERSION}); upgrade Phoenix`,
    );
  }
  let current = document;
  while (version < CURRENT_STATE_VERSION) {
    const step = MIGRATIONS.find((candidate) => candidate.from === version);
    if (!step) throw new StateMigrationError(`${fileName}: no migration from state version ${version}`);
    current = step.migrate(current);
    version += 1;
  }
  return current;
}
