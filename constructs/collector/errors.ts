import { InputError } from '../../analysis/input-error';
/**
 * A user mistake in a collector model: bad factory props, an invalid pipeline, a malformed
 * imported config. An {@link InputError}: the CLI prints the message without a stack trace
 * (see docs/adr/0003-errors-and-exit-codes.md) and one line per problem.
 */
export class CollectorConfigError extends InputError {
  /** One message per problem, each naming the component id, pipeline, field or file:line. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[] | string, heading?: string) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    const message = heading ? `${heading}:\n${list.map((p) => `  - ${p}`).join('\n')}` : list.length === 1 ? list[0] : list.map((p) => `- ${p}`).join('\n');
    super(message);
    this.name = 'CollectorConfigError';
    this.problems = list;
  }
}

/** Throws a `CollectorConfigError` when `problems` is not empty. */
export function throwIfProblems(problems: readonly string[], heading?: string): void {
  if (problems.length > 0) throw new CollectorConfigError(problems, heading);
}
