import fs from 'node:fs';
import path from 'node:path';
import type { ExperimentDefinition } from '../constructs/experiment/definition';
import { parseExperimentState, type ExperimentState } from '../constructs/experiment/state';
import { SynthError } from './errors';
import { loadModule } from '../environments/load-module';

/** An experiment definition with the file it came from and its lifecycle state (if the state file exists). */
export interface LoadedExperiment {
  readonly definition: ExperimentDefinition;
  /** The `.ts` file that default-exports the definition. */
  readonly file: string;
  /** The parsed `<name>.state.yaml` beside it. @default - no state file: every environment is pending */
  readonly state?: ExperimentState;
}

const NOT_EXPERIMENTS = /(^index\.ts|\.test\.ts|\.spec\.ts|\.d\.ts|\.bench\.ts)$/;

/**
 * Loads every experiment of `dir`: each `*.ts` that default-exports an `ExperimentDefinition`
 * (helpers without a default export are skipped), and its `<name>.state.yaml`. Reports every
 * problem at once (exit 2): files that do not load (with file:line), default exports that are
 * not definitions, two files defining one name. Returns the experiments sorted by name.
 */
export function loadExperiments(dir: string): LoadedExperiment[] {
  let entries: string[];
  try {
    entries = fs
      .readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && !NOT_EXPERIMENTS.test(file))
      .sort();
  } catch (error) {
    throw new SynthError([`cannot read the experiments folder ${dir}: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const byName = new Map<string, LoadedExperiment>();
  for (const entry of entries) {
    const file = path.resolve(dir, entry);
    let exported: unknown;
    try {
      exported = loadModule(file)?.default;
    } catch (error) {
      problems.push(describeLoadError(file, error));
      continue;
    }
    if (exported === undefined) continue;
    if (!isDefinition(exported)) {
      problems.push(`${file}: the default export is not an experiment: export default defineExperiment({ name, build })`);
      continue;
    }
    const other = byName.get(exported.name);
    if (other) {
      problems.push(
        `${file}: experiment '${exported.name}' is already defined in ${other.file}; two experiments would write gitops/experiments/<env>/${exported.name}/`,
      );
      continue;
    }
    try {
      byName.set(exported.name, { definition: exported, file, state: readState(dir, exported.name) });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new SynthError(problems);
  return [...byName.values()].sort((a, b) => (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
}

function readState(dir: string, name: string): ExperimentState | undefined {
  const file = path.join(dir, `${name}.state.yaml`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseExperimentState(text, path.relative(process.cwd(), file) || file);
}

function isDefinition(value: unknown): value is ExperimentDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ExperimentDefinition).name === 'string' &&
    typeof (value as ExperimentDefinition).build === 'function'
  );
}

/** A load failure as `file:line:column: message`, the position taken from the compiler or the stack. */
function describeLoadError(file: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const located = message.match(/([^\s:]+\.ts):(\d+):(\d+): (?:ERROR: )?(.*)/);
  if (located) return `${located[1]}:${located[2]}:${located[3]}: ${located[4]}`;
  const frame = error instanceof Error ? error.stack?.split('\n').find((line) => line.includes(file)) : undefined;
  const position = frame?.match(/:(\d+):(\d+)\)?$/);
  const where = position ? `${file}:${position[1]}:${position[2]}` : file;
  return `${where}: cannot load the experiment: ${message.split('\n')[0]}`;
}
