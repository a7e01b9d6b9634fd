import { InputError } from '../analysis/input-error';
/**
 * A problem with the sources or the output folder that the user must fix (exit 2): bad
 * experiment files, duplicate objects, two experiments writing one path, an unwritable folder.
 */
export class SynthError extends InputError {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : problems.map((problem) => `- ${problem}`).join('\n'));
    this.name = 'SynthError';
  }
}
