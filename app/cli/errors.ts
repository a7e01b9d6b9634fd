import { InputError } from '../../analysis/input-error';

/**
 * Exit codes every `phoenix` command uses, like kubeconform and conftest:
 * 0 nothing to report, 1 findings (or differences), 2 usage or input error.
 */
export const ExitCode = { ok: 0, findings: 1, usage: 2 } as const;

/**
 * A mistake in how a command was called (arguments, options). Like every {@link InputError}
 * thrown below the CLI, it prints its message without a stack trace and exits 2.
 */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The exit code for an error thrown anywhere below the CLI: 2 for an {@link InputError} (the one
 * input-error type, see docs/adr/0003); undefined for anything else, which is a bug.
 */
export function exitCodeOf(error: unknown): number | undefined {
  return error instanceof InputError ? ExitCode.usage : undefined;
}
