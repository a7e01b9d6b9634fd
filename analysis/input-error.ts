/**
 * The one error type for input a user must fix: arguments, files, sources, configs, answers of
 * outside services that make a request impossible. Every layer throws it (or a subclass); only
 * `app/cli` maps it to an exit code (2), printing the message without a stack trace.
 *
 * Any other error that reaches the CLI is a bug in Phoenix. See docs/adr/0003.
 */
export class InputError extends Error {
  /** The file the problem is in, when there is one. */
  readonly file?: string;
  /** 1-based line in {@link file}, when known. */
  readonly line?: number;

  constructor(message: string, options: { readonly file?: string; readonly line?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InputError';
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
  }
}

/** True for an error the user must fix (an {@link InputError} or a subclass). */
export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
