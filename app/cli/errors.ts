import { InputError } from '../../analysis/input-error';
import { GitCommandError } from '../../clients/git/run-git';
import { GitHubRefusedError, GitHubUnavailableError } from '../../clients/github/github-failure';
import { InstallationTokenError } from '../../clients/github/installation-token';

/**
 * Exit codes every `phoenix` command uses, like kubeconform and conftest:
 * 0 nothing to report, 1 findings (or differences), 2 usage or input error,
 * 3 GitHub or the git remote could not be reached: nothing was changed, run it again later.
 */
export const ExitCode = { ok: 0, findings: 1, usage: 2, unavailable: 3 } as const;

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
 * input-error type, see docs/adr/0003) and for refused credentials, rights, an App not installed or a
 * protected branch (their message says what to change), 3 only for what trying again fixes: GitHub
 * or a git remote that did not answer, a branch that kept moving; undefined for anything else, which
 * is a bug. The classification lives in clients/git/run-git.ts and clients/github/github-failure.ts.
 */
export function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof GitHubUnavailableError) return ExitCode.unavailable;
  if (error instanceof GitHubRefusedError) return ExitCode.usage;
  if (error instanceof GitCommandError) return error.kind === 'unreachable' || error.kind === 'rejected' ? ExitCode.unavailable : ExitCode.usage;
  if (error instanceof InstallationTokenError) return error.kind === 'unreachable' ? ExitCode.unavailable : ExitCode.usage;
  return error instanceof InputError ? ExitCode.usage : undefined;
}
