/**
 * An input the engine cannot check (unreadable, malformed, too large, binary, wrong shape).
 * Carries `exitCode` 2, which the CLI honours without a stack trace.
 */
export class PolicyInputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'PolicyInputError';
  }
}
