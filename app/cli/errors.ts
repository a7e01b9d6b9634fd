/**
 * Exit codes every `phoenix` command uses, like kubeconform and conftest:
 * 0 nothing to report, 1 findings (or differences), 2 usage or input error.
 */
export const ExitCode = { ok: 0, findings: 1, usage: 2 } as const;

/**
 * An error caused by what the user gave (arguments, files, sources).
 * The CLI prints its message without a stack trace and exits 2.
 * Modules below `app/` may throw any Error that carries `exitCode`; the CLI honours it.
 */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Reads an exit code carried by an error thrown anywhere below the CLI. */
export function exitCodeOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'exitCode' in error) {
    const code = (error as { exitCode: unknown }).exitCode;
    if (typeof code === 'number') return code;
  }
  return undefined;
}
