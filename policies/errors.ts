import { InputError } from '../analysis/input-error';
/**
 * An input the engine cannot check (unreadable, malformed, too large, binary, wrong shape).
 * An InputError: the CLI prints it without a stack trace and exits 2.
 */
export class PolicyInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyInputError';
  }
}
